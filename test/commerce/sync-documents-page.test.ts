import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  commerceApp,
  createIntegration,
  expectCompleted,
  inTenantTx,
  scalar,
  startFake,
  syncNow,
} from './sync.helpers.js';

/**
 * One page of synced documents written together: a new document, an edit of an earlier one and a
 * document naming a product never synced, in the same page. The counts add up to the rows read,
 * the edit reverses its old stock effect and writes the new one, the failure is recorded alone,
 * and every level's stock stays the sum of its movements.
 */
describe('sync: a page of documents with an edit and an unknown product', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
    integrationId = await createIntegration(t, acme.tenantId, fake);
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, {
      integration_id: integrationId,
      mode: 'full',
      entities: ['product_folders', 'products', 'counterparties', 'stores', 'supplies', 'stock'],
    });
    expectCompleted(job);
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  const ref = (type: string, id: string) => ({
    meta: { href: `${fake.baseUrl}/entity/${type}/${id}`, type },
  });
  const position = (productId: string, quantity: number) => ({
    id: crypto.randomUUID(),
    assortmentType: 'product',
    assortmentId: productId,
    quantity,
    price: 10_000,
    discount: 0,
  });

  const localId = async (entityType: string, externalId: string) => {
    const id = await scalar<string | undefined>(
      t,
      acme.tenantId,
      `select entity_id::text from external_refs where entity_type = $1 and external_id = $2`,
      [entityType, externalId],
    );
    expect(id, `${entityType} ${externalId} is linked`).toBeTruthy();
    return id!;
  };
  const stockOf = async (productId: string, warehouseId: string) =>
    Number(
      (await scalar<string | null>(
        t,
        acme.tenantId,
        `select stock::text from stock_levels
          where product_id = '${productId}' and variant_id is null and warehouse_id = '${warehouseId}'`,
      )) ?? '0',
    );

  it('counts add up, the edit moves stock by the difference, stock equals the sum of movements', async () => {
    const admin = acme.users.admin.auth;
    const product = fake.control.ids('product')[0]!;
    const store = fake.control.ids('store')[0]!;
    const supplier = fake.control.ids('counterparty')[0]!;
    const supply = (positions: unknown[]) =>
      fake.control.create('supply', {
        agent: ref('counterparty', supplier),
        store: ref('store', store),
        applicable: true,
        positions,
      });

    const earlier = supply([position(product, 5)]);
    fake.control.advanceClock(10_000);
    const first = await syncNow(t, acme.tenantId, admin, {
      integration_id: integrationId,
      entities: ['supplies'],
    });
    expectCompleted(first);
    const productId = await localId('product', product);
    const warehouseId = await localId('warehouse', store);
    const before = await stockOf(productId, warehouseId);

    // One page: the earlier supply edited (5 → 2), a new one of 3, one naming an unknown product.
    fake.control.advanceClock(10_000);
    fake.control.update('supply', earlier, { positions: [position(product, 2)] });
    const unknown = fake.control.create('product', { name: 'Never synced' });
    const orphan = supply([position(unknown, 1)]);
    supply([position(product, 3)]);
    fake.control.advanceClock(10_000);
    const job = await syncNow(t, acme.tenantId, admin, {
      integration_id: integrationId,
      entities: ['supplies'],
    });
    expectCompleted(job);
    // The three rows of the page, each counted once.
    expect(job.counts.supplies).toEqual({ created: 1, updated: 1, failed: 1, deleted: 0, unchanged: 0 });
    expect(job.failures).toEqual([
      expect.objectContaining({ external_id: orphan, reason: expect.stringContaining(unknown) }),
    ]);
    expect(await stockOf(productId, warehouseId)).toBe(before - 5 + 2 + 3);

    const earlierId = await localId('commerce_document', earlier);
    const moved = await inTenantTx(t, acme.tenantId, (tx) =>
      tx.sql.query<{ quantity: string }>(
        `select quantity::text from stock_movements where document_id = $1 order by created_at, quantity`,
        [earlierId],
      ),
    );
    expect(moved.rows.map((r) => Number(r.quantity)).sort((a, b) => a - b)).toEqual([-5, 2, 5]);
    const positions = await scalar<number | string>(
      t,
      acme.tenantId,
      `select count(*)::int from commerce_document_positions where document_id = '${earlierId}'`,
    );
    expect(Number(positions)).toBe(1);

    const mismatched = await scalar<number | string>(
      t,
      acme.tenantId,
      `select count(*)::int from stock_levels sl
        where sl.stock <> coalesce((select sum(m.quantity) from stock_movements m
          where m.tenant_id = sl.tenant_id and m.product_id = sl.product_id
            and m.variant_id is not distinct from sl.variant_id and m.warehouse_id = sl.warehouse_id), 0)`,
    );
    expect(Number(mismatched)).toBe(0);
  }, 60_000);
});
