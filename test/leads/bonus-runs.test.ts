import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerEntries } from '../../src/modules/leads/tables/conversions.tables.js';
import { activeRulesOf } from '../../src/modules/leads/bonus/rule-sets.service.js';
import { computePeriod, periodBounds } from '../../src/modules/leads/bonus/run-compute.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  bonusApp,
  recordSale,
  ruleSet,
  runPeriod,
  waitForRun,
  zipEntryDates,
  type RunJson,
} from './bonus-helpers.js';
import { client, createCampaign, createTeam, expectStatus, extraUser, type Headers } from './helpers.js';

type Item = {
  agent_id: string;
  rule_code: string;
  amount: string;
  capped: boolean;
  explanation: string;
  seq: number;
  conversion_id: string | null;
};
type Items = { items: (Item & { id: string })[]; total: number };
const PERIOD = { period_start: '2026-01-01', period_end: '2026-01-31' };
const DECEMBER = { period_start: '2025-12-01', period_end: '2025-12-31' };
const JANUARY_SET = { active: true, valid_from: '2026-01-01', valid_to: '2026-01-31' };
const DECEMBER_SET = { active: true, valid_from: '2025-12-01', valid_to: '2025-12-31' };
const RULES = [
  {
    code: 'R1',
    name: '5% per sale',
    type: 'per_conversion',
    priority: 1,
    amount_type: 'percent',
    amount: '5',
    cap_per_item: '50000.00',
  },
  {
    code: 'G1',
    name: 'Two sales',
    type: 'per_target',
    priority: 2,
    basis: 'count',
    target: '2',
    amount: '100000.00',
  },
];

