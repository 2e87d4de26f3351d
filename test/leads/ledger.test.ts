import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { client, expectStatus, leadsApp, type Headers } from './helpers.js';
import {
  captureLead,
  salesTenant,
  type Conversion,
  type Entry,
  type Ledger,
  type Problem,
} from './sales.helpers.js';

describe('ledger: entries, totals and adjustments', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let peerId: string;
  let api: ReturnType<typeof client>;
  let mine: Conversion;

  const sell = async (who: Headers, amount: string, cost: string, at: string) => {
    const lead = await captureLead(t, who, {});
    return api.ok<Conversion>(
      'POST',
      '/conversions',
      who,
      { lead_id: lead.id, amount, cost, converted_at: at },
      201,
    );
  };

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    const s = await salesTenant(t, 'ledger');
    ({ fx, admin } = s);
    peerId = s.peer.id;
    mine = await sell(fx.users.agent.auth, '1000.10', '250.05', '2024-03-10T10:00:00Z');
    await sell(s.peer.auth, '500', '100', '2024-03-11T10:00:00Z');
    await sell(fx.users.agent.auth, '99.99', '0', '2024-04-02T10:00:00Z');
    await api.ok(
      'POST',
      '/ledger/adjustments',
      admin,
      {
        component: 'bonus',
        amount: '120.00',
        occurred_at: '2024-03-15T10:00:00Z',
        agent_id: fx.users.agent.id,
        reason: 'March bonus',
      },
      201,
    );
    await api.ok(
      'POST',
      '/ledger/adjustments',
      admin,
      {
        component: 'payout',
        amount: '120',
        occurred_at: '2024-03-20T10:00:00Z',
        agent_id: fx.users.agent.id,
        reason: 'paid',
      },
      201,
    );
    await api.ok(
      'POST',
      '/ledger/adjustments',
      admin,
      {
        component: 'revenue',
        amount: '-0.10',
        occurred_at: '2024-03-12T10:00:00Z',
        conversion_id: mine.id,
        agent_id: fx.users.agent.id,
        reason: 'rounding',
      },
      201,
    );
  }, 120_000);
  afterAll(() => t?.close());

  it('totals every filtered entry, not the page: revenue, cost, bonus, payout, net profit', async () => {
    const all = await api.ok<Ledger>('GET', '/ledger?limit=2', admin);
    expect(all.ledger_entries).toHaveLength(2);
    // revenue 1000.10 + 500 + 99.99 − 0.10; cost 250.05 + 100; bonus 120; payout 120 (not in net profit)
    expect(all.totals).toEqual({
      revenue: '1599.99',
      cost: '350.05',
      bonus: '120.00',
      payout: '120.00',
      net_profit: '1129.94',
    });
    const march = await api.ok<Ledger>(
      'GET',
      '/ledger?date_from=2024-03-01&date_to=2024-03-31&limit=500',
      admin,
    );
    expect(march.totals).toMatchObject({ revenue: '1500.00', cost: '350.05', net_profit: '1029.95' });
    const agentOnly = await api.ok<Ledger>(
      `GET`,
      `/ledger?agent=${fx.users.agent.id}&component=revenue`,
      admin,
    );
    expect(agentOnly.totals).toMatchObject({ revenue: '1099.99', cost: '0.00', net_profit: '1099.99' });
    const adjustments = await api.ok<Ledger>('GET', '/ledger?entry_type=adjustment', admin);
    expect(adjustments.ledger_entries.map((e) => e.reason).sort()).toEqual([
      'March bonus',
      'paid',
      'rounding',
    ]);
    const ofConversion = await api.ok<Ledger>('GET', `/ledger?conversion=${mine.id}`, admin);
    expect(ofConversion.totals.revenue).toBe('1000.00');
    expectStatus(await api.call('GET', '/ledger?component=tips', admin), 422);
  });

  it('scopes entries by their agent: a team leader sees the team, agents may not read the ledger', async () => {
    const leader = await api.ok<Ledger>('GET', '/ledger?limit=500', fx.users.team_leader.auth);
    expect(leader.ledger_entries.every((e: Entry) => e.agent_id === fx.users.agent.id)).toBe(true);
    expect(leader.ledger_entries.some((e) => e.agent_id === peerId)).toBe(false);
    expect(leader.totals.revenue).toBe('1099.99');
    expectStatus(await api.call('GET', '/ledger', fx.users.agent.auth), 403);
    expect((await api.ok<Ledger>('GET', '/ledger', fx.users.viewer.auth)).totals.revenue).toBe('1599.99');
  });

  it('adjustments: 201 as an adjustment entry, 422 for zero, bad amounts, missing reason or unknown references, 403 without ledger:adjust', async () => {
    const entry = await api.ok<Entry>(
      'POST',
      '/ledger/adjustments',
      admin,
      { component: 'cost', amount: -5, reason: 'refund' },
      201,
    );
    expect(entry).toMatchObject({
      entry_type: 'adjustment',
      component: 'cost',
      amount: '-5.00',
      reason: 'refund',
    });
    const cases: [object, string][] = [
      [{ component: 'cost', amount: '0.00', reason: 'x' }, '/body/amount'],
      [{ component: 'cost', amount: '1.234', reason: 'x' }, '/body/amount'],
      [{ component: 'cost', amount: '1' }, '/body/reason'],
      [{ component: 'tips', amount: '1', reason: 'x' }, '/body/component'],
      [{ component: 'cost', amount: '1', reason: 'x', agent_id: crypto.randomUUID() }, '/body/agent_id'],
      [
        { component: 'cost', amount: '1', reason: 'x', conversion_id: crypto.randomUUID() },
        '/body/conversion_id',
      ],
    ];
    for (const [body, path] of cases) {
      const res = expectStatus(await api.call('POST', '/ledger/adjustments', admin, body), 422);
      expect(
        res.json<Problem>().errors!.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    for (const role of ['national_manager', 'agent', 'viewer'] as const)
      expectStatus(
        await api.call('POST', '/ledger/adjustments', fx.users[role].auth, {
          component: 'cost',
          amount: '1',
          reason: 'x',
        }),
        403,
      );
  });

  it('has no route that changes or deletes an entry', async () => {
    const [entry] = (await api.ok<Ledger>('GET', '/ledger?limit=1', admin)).ledger_entries;
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await api.call(
        method,
        `/ledger/${entry!.id}`,
        admin,
        method === 'DELETE' ? undefined : { amount: '1' },
      );
      expect([404, 405]).toContain(res.statusCode);
    }
    expect((await api.ok<Ledger>('GET', '/ledger?limit=500', admin)).totals.revenue).toBe('1599.99');
  });
});
