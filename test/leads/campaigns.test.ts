import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCampaign,
  createOutlet,
  createProduct,
  createSource,
  expectStatus,
  leadsApp,
  uniq,
  type Headers,
} from './helpers.js';

type Campaign = {
  id: string;
  status: string;
  budget: string | null;
  spend: string;
  currency: string;
  product_ids: string[];
  outlet_ids: string[];
};
type Problem = { code: string; errors: { path: string; message: string }[] };

const today = () => new Date().toISOString().slice(0, 10);
const shift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('leads: campaigns and attribution sources', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'campaigns');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  it('creates a campaign with budget, products and outlets; spend is read-only and 0', async () => {
    const product = await createProduct(t, admin);
    const outlet = await createOutlet(t, admin);
    const created = await api.ok<Campaign>(
      'POST',
      '/campaigns',
      admin,
      {
        code: uniq('C'),
        name: 'Launch',
        budget: '1500000.50',
        currency: 'UZS',
        product_ids: [product],
        outlet_ids: [outlet],
      },
      201,
    );
    expect(created).toMatchObject({
      status: 'planned',
      budget: '1500000.50',
      spend: '0.00',
      currency: 'UZS',
      product_ids: [product],
      outlet_ids: [outlet],
    });
    expect(await api.ok('GET', `/campaigns/${created.id}`, admin)).toEqual(created);
    const listed = await api.ok<{ campaigns: Campaign[] }>('GET', `/campaigns?outlet=${outlet}`, admin);
    expect(listed.campaigns.map((c) => c.id)).toEqual([created.id]);
    const spend = await api.call('PUT', `/campaigns/${created.id}`, admin, { spend: '5.00' });
    expectStatus(spend, 422, 'VALIDATION_FAILED');
    const changed = await api.ok<Campaign>('PUT', `/campaigns/${created.id}`, admin, { product_ids: [] });
    expect(changed.product_ids).toEqual([]);
  });

  it('refuses bad money, dates, unknown references and duplicate codes with the field named', async () => {
    const cases: [object, string][] = [
      [{ budget: '-5.00' }, '/body/budget'],
      [{ budget: '1.234' }, '/body/budget'],
      [{ start_date: '2030-02-01', end_date: '2030-01-01' }, '/body/end_date'],
      [{ brand_id: crypto.randomUUID() }, '/body/brand_id'],
      [{ product_ids: [crypto.randomUUID()] }, '/body/product_ids/0'],
      [{ outlet_ids: [crypto.randomUUID()] }, '/body/outlet_ids/0'],
      [{ name: 'a\u0000b' }, '/body/name'],
      [{ currency: 'usd' }, '/body/currency'],
    ];
    for (const [body, path] of cases) {
      const res = expectStatus(
        await api.call('POST', '/campaigns', admin, { code: uniq('C'), name: 'Bad', ...body }),
        422,
      );
      expect(res.json<Problem>().errors.map((e) => e.path)).toContain(path);
    }
    const code = uniq('C');
    await createCampaign(t, admin, { code });
    expectStatus(await api.call('POST', '/campaigns', admin, { code, name: 'Again' }), 409, 'DUPLICATE');
  });

  it('moves planned → active → ended by hand and by dates, refusing other moves with 409', async () => {
    const id = await createCampaign(t, admin);
    expectStatus(await api.call('POST', `/campaigns/${id}/end`, admin, {}), 200);
    const again = await api.call('POST', `/campaigns/${id}/activate`, admin, {});
    expectStatus(again, 409, 'INVALID_CAMPAIGN_TRANSITION');
    expectStatus(await api.call('PUT', `/campaigns/${id}`, admin, { name: 'x' }), 409, 'CAMPAIGN_ENDED');

    const manual = await createCampaign(t, admin);
    expect((await api.ok<Campaign>('POST', `/campaigns/${manual}/activate`, admin, {})).status).toBe(
      'active',
    );
    expectStatus(
      await api.call('POST', `/campaigns/${manual}/activate`, admin, {}),
      409,
      'INVALID_CAMPAIGN_TRANSITION',
    );
    expect((await api.ok<Campaign>('POST', `/campaigns/${manual}/end`, admin, {})).status).toBe('ended');

    const running = await createCampaign(t, admin, { start_date: today() });
    const past = await createCampaign(t, admin, { start_date: shift(-10), end_date: shift(-1) });
    const future = await createCampaign(t, admin, { start_date: shift(5) });
    expect((await api.ok<Campaign>('GET', `/campaigns/${running}`, admin)).status).toBe('active');
    expect((await api.ok<Campaign>('GET', `/campaigns/${past}`, admin)).status).toBe('ended');
    expect((await api.ok<Campaign>('GET', `/campaigns/${future}`, admin)).status).toBe('planned');
    const active = await api.ok<{ campaigns: Campaign[] }>(
      'GET',
      '/campaigns?status=active&limit=500',
      admin,
    );
    expect(active.campaigns.map((c) => c.id)).toContain(running);
    expect(active.campaigns.map((c) => c.id)).not.toContain(past);
    expectStatus(
      await api.call('POST', `/campaigns/${past}/activate`, admin, {}),
      409,
      'INVALID_CAMPAIGN_TRANSITION',
    );
  });

  it('lets everyone read and only admins and national managers write; audits every write', async () => {
    const id = await createCampaign(t, admin);
    for (const role of ['agent', 'viewer', 'team_leader', 'area_manager'] as const) {
      await api.ok('GET', `/campaigns/${id}`, fx.users[role].auth);
      expectStatus(
        await api.call('POST', '/campaigns', fx.users[role].auth, { code: uniq('C'), name: 'x' }),
        403,
      );
      expectStatus(await api.call('POST', `/campaigns/${id}/end`, fx.users[role].auth, {}), 403);
      expectStatus(
        await api.call('POST', '/attribution-sources', fx.users[role].auth, { code: uniq('S'), name: 'x' }),
        403,
      );
    }
    await createCampaign(t, fx.users.national_manager.auth);
    await api.ok('POST', `/campaigns/${id}/activate`, admin, {});
    const audit = await api.ok<{ audit: { action: string }[] }>('GET', `/audit?entity_id=${id}`, admin);
    const actions = audit.audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['campaign.create', 'campaign.activate']));
  });

  it('deletes a campaign; unknown ids are 404', async () => {
    const id = await createCampaign(t, admin);
    expectStatus(await api.call('DELETE', `/campaigns/${id}`, admin), 204);
    expectStatus(await api.call('GET', `/campaigns/${id}`, admin), 404);
    expectStatus(await api.call('GET', '/campaigns/not-a-uuid', admin), 422);
  });

  it('keeps attribution source codes unique per tenant; archives and deletes sources', async () => {
    const code = uniq('S');
    const id = await createSource(t, admin, { code });
    expectStatus(
      await api.call('POST', '/attribution-sources', admin, { code, name: 'Twice' }),
      409,
      'DUPLICATE',
    );
    const other = await identityFixture(t, 'campaigns-other');
    await createSource(t, other.users.admin.auth, { code });
    const archived = await api.ok<{ archived_at: string | null }>(
      'PUT',
      `/attribution-sources/${id}`,
      admin,
      {
        archived: true,
      },
    );
    expect(archived.archived_at).toEqual(expect.any(String));
    const live = await api.ok<{ attribution_sources: { id: string }[] }>(
      'GET',
      '/attribution-sources?limit=500',
      admin,
    );
    expect(live.attribution_sources.map((s) => s.id)).not.toContain(id);
    const old = await api.ok<{ attribution_sources: { id: string }[] }>(
      'GET',
      '/attribution-sources?archived=true&limit=500',
      admin,
    );
    expect(old.attribution_sources.map((s) => s.id)).toContain(id);
    expectStatus(await api.call('GET', `/attribution-sources/${id}`, other.users.admin.auth), 404);
    expectStatus(await api.call('DELETE', `/attribution-sources/${id}`, admin), 204);
  });
});
