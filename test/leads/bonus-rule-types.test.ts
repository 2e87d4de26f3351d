import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsModule } from '../../src/modules/reports/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import { download, waitForRun as waitForReport } from '../reports/helpers.js';
import { bonusApp, recordSale, ruleSet, runPeriod } from './bonus-helpers.js';
import { client, createOutlet, extraUser, uniq, type Headers } from './helpers.js';

/**
 * Each rule type through the API, one month and one active rule set each (at most one active set
 * covers a day), with items and explanations computed by hand.
 */

type Item = { agent_id: string; rule_code: string; amount: string; capped: boolean; explanation: string };
const month = (m: string) => ({
  set: { active: true, valid_from: `2026-${m}-01`, valid_to: `2026-${m}-28` },
  period: { period_start: `2026-${m}-01`, period_end: `2026-${m}-28` },
});
const rule = (code: string, priority: number, body: object) => ({ code, name: code, priority, ...body });

describe('leads: bonus rule types through runs', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let a: FixtureUser;
  let b: FixtureUser;
  let api: ReturnType<typeof client>;

  /** Runs the month under the rules; the items as [agent, rule, amount, explanation], in run order. */
  async function itemsOf(m: string, rules: object[]) {
    const { set, period } = month(m);
    const run = await runPeriod(t, admin, { rule_set_id: await ruleSet(t, admin, set, rules), ...period });
    expect(run.status, run.error ?? '').toBe('completed');
    const { items } = await api.ok<{ items: Item[] }>('GET', `/bonus-runs/${run.id}/items`, admin);
    const who = (id: string) => (id === a.id ? 'A' : id === b.id ? 'B' : id);
    return {
      run,
      items: items.map((i) => [who(i.agent_id), i.rule_code, i.amount, i.explanation]),
      // Items are ordered by agent id first: compare per agent.
      of: (agent: 'A' | 'B') =>
        items.filter((i) => who(i.agent_id) === agent).map((i) => [i.rule_code, i.amount, i.explanation]),
    };
  }

  beforeAll(async () => {
    t = await bonusApp([reportsModule]);
    fx = await identityFixture(t, 'bonustypes');
    admin = fx.users.admin.auth;
    api = client(t);
    a = fx.users.agent;
    b = await extraUser(t, fx, 'agent');
  }, 120_000);
  afterAll(() => t.close());

  it('per_lead: a percent of what the lead sold when sold within 48 hours, else a fixed amount', async () => {
    // Sold 200,000 after 12 h; sold 100,000 after 120 h; never sold (no lead-to-sale time).
    await recordSale(t, fx, {
      agent: a.auth,
      amount: '200000.00',
      capturedAt: '2026-03-02T08:00:00Z',
      at: '2026-03-02T20:00:00Z',
    });
    await recordSale(t, fx, {
      agent: a.auth,
      amount: '100000.00',
      capturedAt: '2026-03-05T08:00:00Z',
      at: '2026-03-10T08:00:00Z',
    });
    await api.ok(
      'POST',
      '/leads',
      a.auth,
      { customer_name: uniq('Lead'), phone: '+998901112233', captured_at: '2026-03-12T08:00:00Z' },
      201,
    );
    const { run, items } = await itemsOf('03', [
      rule('L1', 1, {
        type: 'per_lead',
        amount_type: 'percent',
        amount: '5',
        conditions: [{ field: 'lead_to_sale_hours', op: 'lte', value: 48 }],
      }),
      rule('L2', 2, { type: 'per_lead', amount: '1000.00' }),
    ]);
    expect(items).toEqual([
      ['A', 'L1', '10000.00', '5% of 200,000.00 UZS lead by rule L1'],
      ['A', 'L2', '1000.00', '1,000.00 UZS per lead by rule L2'],
      ['A', 'L2', '1000.00', '1,000.00 UZS per lead by rule L2'],
    ]);
    expect(run).toMatchObject({ total_amount: '12000.00', item_count: 3, agent_count: 1 });
  });

  it('tier by revenue: the tier reached sets the rate of every sale; below the first tier the next rule applies', async () => {
    await recordSale(t, fx, { agent: a.auth, amount: '1500000.00', at: '2026-04-03T08:00:00Z' });
    await recordSale(t, fx, { agent: a.auth, amount: '2000000.00', at: '2026-04-04T08:00:00Z' });
    await recordSale(t, fx, { agent: b.auth, amount: '500000.00', at: '2026-04-05T08:00:00Z' });
    const tiers = [
      { threshold: '1000000.00', rate: '2' },
      { threshold: '3000000.00', rate: '4' },
    ];
    const { run, of } = await itemsOf('04', [
      rule('T1', 1, { type: 'tier', basis: 'revenue', tiers }),
      rule('F', 2, { type: 'per_conversion', amount: '1000.00' }),
    ]);
    // A: revenue 3,500,000 ≥ 3,000,000 → tier 2, 4% of each sale. B: 500,000 < 1,000,000 → rule F.
    const head = 'at tier 2 (revenue 3,500,000.00 ≥ 3000000.00) by rule T1';
    expect(of('A')).toEqual([
      ['T1', '60000.00', `4% of 1,500,000.00 UZS sale ${head}`],
      ['T1', '80000.00', `4% of 2,000,000.00 UZS sale ${head}`],
    ]);
    expect(of('B')).toEqual([['F', '1000.00', '1,000.00 UZS per sale by rule F']]);
    expect(run).toMatchObject({ total_amount: '141000.00', item_count: 3, agent_count: 2 });
  });

  it('tier by count: a fixed amount per sale by the number of sales', async () => {
    for (const day of ['03', '04', '05'])
      await recordSale(t, fx, { agent: a.auth, amount: '100000.00', at: `2026-05-${day}T08:00:00Z` });
    for (const day of ['06', '07'])
      await recordSale(t, fx, { agent: b.auth, amount: '100000.00', at: `2026-05-${day}T08:00:00Z` });
    const tiers = [
      { threshold: '2', amount: '5000.00' },
      { threshold: '3', amount: '8000.00' },
    ];
    const { run, of } = await itemsOf('05', [rule('TC', 1, { type: 'tier', basis: 'count', tiers })]);
    const aLine = ['TC', '8000.00', '8,000.00 UZS per sale at tier 2 (count 3 ≥ 3) by rule TC'];
    const bLine = ['TC', '5000.00', '5,000.00 UZS per sale at tier 1 (count 2 ≥ 2) by rule TC'];
    expect(of('A')).toEqual([aLine, aLine, aLine]);
    expect(of('B')).toEqual([bLine, bLine]);
    expect(run).toMatchObject({ total_amount: '34000.00', item_count: 5, agent_count: 2 });
  });

  let regionRun: string;
  it('region: the outlet’s org unit selects the rule', async () => {
    const unit = (name: string) => api.ok('POST', '/org-units', admin, { name: uniq(name) }, 201);
    const north = (await unit('North')).id;
    const south = (await unit('South')).id;
    const inNorth = await createOutlet(t, admin, { org_unit_id: north });
    const inSouth = await createOutlet(t, admin, { org_unit_id: south });
    await recordSale(t, fx, {
      agent: a.auth,
      amount: '300000.00',
      at: '2026-06-03T08:00:00Z',
      outletId: inNorth,
    });
    await recordSale(t, fx, {
      agent: a.auth,
      amount: '300000.00',
      at: '2026-06-04T08:00:00Z',
      outletId: inSouth,
    });
    await recordSale(t, fx, {
      agent: b.auth,
      amount: '50000.00',
      at: '2026-06-05T08:00:00Z',
      outletId: inNorth,
    });
    const { run, of } = await itemsOf('06', [
      rule('N', 1, {
        type: 'per_conversion',
        amount_type: 'percent',
        amount: '10',
        conditions: [{ field: 'region', op: 'eq', value: north }],
      }),
      rule('D', 2, { type: 'per_conversion', amount: '100.00' }),
    ]);
    expect(of('A')).toEqual([
      ['N', '30000.00', '10% of 300,000.00 UZS sale by rule N'],
      ['D', '100.00', '100.00 UZS per sale by rule D'],
    ]);
    expect(of('B')).toEqual([['N', '5000.00', '10% of 50,000.00 UZS sale by rule N']]);
    expect(run).toMatchObject({ total_amount: '35100.00', item_count: 3, agent_count: 2 });
    regionRun = run.id;
  });

  it('renders the payout statement report as a PDF with each agent’s total, within the reader’s scope', async () => {
    const statement = async (auth: Headers) => {
      const queued = await api.ok(
        'POST',
        '/reports/generate',
        auth,
        { report_type: 'leads.bonus_payout_statement', format: 'pdf', parameters: { run_id: regionRun } },
        202,
      );
      const report = await waitForReport(t, auth, queued.id);
      expect(report.status, report.error ?? '').toBe('completed');
      const file = await download(t, auth, report.id);
      expect(file.headers['content-type']).toBe('application/pdf');
      const { text } = await extractText(new Uint8Array(file.rawPayload), { mergePages: true });
      return text.replace(/\s+/g, ' ');
    };
    // Totals per agent: A 2 items 30,100.00; B 1 item 5,000.00.
    const all = await statement(admin);
    expect(all).toContain('Bonus payout statement');
    expect(all).toMatch(/agent \S+ 2 30100\.00/);
    expect(all).toMatch(/agent 1 5000\.00/);
    const own = await statement(b.auth);
    expect(own).toMatch(/agent 1 5000\.00/);
    expect(own).not.toContain('30100.00');
  });
});
