import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  basicAuth,
  client,
  createIntegration,
  expectNoSecrets,
  expectStatus,
  fakeMoysklad,
  integrationName,
  integrationsApp,
  type IntegrationJson,
  type LogLines,
} from './integrations.helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('commerce integrations: admin routes', () => {
  let t: TestApp & LogLines;
  let fake: FakeMoysklad;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: { authorization: string };
  /** Every body the tests received, checked for secrets at the end. */
  const bodies: string[] = [];
  const secrets = () => [fake.credentials.password, fake.credentials.token!, 'An0ther-Pa55word!'];

  const call = async (method: Method, url: string, headers: object, payload?: object) => {
    const res = await api.call(method, url, headers as Record<string, string>, payload);
    bodies.push(res.body);
    return res;
  };
  const ok = async <T = IntegrationJson>(method: Method, url: string, payload?: object, status = 200) =>
    expectStatus(await call(method, url, admin, payload), status).json<T>();

  beforeAll(async () => {
    t = await integrationsApp();
    fake = await fakeMoysklad();
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    api = client(t);
    admin = a.users.admin.auth;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('creates, lists, reads, updates and deletes an integration', async () => {
    const name = integrationName();
    const created = await ok(
      'POST',
      '/admin/integrations',
      {
        provider: 'moysklad',
        name,
        base_url: `${fake.baseUrl}/`,
        auth: basicAuth(fake),
        entities: ['stock', 'products', 'stores'],
        options: { price_type: 'Цена продажи' },
      },
      201,
    );
    expect(created).toMatchObject({
      name,
      provider: 'moysklad',
      base_url: fake.baseUrl,
      auth_type: 'basic',
      has_credentials: true,
      login: 'a***@shop',
      account_id: null,
      entities: ['products', 'stores', 'stock'],
      sync_interval_minutes: 15,
      status: 'active',
      credentials_status: 'unknown',
      options: { price_type: 'Цена продажи' },
      webhooks_registered_at: null,
    });
    expect(created.webhook_url).toMatch(
      new RegExp(`^http://localhost:\\d+/api/v1/webhooks/moysklad/${created.id}/[A-Za-z0-9_-]{43}$`),
    );

    const listed = await ok<{ integrations: IntegrationJson[]; total: number }>('GET', '/admin/integrations');
    expect(listed.integrations.map((i) => i.id)).toContain(created.id);
    expect(await ok('GET', `/admin/integrations/${created.id}`)).toEqual(created);

    const renamed = await ok('PUT', `/admin/integrations/${created.id}`, {
      name: `${name} (main)`,
      sync_interval_minutes: 30,
      status: 'paused',
    });
    expect(renamed).toMatchObject({
      name: `${name} (main)`,
      sync_interval_minutes: 30,
      status: 'paused',
      auth_type: 'basic',
      login: 'a***@shop',
      webhook_url: created.webhook_url,
    });

    // New credentials replace the old ones; the token form has no login.
    const retokened = await ok('PUT', `/admin/integrations/${created.id}`, {
      auth: { type: 'token', token: fake.credentials.token },
    });
    expect(retokened).toMatchObject({ auth_type: 'token', login: null, webhook_url: created.webhook_url });

    expectStatus(await call('DELETE', `/admin/integrations/${created.id}`, admin), 204);
    expectStatus(await call('GET', `/admin/integrations/${created.id}`, admin), 404);
  });

  it('defaults: the MoySklad address, every entity, the configured interval', async () => {
    const created = await ok(
      'POST',
      '/admin/integrations',
      {
        provider: 'moysklad',
        name: integrationName(),
        auth: { type: 'token', token: fake.credentials.token },
      },
      201,
    );
    expect(created.base_url).toBe('https://api.moysklad.ru/api/remap/1.2');
    expect(created.entities).toContain('customer_orders');
    expect(created.entities.length).toBeGreaterThan(10);
    expect(created.sync_interval_minutes).toBe(15);
    // Names are unique in a tenant.
    expectStatus(
      await call('POST', '/admin/integrations', admin, {
        provider: 'moysklad',
        name: created.name,
        auth: { type: 'token', token: 'x' },
      }),
      409,
      'DUPLICATE',
    );
  });

  it('refuses bad input with 422 naming the member', async () => {
    const base = {
      provider: 'moysklad',
      name: integrationName(),
      base_url: fake.baseUrl,
      auth: basicAuth(fake),
    };
    const refused = async (body: object, path: string) => {
      const res = expectStatus(await call('POST', '/admin/integrations', admin, body), 422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    };
    await refused({ ...base, base_url: 'ftp://api.moysklad.ru/api' }, '/body/base_url');
    await refused({ ...base, base_url: 'file:///etc/passwd' }, '/body/base_url');
    await refused({ ...base, base_url: 'not a url' }, '/body/base_url');
    await refused({ ...base, base_url: 'https://user:pw@api.moysklad.ru/api' }, '/body/base_url');
    await refused({ ...base, provider: 'sap' }, '/body/provider');
    await refused({ ...base, auth: { type: 'basic', login: 'x@y' } }, '/body/auth');
    await refused({ ...base, auth: { type: 'oauth', token: 'x' } }, '/body/auth');
    await refused({ ...base, auth: { type: 'token', token: 'x', extra: 1 } }, '/body/auth');
    await refused({ ...base, entities: ['products', 'planets'] }, '/body/entities/1');
    await refused({ ...base, sync_interval_minutes: 0 }, '/body/sync_interval_minutes');
    await refused({ ...base, status: 'error' }, '/body/status');
    await refused({ ...base, colour: 'red' }, '/body/colour');
    const created = await createIntegration(t, admin, fake);
    const res = expectStatus(
      await call('PUT', `/admin/integrations/${created.id}`, admin, { base_url: 'javascript:alert(1)' }),
      422,
    );
    expect(res.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/base_url');
    expectStatus(await call('PUT', `/admin/integrations/${created.id}`, admin, { provider: 'x' }), 422);
    expectStatus(await call('PUT', `/admin/integrations/${created.id}`, admin, {}), 422);
    expectStatus(
      await call('POST', '/admin/integrations/test', admin, {
        provider: 'moysklad',
        base_url: 'gopher://x',
        auth: basicAuth(fake),
      }),
      422,
    );
  });

  it('tests a stored connection: ok records the account, wrong credentials are a clear failure and an alert', async () => {
    const good = await createIntegration(t, admin, fake);
    expect(await ok('POST', `/admin/integrations/${good.id}/test`)).toEqual({
      ok: true,
      account_id: fake.accountId,
      account_name: expect.any(String),
    });
    expect(await ok('GET', `/admin/integrations/${good.id}`)).toMatchObject({
      credentials_status: 'ok',
      account_id: fake.accountId,
    });

    const bad = await createIntegration(t, admin, fake, {
      auth: { type: 'basic', login: fake.credentials.login, password: 'An0ther-Pa55word!' },
    });
    const failed = await ok<{ ok: boolean; code: string; message: string }>(
      'POST',
      `/admin/integrations/${bad.id}/test`,
    );
    expect(failed).toMatchObject({ ok: false, code: 'credentials_rejected' });
    expect(failed.message).toMatch(/\S/);
    expect(await ok('GET', `/admin/integrations/${bad.id}`)).toMatchObject({
      credentials_status: 'rejected',
    });
    const alerts = await ok<{ alerts: { type: string; entity_id: string; severity: string }[] }>(
      'GET',
      '/alerts?type=integration_credentials_rejected',
    );
    expect(alerts.alerts).toEqual([
      expect.objectContaining({
        type: 'integration_credentials_rejected',
        entity_id: bad.id,
        severity: 'high',
      }),
    ]);

    // Fixing the credentials sets the status back to unknown, and the next test to ok.
    await ok('PUT', `/admin/integrations/${bad.id}`, { auth: basicAuth(fake) });
    expect((await ok('GET', `/admin/integrations/${bad.id}`)).credentials_status).toBe('unknown');
    expect((await ok<{ ok: boolean }>('POST', `/admin/integrations/${bad.id}/test`)).ok).toBe(true);
  });

  it('an unreachable address is a failed test, not an error', async () => {
    const closed = await fakeMoysklad();
    const baseUrl = closed.baseUrl;
    await closed.close();
    // No retries (a MoySklad client option), so the test does not wait out the backoff.
    const unreachable = await createIntegration(t, admin, fake, {
      base_url: baseUrl,
      options: { maxRetries: 0 },
    });
    const result = await ok<{ ok: boolean; code: string; message: string }>(
      'POST',
      `/admin/integrations/${unreachable.id}/test`,
    );
    expect(result).toMatchObject({ ok: false, code: 'unreachable' });
    expect(result.message).toMatch(/unreachable|could not be reached|did not answer/);
    // Unreachable says nothing about the credentials.
    expect((await ok('GET', `/admin/integrations/${unreachable.id}`)).credentials_status).toBe('unknown');
  });

  it('tests credentials before saving them, storing nothing', async () => {
    const before = (await ok<{ total: number }>('GET', '/admin/integrations')).total;
    expect(
      await ok('POST', '/admin/integrations/test', {
        provider: 'moysklad',
        base_url: fake.baseUrl,
        auth: { type: 'token', token: fake.credentials.token },
      }),
    ).toMatchObject({ ok: true, account_id: fake.accountId });
    expect(
      await ok('POST', '/admin/integrations/test', {
        provider: 'moysklad',
        base_url: fake.baseUrl,
        auth: { type: 'token', token: 'wrong-token' },
      }),
    ).toMatchObject({ ok: false, code: 'credentials_rejected' });
    // A malformed login is repeated by MoySklad in its message: it is taken out.
    const malformed = await ok<{ ok: boolean; message: string }>('POST', '/admin/integrations/test', {
      provider: 'moysklad',
      base_url: fake.baseUrl,
      auth: { type: 'basic', login: 'no-account-part', password: 'An0ther-Pa55word!' },
    });
    expect(malformed.ok).toBe(false);
    expect(malformed.message).not.toContain('no-account-part');
    expect((await ok<{ total: number }>('GET', '/admin/integrations')).total).toBe(before);
  });

  it('registers the webhooks in MoySklad with the integration URL', async () => {
    const created = await createIntegration(t, admin, fake, { entities: ['products', 'customer_orders'] });
    const registered = await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    expect(registered.webhooks_registered_at).toEqual(expect.any(String));
    const hooks = fake.control.webhooks().filter((w) => w.url === created.webhook_url);
    expect(hooks.map((w) => `${w.entityType}:${w.action}`).sort()).toEqual([
      'customerorder:CREATE',
      'customerorder:DELETE',
      'customerorder:UPDATE',
      'product:CREATE',
      'product:DELETE',
      'product:UPDATE',
    ]);
    // Idempotent.
    await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    expect(fake.control.webhooks().filter((w) => w.url === created.webhook_url)).toHaveLength(6);

    const bad = await createIntegration(t, admin, fake, {
      auth: { type: 'token', token: 'An0ther-Pa55word!' },
    });
    expectStatus(
      await call('POST', `/admin/integrations/${bad.id}/webhooks`, admin),
      409,
      'INTEGRATION_CREDENTIALS_REJECTED',
    );
    expect(await ok('GET', `/admin/integrations/${bad.id}`)).toMatchObject({
      credentials_status: 'rejected',
      webhooks_registered_at: null,
    });
  });

  it('answers 403 to every role but admin on every admin route', async () => {
    const created = await createIntegration(t, admin, fake);
    const routes: [Method, string, object?][] = [
      ['GET', '/admin/integrations'],
      ['POST', '/admin/integrations', { provider: 'moysklad', name: 'x', auth: basicAuth(fake) }],
      ['POST', '/admin/integrations/test', { provider: 'moysklad', auth: basicAuth(fake) }],
      ['GET', `/admin/integrations/${created.id}`],
      ['PUT', `/admin/integrations/${created.id}`, { name: 'y' }],
      ['DELETE', `/admin/integrations/${created.id}`],
      ['POST', `/admin/integrations/${created.id}/test`],
      ['POST', `/admin/integrations/${created.id}/webhooks`],
    ];
    for (const role of ['agent', 'viewer', 'team_leader', 'national_manager'] as const)
      for (const [method, url, body] of routes)
        expectStatus(await call(method, url, a.users[role].auth, body), 403);
    expectStatus(await call('GET', '/admin/integrations', {}), 401);
    expect((await ok('GET', `/admin/integrations/${created.id}`)).name).toBe(created.name);
  });

  it("answers 404 for another tenant's integration on every route, and never lists it", async () => {
    const theirs = await createIntegration(t, b.users.admin.auth, fake);
    const routes: [Method, string, object?][] = [
      ['GET', `/admin/integrations/${theirs.id}`],
      ['PUT', `/admin/integrations/${theirs.id}`, { name: 'mine now' }],
      ['DELETE', `/admin/integrations/${theirs.id}`],
      ['POST', `/admin/integrations/${theirs.id}/test`],
      ['POST', `/admin/integrations/${theirs.id}/webhooks`],
    ];
    for (const [method, url, body] of routes) expectStatus(await call(method, url, admin, body), 404);
    const listed = await ok<{ integrations: IntegrationJson[] }>('GET', '/admin/integrations?limit=500');
    expect(listed.integrations.map((i) => i.id)).not.toContain(theirs.id);
    expect(
      (await api.ok<IntegrationJson>('GET', `/admin/integrations/${theirs.id}`, b.users.admin.auth)).name,
    ).toBe(theirs.name);
  });

  it('deleting takes the sync jobs along and refuses while a sync runs', async () => {
    const created = await createIntegration(t, admin, fake);
    await t.database.db.withSystem(async (tx) => {
      await tx.sql.query(
        `insert into sync_jobs (tenant_id, id, integration_id, mode, trigger, status, entities)
         values ($1, gen_random_uuid(), $2, 'full', 'manual', 'running', '{products}')`,
        [a.tenantId, created.id],
      );
    });
    expectStatus(
      await call('DELETE', `/admin/integrations/${created.id}`, admin),
      409,
      'INTEGRATION_SYNC_RUNNING',
    );
    await t.database.db.withSystem((tx) =>
      tx.sql.query(`update sync_jobs set status = 'completed' where integration_id = $1`, [created.id]),
    );
    expectStatus(await call('DELETE', `/admin/integrations/${created.id}`, admin), 204);
    const { rows } = await t.database.db.query<{ n: number }>(
      'select count(*)::int as n from sync_jobs where integration_id = $1',
      [created.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('never shows or logs credentials (runs last: it looks at everything above)', async () => {
    expect(bodies.length).toBeGreaterThan(30);
    for (const body of bodies) expectNoSecrets(body, secrets());
    expect(t.lines.length).toBeGreaterThan(10);
    expectNoSecrets(t.lines.join('\n'), secrets());
    // And not in the audit log either.
    const { rows } = await t.database.db.query<{ changes: unknown }>('select changes from audit_log');
    expectNoSecrets(JSON.stringify(rows), secrets());
  });
});