describe('leads: bonus runs', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let peer: FixtureUser;
  let campaign: string;
  let setId: string;
  let api: ReturnType<typeof client>;
  const bare = (items: Items['items']) => items.map(({ id: _id, ...rest }) => rest);
  const exportOf = (runId: string, format: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/bonus-runs/${runId}/export?format=${format}`,
      headers: admin,
    });

  beforeAll(async () => {
    t = await bonusApp();
    fx = await identityFixture(t, 'bonusruns');
    admin = fx.users.admin.auth;
    api = client(t);
    peer = await extraUser(t, fx, 'agent');
    campaign = await createCampaign(t, admin);
    const agent = fx.users.agent.auth;
    // Agent: 1,200,000 (campaign) and 300,000; peer: 500,000; one sale after the period; one in USD.
    await recordSale(t, fx, {
      agent,
      amount: '1200000.00',
      at: '2026-01-10T08:00:00Z',
      campaignId: campaign,
    });
    await recordSale(t, fx, { agent, amount: '300000.00', at: '2026-01-12T08:00:00Z' });
    await recordSale(t, fx, { agent: peer.auth, amount: '500000.00', at: '2026-01-15T08:00:00Z' });
    await recordSale(t, fx, { agent, amount: '999999.00', at: '2026-02-03T08:00:00Z' });
    await recordSale(t, fx, { agent, amount: '10.00', at: '2026-01-20T08:00:00Z', currency: 'USD' });
    // December: two sales of the agent, for a set of its own (at most one active set a day).
    await recordSale(t, fx, { agent, amount: '1000.00', at: '2025-12-10T08:00:00Z' });
    await recordSale(t, fx, { agent, amount: '1000.00', at: '2025-12-11T08:00:00Z' });
    setId = await ruleSet(t, admin, JANUARY_SET, RULES);
  }, 120_000);
  afterAll(() => t.close());

  let first: RunJson;
  it('computes a period by a job: hand-computed items, totals and explanations', async () => {
    first = await runPeriod(t, admin, { rule_set_id: setId, ...PERIOD });
    // Agent: 5% of 1,200,000 = 60,000 capped at 50,000; 5% of 300,000 = 15,000; target 100,000. Peer: 25,000.
    expect(first).toMatchObject({
      status: 'completed',
      total_amount: '190000.00',
      item_count: 4,
      agent_count: 2,
    });
    const { items } = await api.ok<Items>('GET', `/bonus-runs/${first.id}/items`, admin);
    const agentId = fx.users.agent.id;
    expect(
      items.map((i) => [i.agent_id === agentId ? 'agent' : 'peer', i.rule_code, i.amount, i.capped]),
    ).toEqual(
      [
        ['agent', 'R1', '50000.00', true],
        ['agent', 'R1', '15000.00', false],
        ['agent', 'G1', '100000.00', false],
        ['peer', 'R1', '25000.00', false],
      ].sort((a, b) => (a[0] === b[0] ? 0 : agentId < peer.id === (a[0] === 'agent') ? -1 : 1)),
    );
    expect(items.find((i) => i.capped)!.explanation).toBe(
      '5% of 1,200,000.00 UZS sale, capped at 50,000.00 by rule R1',
    );
    const g1 = await api.ok<Items>('GET', `/bonus-runs/${first.id}/items?rule=G1&agent=${agentId}`, admin);
    expect(g1.items.map((i) => i.amount)).toEqual(['100000.00']);
  });

  it('is deterministic: a second run gives the same items, digest and export bytes', async () => {
    const second = await runPeriod(t, admin, { rule_set_id: setId, ...PERIOD });
    expect(second.input_digest).toBe(first.input_digest);
    const a = await api.ok<Items>('GET', `/bonus-runs/${first.id}/items`, admin);
    const b = await api.ok<Items>('GET', `/bonus-runs/${second.id}/items`, admin);
    expect(bare(b.items)).toEqual(bare(a.items));
    for (const format of ['csv', 'xlsx', 'pdf']) {
      const x = await exportOf(first.id, format);
      const y = await exportOf(second.id, format);
      expect(x.statusCode, x.body).toBe(200);
      expect(x.rawPayload.length).toBeGreaterThan(100);
      expect(Buffer.compare(x.rawPayload, y.rawPayload), format).toBe(0);
    }
    const csv = (await exportOf(first.id, 'csv')).body;
    expect(csv).toContain('5% of 1,200,000.00 UZS sale, capped at 50,000.00 by rule R1');
    const xlsx = await exportOf(first.id, 'xlsx');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    // Its times are the period's last day, not the export's: the workbook's and every zip entry's.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as never);
    expect(workbook.created.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(new Set(zipEntryDates(xlsx.rawPayload))).toEqual(new Set(['2026-01-31T00:00:00Z']));
    const exports = await t.database.db.withSystem((tx) =>
      tx.sql.query<{ n: number }>(`select count(*)::int as n from bonus_payout_exports where run_id = $1`, [
        first.id,
      ]),
    );
    expect(exports.rows[0]!.n).toBe(5);
  });

  it('computes the same items whatever the batch size (reads and writes pipelined per batch)', async () => {
    const computed = (batchRows?: number) =>
      t.database.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
        const bounds = await periodBounds(tx, PERIOD.period_start, PERIOD.period_end, 'UTC');
        const rules = await activeRulesOf(tx, fx.tenantId, setId);
        const written: unknown[] = [];
        const totals = await computePeriod(
          tx,
          { tenantId: fx.tenantId, currency: 'UZS', bounds, rules, batchRows },
          async (items) => void written.push(...items),
        );
        return { totals, written };
      });
    const whole = await computed();
    const perAgent = await computed(1);
    expect(whole.totals.itemCount).toBe(4);
    expect(perAgent).toEqual(whole);
  });

  it('previews the same computation, saving nothing, from the set or inline rules', async () => {
    const fromSet = await api.ok<{ input_digest: string; total_amount: string }>(
      'POST',
      '/bonus-runs/preview',
      admin,
      { rule_set_id: setId, ...PERIOD },
    );
    expect(fromSet).toMatchObject({ input_digest: first.input_digest, total_amount: '190000.00' });
    const inline = await api.ok<{ total_amount: string; items: Item[] }>(
      'POST',
      '/bonus-runs/preview',
      admin,
      {
        ...PERIOD,
        currency: 'UZS',
        rules: [
          {
            code: 'F',
            name: 'Flat',
            type: 'per_conversion',
            priority: 1,
            amount: '1000',
            conditions: [{ field: 'sale_amount', op: 'gte', value: '400000.00' }],
          },
        ],
      },
    );
    expect(inline.total_amount).toBe('2000.00');
    const bad = await api.call('POST', '/bonus-runs/preview', admin, {
      ...PERIOD,
      rules: [{ ...RULES[0], conditions: [{ field: 'product', op: 'lt', value: setId }] }],
    });
    expect(expectStatus(bad, 422).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      '/body/rules/0/conditions/0/op',
    );
  });

  it('scopes items: an agent sees only their own', async () => {
    const own = await api.ok<Items>('GET', `/bonus-runs/${first.id}/items`, fx.users.agent.auth);
    expect(own.items.map((i) => i.rule_code)).toEqual(['R1', 'R1', 'G1']);
    expect(own.items.every((i) => i.agent_id === fx.users.agent.id)).toBe(true);
    const peers = await api.ok<Items>('GET', `/bonus-runs/${first.id}/items`, peer.auth);
    expect(peers.items.map((i) => i.amount)).toEqual(['25000.00']);
  });

  it('shows runs’ totals over the caller’s data scope only, in the list and by id', async () => {
    const { agent, team_leader } = fx.users;
    await createTeam(t, fx, team_leader.id, [agent.id]);
    const agentTotals = { total_amount: '165000.00', item_count: 3, agent_count: 1 };
    const cases: [Headers, object][] = [
      [agent.auth, agentTotals],
      [team_leader.auth, agentTotals], // leads the agent's team, not the peer's
      [peer.auth, { total_amount: '25000.00', item_count: 1, agent_count: 1 }],
      [admin, { total_amount: '190000.00', item_count: 4, agent_count: 2 }],
    ];
    for (const [auth, totals] of cases) {
      expect(await api.ok('GET', `/bonus-runs/${first.id}`, auth)).toMatchObject(totals);
      const list = await api.ok<{ bonus_runs: RunJson[] }>('GET', `/bonus-runs?rule_set=${setId}`, auth);
      expect(list.bonus_runs.length).toBeGreaterThanOrEqual(2);
      for (const run of list.bonus_runs) expect(run).toMatchObject(totals);
    }
  });

  it('moves through its states with stable 409s; approval writes accruals and campaign spend; approved runs are fixed', async () => {
    const empty = await ruleSet(t, admin, DECEMBER_SET, []);
    const failed = await runPeriod(t, admin, { rule_set_id: empty, ...DECEMBER });
    expect(failed).toMatchObject({ status: 'failed', error: 'The rule set has no active rules.' });
    expectStatus(
      await api.call('POST', `/bonus-runs/${failed.id}/approve`, admin),
      409,
      'BONUS_RUN_NOT_COMPLETED',
    );
    expectStatus(
      await api.call('GET', `/bonus-runs/${failed.id}/export`, admin),
      409,
      'BONUS_RUN_NOT_COMPLETED',
    );
    await api.ok('POST', `/bonus-rule-sets/${empty}/rules`, admin, RULES[1], 201);
    await api.ok('POST', `/bonus-runs/${failed.id}/rerun`, admin, undefined, 202);
    expect(await waitForRun(t, admin, failed.id)).toMatchObject({
      status: 'completed',
      total_amount: '100000.00',
    });
    // Deactivated, the set is for previews only: no rerun, no new run.
    await api.ok('PUT', `/bonus-rule-sets/${empty}`, admin, { active: false });
    expectStatus(await api.call('POST', `/bonus-runs/${failed.id}/rerun`, admin), 409, 'RULE_SET_INACTIVE');
    expectStatus(
      await api.call('POST', '/bonus-runs', admin, { rule_set_id: empty, ...DECEMBER }),
      409,
      'RULE_SET_INACTIVE',
    );
    expect(
      (await api.ok<RunJson>('POST', '/bonus-runs/preview', admin, { rule_set_id: empty, ...DECEMBER }))
        .total_amount,
    ).toBe('100000.00');

    expectStatus(
      await api.call('POST', `/bonus-runs/${first.id}/mark-paid`, admin),
      409,
      'BONUS_RUN_NOT_APPROVED',
    );
    const approved = await api.ok<RunJson>('POST', `/bonus-runs/${first.id}/approve`, admin);
    expect(approved.status).toBe('approved');
    const entries = await t.database.db.withSystem((tx) => tx.db.select().from(ledgerEntries));
    const accruals = entries.filter((e) => e.bonusRunId === first.id && e.entryType === 'bonus_accrual');
    expect(accruals.map((e) => e.amount).sort()).toEqual(['100000.00', '15000.00', '25000.00', '50000.00']);
    const target = accruals.find((e) => e.amount === '100000.00')!;
    expect(target.conversionId).toBeNull();
    expect(accruals.find((e) => e.amount === '50000.00')!.occurredAt.toISOString()).toBe(
      '2026-01-10T08:00:00.000Z',
    );
    expect((await api.ok<{ spend: string }>('GET', `/campaigns/${campaign}`, admin)).spend).toBe('50000.00');
    // The accruals reach the daily KPIs (refreshed by the workers): per sale on the sale's day,
    // the target item on the period's last day.
    const kpiBonus = async (from: string, to: string) =>
      (await api.ok<{ totals: { bonus: string } }>('GET', `/kpi/agents?from=${from}&to=${to}`, admin)).totals
        .bonus;
    await expect.poll(() => kpiBonus('2026-01-01', '2026-01-31'), { timeout: 15_000 }).toBe('190000.00');
    expect(await kpiBonus('2026-01-10', '2026-01-10')).toBe('50000.00');
    expect(await kpiBonus('2026-01-31', '2026-01-31')).toBe('100000.00');

    expectStatus(await api.call('POST', `/bonus-runs/${first.id}/approve`, admin), 409, 'BONUS_RUN_APPROVED');
    expectStatus(await api.call('POST', `/bonus-runs/${first.id}/rerun`, admin), 409, 'BONUS_RUN_APPROVED');
    expectStatus(
      await api.call('PUT', `/bonus-rule-sets/${setId}`, admin, { name: 'x' }),
      409,
      'RULE_SET_LOCKED',
    );
    const rules = await api.ok<{ rules: { id: string }[] }>('GET', `/bonus-rule-sets/${setId}/rules`, admin);
    expectStatus(
      await api.call('PUT', `/bonus-rule-sets/${setId}/rules/${rules.rules[0]!.id}`, admin, { amount: '1' }),
      409,
      'RULE_SET_LOCKED',
    );

    const paid = await api.ok<RunJson>('POST', `/bonus-runs/${first.id}/mark-paid`, admin);
    expect(paid.status).toBe('paid');
    const after = await t.database.db.withSystem((tx) => tx.db.select().from(ledgerEntries));
    expect(after.filter((e) => e.bonusRunId === first.id && e.entryType === 'payout')).toHaveLength(4);
    expectStatus(
      await api.call('POST', `/bonus-runs/${first.id}/mark-paid`, admin),
      409,
      'BONUS_RUN_ALREADY_PAID',
    );
    expectStatus(await api.call('GET', `/bonus-runs/${first.id}/export?format=csv`, admin), 200);
  });

  it('checks permissions per role', async () => {
    const { agent, viewer, national_manager, team_leader } = fx.users;
    expectStatus(await api.call('POST', '/bonus-runs', agent.auth, { rule_set_id: setId, ...PERIOD }), 403);
    expectStatus(await api.call('POST', '/bonus-runs', viewer.auth, { rule_set_id: setId, ...PERIOD }), 403);
    expectStatus(
      await api.call('POST', '/bonus-runs/preview', team_leader.auth, { rule_set_id: setId, ...PERIOD }),
      403,
    );
    const run = await api.ok<RunJson>(
      'POST',
      '/bonus-runs',
      national_manager.auth,
      { rule_set_id: setId, ...PERIOD },
      202,
    );
    await waitForRun(t, admin, run.id);
    expectStatus(await api.call('POST', `/bonus-runs/${run.id}/approve`, national_manager.auth), 403);
    expectStatus(await api.call('POST', `/bonus-runs/${run.id}/mark-paid`, viewer.auth), 403);
    await api.ok('GET', `/bonus-runs/${run.id}`, viewer.auth);
  });

  it('refuses bad periods and unknown rule sets at the field', async () => {
    const pointer = (res: Awaited<ReturnType<typeof api.call>>) =>
      expectStatus(res, 422)
        .json<{ errors: { path: string }[] }>()
        .errors.map((e) => e.path);
    const backwards = { period_start: '2026-02-01', period_end: '2026-01-01' };
    const tooLong = { period_start: '2025-01-01', period_end: '2026-01-01' };
    const unknown = { rule_set_id: '01900000-0000-7000-8000-000000000000', ...PERIOD };
    for (const path of ['/bonus-runs', '/bonus-runs/preview']) {
      expect(pointer(await api.call('POST', path, admin, { rule_set_id: setId, ...backwards }))).toEqual([
        '/body/period_end',
      ]);
      expect(pointer(await api.call('POST', path, admin, { rule_set_id: setId, ...tooLong }))).toEqual([
        '/body/period_end',
      ]);
      expect(pointer(await api.call('POST', path, admin, unknown))).toEqual(['/body/rule_set_id']);
    }
    // A whole year is still one period.
    await api.ok('POST', '/bonus-runs/preview', admin, {
      rule_set_id: setId,
      period_start: '2025-02-01',
      period_end: '2026-01-31',
    });
  });

  it('keeps tenants apart', async () => {
    const other = await identityFixture(t, 'bonusrunsother');
    const theirs = other.users.admin.auth;
    expectStatus(await api.call('GET', `/bonus-runs/${first.id}`, theirs), 404);
    expectStatus(await api.call('GET', `/bonus-runs/${first.id}/items`, theirs), 404);
    expectStatus(await api.call('GET', `/bonus-runs/${first.id}/export`, theirs), 404);
    expectStatus(await api.call('POST', '/bonus-runs', theirs, { rule_set_id: setId, ...PERIOD }), 422);
    const list = await api.ok<{ bonus_runs: unknown[] }>('GET', '/bonus-runs', theirs);
    expect(list.bonus_runs).toEqual([]);
  });
});
