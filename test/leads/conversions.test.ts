import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { FixtureUser, IdentityFixture } from '../identity/fixtures.js';
import { client, createProduct, expectStatus, leadsApp, type Headers } from './helpers.js';
import {
  captureLead,
  entriesOf,
  salesTenant,
  setSettings,
  type Conversion,
  type Problem,
} from './sales.helpers.js';

describe('conversions: recording, correcting and listing sales', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let campaign: string;
  let outlet: string;
  let api: ReturnType<typeof client>;

  const lead = (who: Headers = agent.auth, body: object = {}) =>
    captureLead(t, who, { campaign_id: campaign, outlet_id: outlet, ...body });
  const convert = (who: Headers, body: object) => api.call('POST', '/conversions', who, body);

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    ({ fx, admin, peer, campaign, outlet } = await salesTenant(t, 'conv'));
    agent = fx.users.agent;
  }, 120_000);
  afterAll(() => t?.close());

  it('records a sale (201): lead converted with a history row, attribution copied, revenue and cost entries', async () => {
    const product = await createProduct(t, admin);
    const l = await lead(agent.auth, { product_id: product });
    const at = new Date(Date.now() - 3600_000).toISOString();
    const res = expectStatus(
      await convert(agent.auth, { lead_id: l.id, amount: '1200000.50', cost: 800000, converted_at: at }),
      201,
    );
    const c = res.json<Conversion>();
    expect(c).toMatchObject({
      lead_id: l.id,
      agent_id: agent.id,
      outlet_id: outlet,
      product_id: product,
      amount: '1200000.50',
      cost: '800000.00',
      currency: 'UZS',
      origin: 'manual',
      converted_at: at,
    });
    expect((await api.ok<{ status: string }>('GET', `/leads/${l.id}`, agent.auth)).status).toBe('converted');
    const history = await api.ok<{ history: { from_status: string; to_status: string }[] }>(
      'GET',
      `/leads/${l.id}/history`,
      agent.auth,
    );
    expect(history.history.at(-1)).toMatchObject({ from_status: 'new', to_status: 'converted' });
    const ledger = await entriesOf(t, admin, c.id);
    expect(ledger.ledger_entries.map((e) => [e.entry_type, e.amount, e.occurred_at]).sort()).toEqual([
      ['conversion_cost', '800000.00', at],
      ['conversion_revenue', '1200000.50', at],
    ]);
    expect(ledger.totals).toMatchObject({
      revenue: '1200000.50',
      cost: '800000.00',
      net_profit: '400000.50',
    });
    expect(await api.ok('GET', `/conversions/${c.id}`, agent.auth)).toEqual(c);
  });

  it('answers 422 naming the field for bad amounts, half an external key, a future time, an unknown product', async () => {
    const l = await lead();
    const cases: [object, string][] = [
      [{ amount: '-5.00' }, '/body/amount'],
      [{ amount: '10.123' }, '/body/amount'],
      [{ amount: 0.1 + 0.2 }, '/body/amount'],
      [{ amount: '10', cost: '-1' }, '/body/cost'],
      [{ amount: '10', external_system: 'pos' }, '/body/external_sale_id'],
      [{ amount: '10', external_sale_id: 'S1' }, '/body/external_system'],
      [{ amount: '10', converted_at: new Date(Date.now() + 3600_000).toISOString() }, '/body/converted_at'],
      [{ amount: '10', product_id: crypto.randomUUID() }, '/body/product_id'],
    ];
    for (const [body, path] of cases) {
      const res = expectStatus(await convert(agent.auth, { lead_id: l.id, ...body }), 422);
      expect(
        res.json<Problem>().errors!.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect((await api.ok<{ status: string }>('GET', `/leads/${l.id}`, agent.auth)).status).toBe('new');
  });

  it('refuses leads that cannot convert (409) and repeat sales unless lead_repeat_sales is on', async () => {
    const rejected = await lead();
    await api.ok('POST', `/leads/${rejected.id}/status`, agent.auth, { status: 'rejected' });
    expectStatus(
      await convert(agent.auth, { lead_id: rejected.id, amount: '1' }),
      409,
      'LEAD_NOT_CONVERTIBLE',
    );

    const l = await lead();
    await api.ok('POST', `/leads/${l.id}/status`, agent.auth, { status: 'qualified' });
    expectStatus(await convert(agent.auth, { lead_id: l.id, amount: '100' }), 201);
    expectStatus(await convert(agent.auth, { lead_id: l.id, amount: '50' }), 409, 'LEAD_ALREADY_CONVERTED');
    await setSettings(t, fx, { lead_repeat_sales: true });
    try {
      expectStatus(await convert(agent.auth, { lead_id: l.id, amount: '50' }), 201);
      const history = await api.ok<{ history: { to_status: string }[] }>(
        'GET',
        `/leads/${l.id}/history`,
        agent.auth,
      );
      expect(history.history.filter((h) => h.to_status === 'converted')).toHaveLength(1);
      const list = await api.ok<{ conversions: Conversion[] }>(
        'GET',
        `/conversions?lead=${l.id}`,
        agent.auth,
      );
      expect(list.conversions.map((c) => c.amount).sort()).toEqual(['100.00', '50.00']);
    } finally {
      await setSettings(t, fx, { lead_repeat_sales: false });
    }

    const phone = '901119988';
    await lead(agent.auth, { phone });
    const dup = await lead(agent.auth, { phone });
    await api.ok('POST', `/leads/${dup.id}/merge`, admin, {});
    expectStatus(await convert(admin, { lead_id: dup.id, amount: '1' }), 409, 'LEAD_MERGED');
  });

  it('refuses a second conversion of an external sale (409 EXTERNAL_SALE_EXISTS naming it), also when concurrent', async () => {
    const [a, b, c] = [await lead(), await lead(), await lead()];
    const first = await api.ok<Conversion>(
      'POST',
      '/conversions',
      agent.auth,
      { lead_id: a.id, amount: '10', external_system: 'pos', external_sale_id: 'X-1' },
      201,
    );
    const res = expectStatus(
      await convert(agent.auth, {
        lead_id: b.id,
        amount: '10',
        external_system: 'pos',
        external_sale_id: 'X-1',
      }),
      409,
      'EXTERNAL_SALE_EXISTS',
    );
    expect(res.json<Problem>().conversion_id).toBe(first.id);
    // The same id in another system is another sale.
    expectStatus(
      await convert(agent.auth, {
        lead_id: b.id,
        amount: '10',
        external_system: 'erp',
        external_sale_id: 'X-1',
      }),
      201,
    );

    const body = { amount: '20', external_system: 'pos', external_sale_id: 'X-2' };
    const both = await Promise.all([
      convert(agent.auth, { ...body, lead_id: c.id }),
      convert(agent.auth, { ...body, lead_id: (await lead()).id }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const conflictRes = both.find((r) => r.statusCode === 409)!;
    expect(conflictRes.json<Problem>().code).toBe('EXTERNAL_SALE_EXISTS');
    const all = await api.ok<{ conversions: Conversion[] }>('GET', '/conversions?limit=500', admin);
    expect(
      all.conversions.filter((x) => x.external_sale_id === 'X-2' && x.external_system === 'pos'),
    ).toHaveLength(1);
  });

  it('corrects a sale with ledger entries carrying the difference; a moved time moves the money', async () => {
    const l = await lead();
    const t0 = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const c = await api.ok<Conversion>(
      'POST',
      '/conversions',
      agent.auth,
      { lead_id: l.id, amount: '1000', cost: '400', converted_at: t0 },
      201,
    );
    const patched = await api.ok<Conversion>('PATCH', `/conversions/${c.id}`, agent.auth, {
      amount: '1250.50',
      cost: 300,
    });
    expect(patched).toMatchObject({ amount: '1250.50', cost: '300.00' });
    let ledger = await entriesOf(t, admin, c.id);
    expect(ledger.ledger_entries.map((e) => [e.entry_type, e.amount, e.occurred_at])).toEqual(
      expect.arrayContaining([
        ['conversion_revenue', '250.50', t0],
        ['conversion_cost', '-100.00', t0],
      ]),
    );
    expect(ledger.ledger_entries).toHaveLength(4);
    expect(ledger.totals).toMatchObject({ revenue: '1250.50', cost: '300.00', net_profit: '950.50' });

    const t1 = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await api.ok('PATCH', `/conversions/${c.id}`, agent.auth, { converted_at: t1 });
    ledger = await entriesOf(t, admin, c.id);
    expect(ledger.ledger_entries).toHaveLength(8);
    const sumAt = (at: string, type: string) =>
      ledger.ledger_entries
        .filter((e) => e.occurred_at === at && e.entry_type === type)
        .reduce((s, e) => s + Math.round(Number(e.amount) * 100), 0);
    expect(sumAt(t0, 'conversion_revenue')).toBe(0);
    expect(sumAt(t1, 'conversion_revenue')).toBe(125050);
    expect(sumAt(t0, 'conversion_cost')).toBe(0);
    expect(sumAt(t1, 'conversion_cost')).toBe(30000);

    // Nothing changed: no entries.
    await api.ok('PATCH', `/conversions/${c.id}`, agent.auth, { amount: '1250.5' });
    expect((await entriesOf(t, admin, c.id)).ledger_entries).toHaveLength(8);
    const bad = expectStatus(
      await api.call('PATCH', `/conversions/${c.id}`, agent.auth, { amount: '1.001' }),
      422,
    );
    expect(bad.json<Problem>().errors!.map((e) => e.path)).toContain('/body/amount');
    expectStatus(await api.call('PATCH', `/conversions/${c.id}`, agent.auth, {}), 422);
  });

  it('keeps conversions in the data scope: agents their own, team leaders their team, 404 outside', async () => {
    const own = await lead();
    const peers = await lead(peer.auth);
    const mine = await api.ok<Conversion>(
      'POST',
      '/conversions',
      agent.auth,
      { lead_id: own.id, amount: '7' },
      201,
    );
    expectStatus(await convert(agent.auth, { lead_id: peers.id, amount: '7' }), 404);
    const theirs = await api.ok<Conversion>(
      'POST',
      '/conversions',
      peer.auth,
      { lead_id: peers.id, amount: '8' },
      201,
    );
    expectStatus(await api.call('GET', `/conversions/${theirs.id}`, agent.auth), 404);
    expectStatus(await api.call('PATCH', `/conversions/${theirs.id}`, agent.auth, { amount: '1' }), 404);
    const agentList = await api.ok<{ conversions: Conversion[] }>(
      'GET',
      '/conversions?limit=500',
      agent.auth,
    );
    expect(agentList.conversions.every((c) => c.agent_id === agent.id)).toBe(true);
    expect(agentList.conversions.map((c) => c.id)).toContain(mine.id);
    const leader = fx.users.team_leader.auth;
    expect((await api.ok('GET', `/conversions/${mine.id}`, leader)).id).toBe(mine.id);
    expectStatus(await api.call('GET', `/conversions/${theirs.id}`, leader), 404);
    const all = await api.ok<{ conversions: Conversion[] }>('GET', '/conversions?limit=500', admin);
    expect(all.conversions.map((c) => c.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('answers 403 for roles without the permission', async () => {
    const l = await lead();
    expectStatus(await convert(fx.users.viewer.auth, { lead_id: l.id, amount: '1' }), 403);
    expectStatus(await api.call('GET', '/conversions', fx.users.viewer.auth), 200);
    expectStatus(await api.call('GET', '/conversions'), 401);
  });

  it('filters by origin, agent, outlet and converted day, sorts and pages', async () => {
    const l = await lead();
    const c = await api.ok<Conversion>(
      'POST',
      '/conversions',
      agent.auth,
      { lead_id: l.id, amount: '3', converted_at: '2024-06-30T20:30:00Z' },
      201,
    );
    // 20:30 UTC is 01:30 on 1 July in Tashkent.
    const day = (q: string) => api.ok<{ conversions: Conversion[] }>('GET', `/conversions?${q}`, admin);
    expect((await day('date_from=2024-07-01&date_to=2024-07-01')).conversions.map((x) => x.id)).toEqual([
      c.id,
    ]);
    expect((await day('date_from=2024-06-30&date_to=2024-06-30')).conversions).toHaveLength(0);
    expect((await day(`origin=import&lead=${l.id}`)).conversions).toHaveLength(0);
    expect(
      (await day(`origin=manual&agent=${agent.id}&outlet=${outlet}&lead=${l.id}`)).conversions,
    ).toHaveLength(1);
    const sorted = (await day('sort=amount&limit=500')).conversions.map((x) => Number(x.amount));
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    const page = await api.ok<{ conversions: Conversion[]; next_cursor: string }>(
      'GET',
      '/conversions?limit=2',
      admin,
    );
    const next = await api.ok<{ conversions: Conversion[] }>(
      'GET',
      `/conversions?limit=2&cursor=${page.next_cursor}`,
      admin,
    );
    expect(next.conversions.map((x) => x.id)).not.toContain(page.conversions[0]!.id);
    expectStatus(await api.call('GET', '/conversions?origin=fax', admin), 422);
  });
});
