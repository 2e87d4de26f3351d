import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { Method } from '../field/helpers.js';
import {
  client,
  createCampaign,
  createOutlet,
  createProduct,
  createSource,
  expectStatus,
  leadsApp,
} from './helpers.js';

/**
 * Tenant isolation for campaigns, attribution sources and leads: tenant A's admin gets 404 on
 * every route addressing one of B's ids, 422 when referencing B's rows, never sees B's rows in
 * lists, and B's client_uuid means nothing in A.
 */
describe('leads tenant isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  const B: Record<string, string> = {};

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    const bAdmin = b.users.admin.auth;
    B.campaign = await createCampaign(t, bAdmin);
    B.source = await createSource(t, bAdmin);
    B.outlet = await createOutlet(t, bAdmin);
    B.product = await createProduct(t, bAdmin);
    B.clientUuid = crypto.randomUUID();
    const lead = await api.ok(
      'POST',
      '/leads',
      b.users.agent.auth,
      { client_uuid: B.clientUuid, customer_name: 'Beta', phone: '+998901112233', campaign_id: B.campaign },
      201,
    );
    B.lead = lead.id;
    B.dup = (
      await api.ok(
        'POST',
        '/leads',
        b.users.agent.auth,
        { customer_name: 'Beta again', phone: '+998901112233', campaign_id: B.campaign },
        201,
      )
    ).id;
    const sale = await api.ok(
      'POST',
      '/conversions',
      b.users.agent.auth,
      { lead_id: B.dup, amount: '10', external_system: 'pos', external_sale_id: 'B-1' },
      201,
    );
    B.conversion = sale.id;
    B.open = (
      await api.ok(
        'POST',
        '/leads',
        b.users.agent.auth,
        { customer_name: 'Open', phone: '+998901112299' },
        201,
      )
    ).id;
    await api.ok(
      'POST',
      `/leads/${B.lead}/interactions`,
      b.users.agent.auth,
      { type: 'call', next_action_date: '2020-01-01' },
      201,
    );
  }, 180_000);
  afterAll(() => t?.close());

  const byIdRoutes = (): [Method, string, object?][] => [
    ['GET', `/campaigns/${B.campaign}`],
    ['PUT', `/campaigns/${B.campaign}`, { name: 'Pwned' }],
    ['POST', `/campaigns/${B.campaign}/activate`, {}],
    ['POST', `/campaigns/${B.campaign}/end`, {}],
    ['DELETE', `/campaigns/${B.campaign}`],
    ['GET', `/attribution-sources/${B.source}`],
    ['PUT', `/attribution-sources/${B.source}`, { name: 'Pwned' }],
    ['DELETE', `/attribution-sources/${B.source}`],
    ['GET', `/leads/${B.lead}`],
    ['PUT', `/leads/${B.lead}`, { customer_name: 'Pwned' }],
    ['POST', `/leads/${B.lead}/status`, { status: 'contacted' }],
    ['GET', `/leads/${B.lead}/history`],
    ['GET', `/leads/${B.lead}/interactions`],
    ['POST', `/leads/${B.lead}/interactions`, { type: 'call' }],
    ['POST', `/leads/${B.dup}/merge`, {}],
    ['GET', `/conversions/${B.conversion}`],
    ['PATCH', `/conversions/${B.conversion}`, { amount: '1' }],
    ['POST', '/conversions', { lead_id: B.open, amount: '1' }],
  ];

  it("answers 404 for every route addressing B's ids, and changes nothing", async () => {
    for (const [method, url, body] of byIdRoutes()) {
      const res = await api.call(method, url, a.users.admin.auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const bAdmin = b.users.admin.auth;
    expect(await api.ok('GET', `/campaigns/${B.campaign}`, bAdmin)).toMatchObject({ status: 'planned' });
    expect(await api.ok('GET', `/leads/${B.lead}`, bAdmin)).toMatchObject({
      status: 'new',
      customer_name: 'Beta',
    });
    expect(await api.ok('GET', `/leads/${B.dup}`, bAdmin)).toMatchObject({ merged_at: null });
    expect(await api.ok('GET', `/conversions/${B.conversion}`, bAdmin)).toMatchObject({ amount: '10.00' });
    expect(await api.ok('GET', `/leads/${B.open}`, bAdmin)).toMatchObject({ status: 'new' });
  });

  it("answers 422 when A references B's campaign, source, outlet, product, agent or master lead", async () => {
    const aAdmin = a.users.admin.auth;
    const base = { customer_name: 'Alpha', phone: '+998901112233' };
    for (const [field, id] of [
      ['campaign_id', B.campaign],
      ['source_id', B.source],
      ['outlet_id', B.outlet],
      ['product_id', B.product],
      ['agent_id', b.users.agent.id],
    ] as const) {
      const res = expectStatus(await api.call('POST', '/leads', aAdmin, { ...base, [field]: id }), 422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(
        `/body/${field}`,
      );
    }
    expectStatus(
      await api.call('POST', '/campaigns', aAdmin, { code: 'X1', name: 'x', outlet_ids: [B.outlet] }),
      422,
    );
    const own = await api.ok('POST', '/leads', aAdmin, base, 201);
    expectStatus(await api.call('POST', `/leads/${own.id}/merge`, aAdmin, { master_id: B.lead }), 422);
  });

  it("never lists B's rows, flags no duplicate across tenants, and lets A use B's client_uuid", async () => {
    const aAdmin = a.users.admin.auth;
    const lead = await api.ok<{ id: string; is_duplicate: boolean }>(
      'POST',
      '/leads',
      aAdmin,
      { client_uuid: B.clientUuid, customer_name: 'Alpha', phone: '+998901112233' },
      201,
    );
    expect(lead.id).not.toBe(B.lead);
    for (const [path, key] of [
      ['/campaigns?limit=500', 'campaigns'],
      ['/attribution-sources?limit=500', 'attribution_sources'],
      ['/leads?limit=500', 'leads'],
      ['/leads/follow-ups?limit=500&on=2030-01-01', 'leads'],
      ['/conversions?limit=500', 'conversions'],
      ['/ledger?limit=500', 'ledger_entries'],
    ] as const) {
      const page = await api.ok<Record<string, { id: string }[]>>('GET', path, aAdmin);
      const ids = page[key]!.map((r) => r.id);
      for (const id of Object.values(B)) expect(ids, path).not.toContain(id);
    }
    const ledger = await api.ok<{ totals: { revenue: string } }>('GET', '/ledger', aAdmin);
    expect(ledger.totals.revenue).toBe('0.00');
    // An external sale id of B's means nothing in A, and A cannot adjust against B's rows.
    const own = await api.ok('POST', '/leads', aAdmin, { customer_name: 'A', phone: '+998901112288' }, 201);
    await api.ok(
      'POST',
      '/conversions',
      aAdmin,
      { lead_id: own.id, amount: '5', external_system: 'pos', external_sale_id: 'B-1' },
      201,
    );
    for (const [field, id] of [
      ['conversion_id', B.conversion],
      ['agent_id', b.users.agent.id],
      ['outlet_id', B.outlet],
      ['campaign_id', B.campaign],
    ] as const) {
      const res = expectStatus(
        await api.call('POST', '/ledger/adjustments', aAdmin, {
          component: 'cost',
          amount: '1',
          reason: 'x',
          [field]: id,
        }),
        422,
      );
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(
        `/body/${field}`,
      );
    }
  });
});
