import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import { seededRandom } from '../../src/lib/random.js';
import { localDate, startOfLocalDay } from '../../src/modules/leads/clock.js';
import { scoreAllCustomers } from '../../src/modules/success/health/batch.js';
import { clockOf } from '../../src/modules/success/health/clock.js';
import { healthDropOf, type ScoreFacts } from '../../src/modules/success/health/drop-reasons.js';
import { healthInputsOf, scoredCustomer } from '../../src/modules/success/health/inputs.js';
import {
  addDays,
  computeHealth,
  type HealthScore,
  type HealthWeights,
  type InteractionCounts,
} from '../../src/modules/success/health/score.js';
import { statusAfterScore, type CustomerStatus } from '../../src/modules/success/health/status.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  DAY_MS,
  insertDeployment,
  insertInteractions,
  insertScore,
  setTimeZone,
  type InteractionType,
  type Sentiment,
} from './health-fixtures.js';
import { client, successApp } from './helpers.js';

/*
 * The set-based SQL path (calculate-all, the daily job) against the TypeScript reference on random
 * data: random products (duplicates, inactive), interactions around the window's edges (first
 * instant, one millisecond before, now, the future), contracts at every financial and bonus edge,
 * earlier scores around the trend cut, several time zones. The expectation is computed here from
 * the generated rows, independently of both paths' SQL.
 */

const TYPES: InteractionType[] = ['support_ticket', 'meeting', 'email', 'call', 'escalation', 'training'];
const SENTIMENTS: Sentiment[] = ['positive', 'neutral', 'negative'];
const PRODUCTS = ['A', 'B', 'C', 'D', 'Z', 'b', 'MonetX'];
const STATUSES: CustomerStatus[] = ['active', 'onboarding', 'at_risk'];
const START_OFFSETS = [null, -120, -90, -89, -30, 0, 1];
const END_OFFSETS = [null, -10, -1, 0, 29, 30, 89, 90, 179, 180, 400];

interface Generated {
  id: string;
  status: CustomerStatus;
  contractStart: string | null;
  contractEnd: string | null;
  deployments: { product: string; active: boolean }[];
  interactions: { type: InteractionType; sentiment: Sentiment; at: Date }[];
  scores: (ScoreFacts & { at: Date })[];
}

function generate(
  rand: () => number,
  clock: { now: Date; today: string; timeZone: string },
): Omit<Generated, 'id'> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const int = (max: number) => Math.floor(rand() * (max + 1));
  const since = startOfLocalDay(addDays(clock.today, -89), clock.timeZone).getTime();
  const cut = startOfLocalDay(addDays(clock.today, -29), clock.timeZone).getTime();
  const now = clock.now.getTime();
  const edges = [since, since - 1, now, now + 60_000, since + 1];
  const end = pick(END_OFFSETS);
  // A contract cannot end before it starts (a catalogue constraint).
  const start = ((s) => (s !== null && end !== null && end < s ? null : s))(pick(START_OFFSETS));
  const interactions = Array.from({ length: int(rand() < 0.2 ? 40 : 12) }, () => ({
    type: pick(TYPES),
    sentiment: pick(SENTIMENTS),
    at: new Date(rand() < 0.2 ? pick(edges) : now - Math.floor(rand() * 120 * DAY_MS)),
  }));
  const scoreTimes = new Set<number>();
  for (let i = int(5); i > 0; i--)
    scoreTimes.add(rand() < 0.3 ? pick([cut, cut - 1, cut + 1]) : now - 1 - Math.floor(rand() * 60 * DAY_MS));
  const facts = () => ({
    overall: int(100),
    adoption: int(100),
    support: int(100),
    engagement: int(100),
    financial: int(100),
  });
  return {
    status: pick(STATUSES),
    contractStart: start === null ? null : addDays(clock.today, start),
    contractEnd: end === null ? null : addDays(clock.today, end),
    deployments: Array.from({ length: int(4) }, () => ({ product: pick(PRODUCTS), active: rand() < 0.8 })),
    interactions,
    scores: [...scoreTimes].map((at) => ({ ...facts(), at: new Date(at) })),
  };
}

/** The expected score from the generated rows alone. */
function expected(
  c: Generated,
  clock: { now: Date; today: string; timeZone: string },
  weights: HealthWeights,
) {
  const since = startOfLocalDay(addDays(clock.today, -89), clock.timeZone).getTime();
  const cut = startOfLocalDay(addDays(clock.today, -29), clock.timeZone).getTime();
  const inWindow = c.interactions.filter(
    (i) => i.at.getTime() >= since && i.at.getTime() <= clock.now.getTime(),
  );
  const n = (type: InteractionType) => inWindow.filter((i) => i.type === type).length;
  const counts: InteractionCounts = {
    support_tickets: n('support_ticket'),
    escalations: n('escalation'),
    negative: inWindow.filter((i) => i.sentiment === 'negative').length,
    meetings: n('meeting'),
    calls: n('call'),
    emails: n('email'),
    trainings: n('training'),
  };
  const products = [...new Set(c.deployments.filter((d) => d.active).map((d) => d.product))].sort();
  const newestFirst = [...c.scores].sort((a, b) => b.at.getTime() - a.at.getTime());
  const base = newestFirst.find((s) => s.at.getTime() < cut);
  const score = computeHealth({
    today: clock.today,
    products,
    contractStart: c.contractStart,
    contractEnd: c.contractEnd,
    counts,
    previousScore: base?.overall ?? null,
    weights,
  });
  return { score, drop: healthDropOf(score, newestFirst.slice(0, 3)) };
}

