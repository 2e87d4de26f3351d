import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  client,
  commerceApp,
  createIntegration,
  expectCompleted,
  scalar,
  startFake,
  syncNow,
} from './sync.helpers.js';

/**
 * A service keeps no stock. MoySklad's stock reports carry no services, but a product marked a
 * service here (`PUT /products/{id}`) may still be a product there: its report rows are row
 * failures that set no level and write no movement, and the rest of the report is applied.
 */
describe('sync: stock report rows of a product that is a service here', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
    integrationId = await createIntegration(t, acme.tenantId, fake);
    expectCompleted(
      await syncNow(t, acme.tenantId, acme.users.admin.auth, {
        integration_id: integrationId,
        mode: 'full',
        entities: ['product_folders', 'products', 'variants', 'stores', 'stock'],
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  const localId = async (entityType: string, externalId: string) =>
    (await scalar<string>(
      t,
      acme.tenantId,
      `select entity_id::text from external_refs where entity_type = $1 and external_id = $2`,
      [entityType, externalId],
    ))!;
  const level = (productId: string, warehouseId: string) =>
    scalar<string | undefined>(
      t,
      acme.tenantId,
      `select stock::text from stock_levels where product_id = $1 and variant_id is null and warehouse_id = $2`,
      [productId, warehouseId],
    );
  const movements = (productId: string) =>
    scalar<number>(t, acme.tenantId, `select count(*)::int from stock_movements where product_id = $1`, [
      productId,
    ]);

  it('fails the service rows alone and applies the rest of the report', async () => {
    const [serviceExternal, productExternal] = fake.control.ids('product');
    const store = fake.control.ids('store')[0]!;
    const service = await localId('product', serviceExternal!);
    const product = await localId('product', productExternal!);
    const warehouse = await localId('warehouse', store);
    await client(t).ok('PUT', `/products/${service}`, acme.users.admin.auth, { is_service: true });
    const serviceStock = await level(service, warehouse);
    const serviceMovements = await movements(service);

    fake.control.advanceClock(10_000);
    fake.control.setStock(serviceExternal!, store, { stock: 42 });
    fake.control.setStock(productExternal!, store, { stock: 9 });
    fake.control.advanceClock(10_000);
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, {
      integration_id: integrationId,
      entities: ['stock'],
    });

    expectCompleted(job);
    // The rows of the service and of its variants, one per store, fail; nothing else does.
    const variants = fake.control
      .ids('variant')
      .filter((id) => JSON.stringify(fake.control.row('variant', id)).includes(serviceExternal!));
    const stores = fake.control.count('store');
    expect(job.counts.stock).toMatchObject({ failed: stores * (1 + variants.length) });
    expect(job.failures).toHaveLength(stores * (1 + variants.length));
    for (const failure of job.failures)
      expect(failure).toMatchObject({
        entity: 'stock',
        external_id: expect.toBeOneOf([serviceExternal, ...variants]),
        reason: expect.stringMatching(/is a service here, which keeps no stock/),
      });
    expect(job.failures.filter((f) => f.external_id === serviceExternal)).toHaveLength(stores);
    expect(await level(service, warehouse)).toBe(serviceStock);
    expect(await movements(service)).toBe(serviceMovements);
    expect(await level(product, warehouse)).toBe('9.000');
  });
});
