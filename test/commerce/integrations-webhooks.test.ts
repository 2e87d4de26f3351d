import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createIntegration,
  expectStatus,
  fakeMoysklad,
  integrationsApp,
  type IntegrationJson,
} from './integrations.helpers.js';

/**
 * The ERP's webhook subscriptions follow the integration: registering makes them exactly those of
 * its entities, and deleting the integration removes them, even when the ERP cannot be reached
 * (the deletion then goes on and its audit row says what was left).
 */
describe('commerce integrations: webhook subscriptions in the ERP', () => {
  let t: TestApp;
  let fake: FakeMoysklad;
  let a: IdentityFixture;
  let admin: { authorization: string };

  beforeAll(async () => {
    t = await integrationsApp();
    fake = await fakeMoysklad();
    a = await identityFixture(t, 'alpha');
    admin = a.users.admin.auth;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const ok = <T = IntegrationJson>(method: 'GET' | 'POST' | 'PUT', url: string, body?: object) =>
    client(t).ok<T>(method, url, admin, body);
  const hooksOf = (integration: IntegrationJson) =>
    fake.control
      .webhooks()
      .filter((w) => w.url === integration.webhook_url)
      .map((w) => `${w.entityType}:${w.action}`)
      .sort();
  const deleteAudit = async (id: string) => {
    const { rows } = await t.database.db.query<{ changes: { webhooks?: unknown } }>(
      `select changes from audit_log where action = 'integration.delete' and entity_id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    return rows[0]!.changes;
  };

  it('registering again after the entities changed removes the subscriptions of the others', async () => {
    const created = await createIntegration(t, admin, fake, { entities: ['products', 'customer_orders'] });
    const neighbour = await createIntegration(t, admin, fake, { entities: ['products'] });
    await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    await ok('POST', `/admin/integrations/${neighbour.id}/webhooks`);
    expect(hooksOf(created)).toHaveLength(6);

    await ok('PUT', `/admin/integrations/${created.id}`, { entities: ['products'] });
    await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    expect(hooksOf(created)).toEqual(['product:CREATE', 'product:DELETE', 'product:UPDATE']);
    // Another URL's subscriptions are not this integration's to remove.
    expect(hooksOf(neighbour)).toEqual(['product:CREATE', 'product:DELETE', 'product:UPDATE']);
  });

  it('deleting an integration removes its subscriptions from the ERP, and only its own', async () => {
    const created = await createIntegration(t, admin, fake, { entities: ['products', 'stores'] });
    const neighbour = await createIntegration(t, admin, fake, { entities: ['stores'] });
    await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    await ok('POST', `/admin/integrations/${neighbour.id}/webhooks`);
    expect(hooksOf(created)).toHaveLength(6);

    expectStatus(await client(t).call('DELETE', `/admin/integrations/${created.id}`, admin), 204);
    expect(hooksOf(created)).toEqual([]);
    expect(hooksOf(neighbour)).toHaveLength(3);
    expect(await deleteAudit(created.id)).toMatchObject({ webhooks: { removed: true } });
  });

  it('an integration whose webhooks were never registered is deleted without calling the ERP', async () => {
    const created = await createIntegration(t, admin, fake);
    const calls = fake.control.requests().length;
    expectStatus(await client(t).call('DELETE', `/admin/integrations/${created.id}`, admin), 204);
    expect(fake.control.requests()).toHaveLength(calls);
    expect((await deleteAudit(created.id)).webhooks).toBeUndefined();
  });

  it('an ERP that cannot be reached does not stop the deletion; the audit row says what was left', async () => {
    const created = await createIntegration(t, admin, fake, { entities: ['products'] });
    await ok('POST', `/admin/integrations/${created.id}/webhooks`);
    // The ERP's address changes to one where nothing listens.
    await ok('PUT', `/admin/integrations/${created.id}`, {
      base_url: 'http://127.0.0.1:9/api/remap/1.2',
    });
    expectStatus(await client(t).call('DELETE', `/admin/integrations/${created.id}`, admin), 204);
    expectStatus(await client(t).call('GET', `/admin/integrations/${created.id}`, admin), 404);
    expect(await deleteAudit(created.id)).toMatchObject({ webhooks: { left: 'unreachable' } });
    expect(hooksOf(created)).toHaveLength(3);
  });
});
