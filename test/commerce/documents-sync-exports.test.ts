import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteDocument,
  writeDocument,
  type DocumentWrite,
} from '../../src/modules/commerce/documents/index.js';
import { setStockLevels } from '../../src/modules/commerce/inventory/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { commerceApp, createProduct, createWarehouse, inTenantTx, scalar } from './inventory.helpers.js';

describe('commerce: writeDocument / deleteDocument / setStockLevels for the sync engine', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let product: string;
  let warehouse: string;

  const movements = () =>
    scalar<number>(t, a.tenantId, 'select count(*)::int from stock_movements where product_id = $1', [
      product,
    ]);
  const level = () =>
    inTenantTx(t, a.tenantId, async (tx) => {
      const { rows } = await tx.sql.query<{
        stock: string;
        reserve: string;
        in_transit: string;
        unit_cost: string | null;
      }>(
        'select stock, reserve, in_transit, unit_cost from stock_levels where product_id = $1 and warehouse_id = $2',
        [product, warehouse],
      );
      return rows[0];
    });

  beforeAll(async () => {
    t = await commerceApp();
    a = await identityFixture(t, 'alpha');
    product = (await createProduct(t, a.users.admin.auth)).id;
    warehouse = (await createWarehouse(t, a.users.admin.auth)).id;
  });
  afterAll(() => t?.close());

  const supply = (): DocumentWrite => ({
    kind: 'supply',
    number: 'MS-1',
    moment: new Date('2025-03-01T10:00:00Z'),
    applicable: true,
    warehouseId: warehouse,
    currency: 'RUB',
    source: 'moysklad',
    positions: [{ productId: product, quantity: '10', price: '150.5', discount: '10', vatRate: '20' }],
  });

  it('writes a synced document once; the same content again changes nothing', async () => {
    const first = await inTenantTx(t, a.tenantId, (tx) => writeDocument(tx, a.tenantId, supply()));
    expect(first).toMatchObject({ created: true, changed: true });
    expect(await level()).toMatchObject({ stock: '10.000' });
    expect(await movements()).toBe(1);

    const again = await inTenantTx(t, a.tenantId, (tx) =>
      writeDocument(tx, a.tenantId, { ...supply(), id: first.id }),
    );
    expect(again).toEqual({ id: first.id, created: false, changed: false });
    expect(await movements()).toBe(1);
    // 10 × 150.50 × 0.9 = 1354.50; VAT included at 20 %: 1354.50 × 20 / 120 = 225.75
    const sums = await inTenantTx(
      t,
      a.tenantId,
      async (tx) =>
        (await tx.sql.query('select sum, vat_sum from commerce_documents where id = $1', [first.id])).rows[0],
    );
    expect(sums).toEqual({ sum: '1354.50', vat_sum: '225.75' });

    const edited = await inTenantTx(t, a.tenantId, (tx) =>
      writeDocument(tx, a.tenantId, {
        ...supply(),
        id: first.id,
        positions: [{ ...supply().positions[0]!, quantity: '7' }],
      }),
    );
    expect(edited).toEqual({ id: first.id, created: false, changed: true });
    expect(await level()).toMatchObject({ stock: '7.000' });
    expect(await movements()).toBe(3); // +10, −10 reversal, +7

    expect(await inTenantTx(t, a.tenantId, (tx) => deleteDocument(tx, a.tenantId, first.id))).toBe(true);
    expect(await level()).toMatchObject({ stock: '0.000' });
    expect(await inTenantTx(t, a.tenantId, (tx) => deleteDocument(tx, a.tenantId, first.id))).toBe(false);
    expect(await movements()).toBe(4);
  });

  it('sets stock levels from a report; the same report again changes nothing', async () => {
    const rows = [
      {
        productId: product,
        warehouseId: warehouse,
        stock: '25',
        reserve: '3',
        inTransit: '4',
        unitCost: '99.90',
      },
    ];
    const moment = new Date('2025-04-01T00:00:00Z');
    const before = await movements();
    expect(await inTenantTx(t, a.tenantId, (tx) => setStockLevels(tx, a.tenantId, rows, moment))).toEqual({
      changed: 1,
      services: new Set(),
    });
    expect(await level()).toEqual({
      stock: '25.000',
      reserve: '3.000',
      in_transit: '4.000',
      unit_cost: '99.90',
    });
    expect(await movements()).toBe(before + 1);
    expect(await inTenantTx(t, a.tenantId, (tx) => setStockLevels(tx, a.tenantId, rows, moment))).toEqual({
      changed: 0,
      services: new Set(),
    });
    expect(await movements()).toBe(before + 1);
    const sum = await scalar<string>(
      t,
      a.tenantId,
      'select sum(quantity)::text from stock_movements where product_id = $1',
      [product],
    );
    expect(sum).toBe('25.000');
  });
});
