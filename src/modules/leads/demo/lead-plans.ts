import { seededRandom } from '../../../lib/random.js';
import type { DemoCampaigns, DemoClock, DemoRefs } from './setup.js';

/**
 * The demo's leads as planned: about four a day over the last 60 days across the demo agents,
 * captured between 09:00 and 21:00 local time, each with the fate it is worked to. Some qualified
 * leads are left for the external sales import to convert; a few customers are captured twice in
 * the same campaign.
 */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const LEAD_DAYS = 60;

/** What happens to a lead after capture. `import` stays qualified until a shop's sales file names it. */
export type Fate = 'new' | 'contacted' | 'qualified' | 'import' | 'converted' | 'rejected' | 'expired';

export interface Plan {
  n: number;
  at: Date;
  agent: number;
  outletId: string;
  campaignId: string | null;
  productId: string;
  sourceId: string;
  digits: string;
  fate: Fate;
  duplicate: boolean;
}

const FIRST = [
  'Aziz',
  'Dilnoza',
  'Jasur',
  'Malika',
  'Otabek',
  'Nodira',
  'Sardor',
  'Gulnora',
  'Bobur',
  'Zarina',
];
const LAST = ['Karimov', 'Yusupova', 'Rakhimov', 'Tursunova', 'Ismoilov', 'Nazarova', 'Aliyev', 'Saidova'];

/** Unique seven-digit subscriber numbers (7919 is prime to 8,000,000, so no two leads share one). */
const digitsOf = (n: number) => String(1_000_000 + ((n * 7919) % 8_000_000));

/** The number as agents type it: international, spaced, or national (normalised to E.164 on capture). */
export function typed(digits: string, style: number): string {
  if (style === 0) return `+99890${digits}`;
  if (style === 1) return `+998 90 ${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
  return `90${digits}`;
}

function fateOf(rand: () => number, ageDays: number): Fate {
  const r = rand();
  if (ageDays < 2) return r < 0.6 ? 'new' : 'contacted';
  if (r < 0.34) return 'converted';
  if (r < 0.44) return ageDays <= 25 && ageDays >= 3 ? 'import' : 'converted';
  if (r < 0.52) return 'qualified';
  if (r < 0.64) return 'contacted';
  if (r < 0.72) return 'new';
  if (r < 0.86) return 'rejected';
  return ageDays >= 15 ? 'expired' : 'rejected';
}

export function planLeads(refs: DemoRefs, campaigns: DemoCampaigns, clock: DemoClock): Plan[] {
  const rand = seededRandom(20_240_715);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const sources = Object.values(campaigns.sources);
  const plans: Plan[] = [];
  for (let ago = LEAD_DAYS - 1; ago >= 0; ago--) {
    const day = clock.day(-ago);
    const sunday = new Date(`${day}T00:00:00Z`).getUTCDay() === 0;
    const count = sunday ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) {
      const at = clock.at(day, 9 * 60 + Math.floor(rand() * 12 * 60));
      const roll = rand();
      const campaign =
        roll < 0.1
          ? null
          : day <= campaigns.ended.endDate && roll < 0.45
            ? campaigns.ended
            : campaigns.active;
      const n = plans.length + 1;
      const plan: Plan = {
        n,
        at,
        agent: Math.floor(rand() * refs.agents.length),
        outletId: pick(campaign?.outlets ?? refs.outlets.map((o) => o.id)),
        campaignId: campaign?.id ?? null,
        productId: pick(campaign?.products ?? refs.products),
        sourceId: pick(sources),
        digits: digitsOf(n),
        fate: fateOf(rand, (clock.now.getTime() - at.getTime()) / DAY),
        duplicate: false,
      };
      // Nothing lies ahead of the moment of seeding, and today's leads leave time to be worked.
      if (at.getTime() <= clock.now.getTime() - 2 * HOUR) plans.push(plan);
    }
  }
  // A handful of customers captured again in the same campaign a few days later (another agent,
  // another shop): flagged against the first lead on capture.
  const masters = plans.filter(
    (p) => p.campaignId && p.fate !== 'import' && clock.now.getTime() - p.at.getTime() > 6 * DAY,
  );
  for (let i = 0; i < 6 && masters.length; i++) {
    const master = masters.splice(Math.floor(rand() * masters.length), 1)[0]!;
    plans.push({
      ...master,
      n: plans.length + 1,
      at: new Date(master.at.getTime() + (1 + Math.floor(rand() * 4)) * DAY + 2 * HOUR),
      agent: (master.agent + 1) % refs.agents.length,
      fate: rand() < 0.5 ? 'new' : 'rejected',
      duplicate: true,
    });
  }
  return plans.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The customer's name on the planned lead `n`. */
export const customerNameOf = (n: number) => `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`;