const comparable = (s: HealthScore) => ({
  overall: s.overall,
  adoption: s.adoption,
  support: s.support,
  engagement: s.engagement,
  financial: s.financial,
  risk: s.risk,
  trend: s.trend,
  factors: s.factors,
});

describe('health scores: the SQL path equals the TypeScript function', { timeout: 600_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;

  beforeAll(async () => {
    t = await successApp();
    fx = await identityFixture(t, 'hprop');
  }, 300_000);
  afterAll(() => t.close());

  const cases = [
    {
      seed: 11,
      timeZone: 'Asia/Tashkent',
      weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
    },
    {
      seed: 23,
      timeZone: 'Pacific/Kiritimati',
      weights: { adoption: 7, support: 33, engagement: 41, financial: 19 },
    },
    {
      seed: 37,
      timeZone: 'America/St_Johns',
      weights: { adoption: 0, support: 100, engagement: 0, financial: 0 },
    },
    {
      seed: 41,
      timeZone: 'Asia/Kathmandu',
      weights: { adoption: 25, support: 25, engagement: 25, financial: 25 },
    },
  ];

  for (const { seed, timeZone, weights } of cases)
    it(`seed ${seed}, ${timeZone}, weights ${Object.values(weights).join('/')}`, async () => {
      const tenant = seed === 11 ? fx : await identityFixture(t, `hprop${seed}`);
      const tenantId = tenant.tenantId;
      await setTimeZone(t, tenantId, timeZone);
      await client(t).ok('PUT', '/health-scores/settings', tenant.users.admin.auth, {
        health_weights: weights,
      });
      const now = new Date();
      const clock = { now, timeZone, today: localDate(now, timeZone) };
      const rand = seededRandom(seed);
      const customers: Generated[] = [];
      for (let i = 0; i < 45; i++) {
        const c = { id: uuidv7(), ...generate(rand, clock) };
        customers.push(c);
        await t.database.db.query(
          `insert into customers (tenant_id, id, code, name, status, contract_start, contract_end, owner_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            tenantId,
            c.id,
            `P${seed}-${i}`,
            `Prop ${i}`,
            c.status,
            c.contractStart,
            c.contractEnd,
            rand() < 0.5 ? tenant.users.agent.id : null,
          ],
        );
        for (const d of c.deployments) await insertDeployment(t, tenantId, c.id, d);
        await insertInteractions(t, tenantId, c.id, c.interactions);
        for (const s of c.scores) await insertScore(t, tenantId, c.id, s);
      }

      // The TypeScript path (inputs read per customer, then the pure function) equals the expectation.
      await t.database.db.withTenant({ tenantId }, async (tx) => {
        for (const c of customers) {
          const inputs = await healthInputsOf(
            tx,
            tenantId,
            await scoredCustomer(tx, tenantId, c.id),
            clockOf(now, timeZone),
            weights,
          );
          expect(comparable(computeHealth(inputs)), c.id).toEqual(
            comparable(expected(c, clock, weights).score),
          );
        }
      });

      // The SQL path, in batches of 7 so the keyset paging crosses several transactions.
      const result = await scoreAllCustomers(t.app.platform, tenantId, now, 7);
      expect(result.scored).toBe(customers.length);
      const { rows } = await t.database.db.query<{
        customer_id: string;
        overall_score: number;
        adoption_score: number;
        support_score: number;
        engagement_score: number;
        financial_score: number;
        risk_level: string;
        trend: string;
        factors: HealthScore['factors'];
        weights: HealthWeights;
        status: string;
        health_score: number;
        health_risk: string;
        alert: string | null;
      }>(
        `select h.*, c.status, c.health_score, c.health_risk,
           (select a.severity from alerts a where a.tenant_id = h.tenant_id and a.customer_id = h.customer_id
              and a.type = 'health_drop') as alert
         from health_scores h join customers c on c.tenant_id = h.tenant_id and c.id = h.customer_id
         where h.tenant_id = $1 and h.calculated_at = $2`,
        [tenantId, now],
      );
      expect(rows).toHaveLength(customers.length);
      const byId = new Map(rows.map((r) => [r.customer_id, r]));
      for (const c of customers) {
        const row = byId.get(c.id)!;
        const want = expected(c, clock, weights);
        expect(
          {
            overall: row.overall_score,
            adoption: row.adoption_score,
            support: row.support_score,
            engagement: row.engagement_score,
            financial: row.financial_score,
            risk: row.risk_level,
            trend: row.trend,
            factors: row.factors,
          },
          c.id,
        ).toEqual(comparable(want.score));
        expect(row.weights).toEqual(weights);
        expect({ status: row.status, score: row.health_score, risk: row.health_risk }).toEqual({
          status: statusAfterScore(c.status, want.score.risk),
          score: want.score.overall,
          risk: want.score.risk,
        });
        expect(row.alert, c.id).toBe(want.drop?.severity ?? null);
      }
      // The random data reaches the interesting cases (checked so a generator change cannot hollow the test).
      const seen = (f: (r: (typeof rows)[number]) => unknown) => new Set(rows.map(f)).size;
      expect(seen((r) => r.trend)).toBe(3);
      expect(seen((r) => r.risk_level)).toBeGreaterThanOrEqual(3);
      expect(seen((r) => r.financial_score)).toBeGreaterThanOrEqual(5);
      expect(seen((r) => r.factors.adoption.new_contract_bonus)).toBe(2);
      expect(seen((r) => r.alert)).toBeGreaterThanOrEqual(3);
    });
});
