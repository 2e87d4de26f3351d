import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowStockCheck, outOfStockCheck } from '../../src/modules/commerce/inventory/checks.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  commerceApp,
  createPriceType,
  createProduct,
  createVariant,
  createWarehouse,
  expectStatus,
  inTenantTx,
} from './inventory.helpers.js';

interface StockRow {
  id: string;
  product_id: string;
  variant_id: string | null;
  warehouse_id: string;
  stock: string;
  reserve: string;
  available: string;
  min_stock: string;
  status: string;
  value: string;
}
interface StockList {
  stock: StockRow[];
  totals: Record<string, string>;
  next_cursor: string | null;
}

describe('commerce inventory: settings, stock, thresholds, adjustments, stores, movements, alerts', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;
  let wh: string;
  let wh2: string;
  let folder: string;
  let sub: string;

  const adjust = (body: object, auth = admin) => api.call('POST', '/inventory/adjustments', auth, body);
  const setCount = async (product_id: string, new_count: string, warehouse_id = wh, extra: object = {}) =>
    expectStatus(await adjust({ product_id, warehouse_id, new_count, reason: 'count', ...extra }), 201).json<{
      level: StockRow;
      movement: { quantity: string } | null;
    }>();

  beforeAll(async () => {
    t = await commerceApp();
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    api = client(t);
    admin = a.users.admin.auth;
    wh = (await createWarehouse(t, admin, { name: 'A main' })).id;
    wh2 = (await createWarehouse(t, admin, { name: 'B second' })).id;
    folder = (await api.ok('POST', '/products/folders', admin, { name: 'Drinks' }, 201)).id;
    sub = (await api.ok('POST', '/products/folders', admin, { name: 'Juice', parent_id: folder }, 201)).id;
  });
  afterAll(() => t?.close());

  it('settings: defaults, partial change by an admin, validation, 403 for others', async () => {
    const got = await api.ok<{ commerce: Record<string, unknown> }>(
      'GET',
      '/commerce/settings',
      a.users.viewer.auth,
    );
    expect(got.commerce).toEqual({
      allow_negative_stock: false,
      default_min_stock: '10.000',
      buy_price_type_id: null,
      sale_price_type_id: null,
      cover_window_days: 30,
      dead_stock_days: 90,
    });
    const changed = await api.ok<{ commerce: Record<string, unknown> }>('PUT', '/commerce/settings', admin, {
      commerce: { default_min_stock: '5', cover_window_days: 14 },
    });
    expect(changed.commerce).toMatchObject({
      default_min_stock: '5.000',
      cover_window_days: 14,
      dead_stock_days: 90,
    });
    expectStatus(
      await api.call('PUT', '/commerce/settings', a.users.national_manager.auth, {
        commerce: { dead_stock_days: 5 },
      }),
      403,
    );
    expectStatus(
      await api.call('PUT', '/commerce/settings', admin, { commerce: { cover_window_days: 0 } }),
      422,
    );
    expectStatus(await api.call('PUT', '/commerce/settings', admin, { commerce: { nonsense: 1 } }), 422);
    expectStatus(await api.call('PUT', '/commerce/settings', admin, { commerce: {} }), 422);
    const foreign = await createPriceType(t, b.users.admin.auth);
    const res = await api.call('PUT', '/commerce/settings', admin, {
      commerce: { buy_price_type_id: foreign.id },
    });
    expectStatus(res, 422);
    expect(res.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      '/body/commerce/buy_price_type_id',
    );
    // Tenant b still has the defaults.
    expect(
      (
        await api.ok<{ commerce: { default_min_stock: string } }>(
          'GET',
          '/commerce/settings',
          b.users.admin.auth,
        )
      ).commerce.default_min_stock,
    ).toBe('10.000');
  });

  it.each([
    // available, product min (null → default 5), status
    ['0', null, 'out'],
    ['-2', null, 'out'],
    ['0.001', null, 'low'],
    ['5', null, 'low'],
    ['5.001', null, 'ok'],
    ['3', '3', 'low'],
    ['3.5', '3', 'ok'],
    ['1', '0', 'ok'],
  ])('available %s with product min %s is %s', async (available, min, status) => {
    const product = (await createProduct(t, admin, min === null ? {} : { min_stock: min })).id;
    await api.ok('PUT', '/commerce/settings', admin, { commerce: { allow_negative_stock: true } });
    const { level } = await setCount(product, '0');
    if (available !== '0')
      await expectStatus(
        await adjust({ product_id: product, warehouse_id: wh, quantity: available, reason: 'r' }),
        201,
      );
    await api.ok('PUT', '/commerce/settings', admin, { commerce: { allow_negative_stock: false } });
    const list = await api.ok<StockList>('GET', `/inventory/stock?product_id=${product}`, admin);
    expect(list.stock).toHaveLength(1);
    expect(list.stock[0]).toMatchObject({ id: level.id, status, available: Number(available).toFixed(3) });
  });

  it('effective minimum: warehouse threshold ?? product min ?? default; threshold routes', async () => {
    const product = (await createProduct(t, admin, { min_stock: '8' })).id;
    await setCount(product, '7');
    await setCount(product, '7', wh2);
    const path = `/inventory/thresholds/${product}/${wh}`;
    expectStatus(await api.call('GET', path, admin), 404);
    const set = await api.ok<{ min_stock: string }>('PUT', path, admin, { min_stock: '6.5' });
    expect(set.min_stock).toBe('6.500');
    expect((await api.ok<{ min_stock: string }>('GET', path, a.users.viewer.auth)).min_stock).toBe('6.500');
    const detail = await api.ok<{
      rows: { warehouse_id: string; min_stock: string; threshold_source: string; status: string }[];
    }>('GET', `/inventory/stock/${product}`, admin);
    expect(detail.rows.find((r) => r.warehouse_id === wh)).toMatchObject({
      min_stock: '6.500',
      threshold_source: 'warehouse',
      status: 'ok',
    });
    expect(detail.rows.find((r) => r.warehouse_id === wh2)).toMatchObject({
      min_stock: '8.000',
      threshold_source: 'product',
      status: 'low',
    });
    const listed = await api.ok<{ thresholds: { product_id: string }[] }>(
      'GET',
      `/inventory/thresholds?product_id=${product}`,
      admin,
    );
    expect(listed.thresholds).toHaveLength(1);
    expectStatus(await api.call('PUT', path, admin, { min_stock: '-1' }), 422);
    expectStatus(await api.call('PUT', path, a.users.area_manager.auth, { min_stock: '1' }), 403);
    expectStatus(
      await api.call(
        'PUT',
        `/inventory/thresholds/${product}/${(await createWarehouse(t, b.users.admin.auth)).id}`,
        admin,
        { min_stock: '1' },
      ),
      404,
    );
    expectStatus(await api.call('DELETE', path, admin), 204);
    expectStatus(await api.call('DELETE', path, admin), 404);
    const plain = (await createProduct(t, admin)).id;
    await setCount(plain, '5');
    const after = await api.ok<{ rows: { threshold_source: string; min_stock: string }[] }>(
      'GET',
      `/inventory/stock/${plain}`,
      admin,
    );
    expect(after.rows[0]).toMatchObject({ threshold_source: 'default', min_stock: '5.000' });
  });

  it('adjustments: delta or count, validation, negative stock refused, 403 for viewers', async () => {
    const product = (await createProduct(t, admin)).id;
    const variant = (await createVariant(t, admin, product)).id;
    const first = await setCount(product, '12', wh, { variant_id: variant });
    expect(first.movement?.quantity).toBe('12.000');
    expect(first.level).toMatchObject({ stock: '12.000', variant_id: variant });
    const again = await setCount(product, '12', wh, { variant_id: variant });
    expect(again.movement).toBeNull();
    const minus = await adjust({
      product_id: product,
      variant_id: variant,
      warehouse_id: wh,
      quantity: '-2.5',
      reason: 'broken',
    });
    expect(expectStatus(minus, 201).json<{ level: StockRow }>().level.stock).toBe('9.500');
    expectStatus(
      await adjust({
        product_id: product,
        variant_id: variant,
        warehouse_id: wh,
        quantity: '-10',
        reason: 'x',
      }),
      409,
      'INSUFFICIENT_STOCK',
    );
    expectStatus(
      await adjust({ product_id: product, warehouse_id: wh, quantity: '1', new_count: '1', reason: 'x' }),
      422,
    );
    expectStatus(await adjust({ product_id: product, warehouse_id: wh, quantity: '0', reason: 'x' }), 422);
    expectStatus(await adjust({ product_id: product, warehouse_id: wh, new_count: '-1', reason: 'x' }), 422);
    expectStatus(await adjust({ product_id: product, warehouse_id: wh, new_count: '1' }), 422);
    expectStatus(await adjust({ product_id: 'nope', warehouse_id: wh, new_count: '1', reason: 'x' }), 422);
    const otherVariant = (await createVariant(t, admin, (await createProduct(t, admin)).id)).id;
    const wrong = await adjust({
      product_id: product,
      variant_id: otherVariant,
      warehouse_id: wh,
      new_count: '1',
      reason: 'x',
    });
    expect(expectStatus(wrong, 422).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      '/body/variant_id',
    );
    // A service keeps no stock: adjusting one is refused and writes nothing.
    const service = (await createProduct(t, admin, { is_service: true })).id;
    const refused = await adjust({ product_id: service, warehouse_id: wh, quantity: '3', reason: 'x' });
    expect(expectStatus(refused, 422).json<{ errors: { path: string; message: string }[] }>().errors).toEqual(
      [{ path: '/body/product_id', message: 'is a service, which keeps no stock' }],
    );
    const moved = await api.ok<{ movements: unknown[] }>(
      'GET',
      `/inventory/movements?product_id=${service}`,
      admin,
    );
    expect(moved.movements).toEqual([]);
    expectStatus(
      await adjust(
        { product_id: product, warehouse_id: wh, new_count: '1', reason: 'x' },
        a.users.viewer.auth,
      ),
      403,
    );
    const moves = await api.ok<{ movements: { kind: string; reason: string; quantity: string }[] }>(
      'GET',
      `/inventory/movements?product_id=${product}&kind=adjustment`,
      a.users.agent.auth,
    );
    expect(moves.movements.map((m) => m.quantity)).toEqual(['-2.500', '12.000']);
  });

  it('stock list: folder (with subfolders), warehouse, q and status filters; totals; keyset pages', async () => {
    const buy = await createPriceType(t, admin);
    const sale = await createPriceType(t, admin);
    await api.ok('PUT', '/commerce/settings', admin, {
      commerce: { buy_price_type_id: buy.id, sale_price_type_id: sale.id },
    });
    const prices = (cost: string, price: string) => [
      { price_type_id: buy.id, amount: cost },
      { price_type_id: sale.id, amount: price },
    ];
    const p1 = (
      await createProduct(t, admin, {
        name: 'Apple juice zzq',
        folder_id: sub,
        prices: prices('2.50', '4.00'),
      })
    ).id;
    const p2 = (
      await createProduct(t, admin, { name: 'Cola zzq', folder_id: folder, prices: prices('1.10', '2.00') })
    ).id;
    const p3 = (await createProduct(t, admin, { name: 'Bread zzq', prices: prices('0.50', '1.00') })).id;
    const store = (await createWarehouse(t, admin, { name: 'C third' })).id;
    await setCount(p1, '4', store);
    await setCount(p2, '30', store);
    await setCount(p3, '0', store);

    const inFolder = await api.ok<StockList>(
      'GET',
      `/inventory/stock?folder_id=${folder}&warehouse_id=${store}`,
      admin,
    );
    expect(inFolder.stock.map((r) => r.product_id).sort()).toEqual([p1, p2].sort());
    // 4 × 2.50 + 30 × 1.10 = 43.00
    expect(inFolder.totals).toEqual({
      stock: '34.000',
      reserve: '0.000',
      in_transit: '0.000',
      available: '34.000',
      value: '43.00',
    });
    const subOnly = await api.ok<StockList>('GET', `/inventory/stock?folder_id=${sub}`, admin);
    expect(subOnly.stock.map((r) => r.product_id)).toEqual([p1]);
    const searched = await api.ok<StockList>(
      'GET',
      `/inventory/stock?q=zzq%20cola&warehouse_id=${store}`,
      admin,
    );
    expect(searched.stock.map((r) => r.product_id)).toEqual([p2]);
    const low = await api.ok<StockList>('GET', `/inventory/stock?status=low&warehouse_id=${store}`, admin);
    expect(low.stock.map((r) => r.product_id)).toEqual([p1]);
    const out = await api.ok<StockList>('GET', `/inventory/stock?status=out&warehouse_id=${store}`, admin);
    expect(out.stock.map((r) => r.product_id)).toEqual([p3]);

    const page1 = await api.ok<StockList>('GET', `/inventory/stock?warehouse_id=${store}&limit=2`, admin);
    const page2 = await api.ok<StockList>(
      'GET',
      `/inventory/stock?warehouse_id=${store}&limit=2&cursor=${page1.next_cursor}`,
      admin,
    );
    expect([...page1.stock, ...page2.stock].map((r) => r.stock)).toEqual(['30.000', '4.000', '0.000']);
    expect(page2.next_cursor).toBeNull();
    expectStatus(await api.call('GET', '/inventory/stock?status=bad', admin), 422);
    expectStatus(await api.call('GET', '/inventory/stock?search=x', admin), 422);

    const stores = await api.ok<{
      stores: {
        id: string;
        products: number;
        value_at_cost: string;
        value_at_sale: string;
        low: number;
        out: number;
      }[];
    }>('GET', '/inventory/stores', a.users.viewer.auth);
    // at sale: 4 × 4.00 + 30 × 2.00 = 76.00
    expect(stores.stores.find((s) => s.id === store)).toMatchObject({
      products: 2,
      value_at_cost: '43.00',
      value_at_sale: '76.00',
      low: 1,
      out: 1,
    });

    const found = await inTenantTx(t, a.tenantId, async (tx) => ({
      low: await lowStockCheck.run(tx, {
        tenantId: a.tenantId,
        now: new Date(),
        timeZone: 'UTC',
        today: '2026-01-01',
      }),
      out: await outOfStockCheck.run(tx, {
        tenantId: a.tenantId,
        now: new Date(),
        timeZone: 'UTC',
        today: '2026-01-01',
      }),
    }));
    const levelIds = (await api.ok<StockList>('GET', `/inventory/stock?warehouse_id=${store}`, admin)).stock;
    const idOf = (p: string) => levelIds.find((r) => r.product_id === p)!.id;
    expect(found.low.map((f) => f.entityId)).toContain(idOf(p1));
    expect(found.low.map((f) => f.entityId)).not.toContain(idOf(p2));
    expect(found.out.map((f) => f.entityId)).toContain(idOf(p3));
    expect(found.out.find((f) => f.entityId === idOf(p3))).toMatchObject({
      severity: 'high',
      entityType: 'stock_level',
    });
  });

  it("another tenant's stock, products and warehouses are invisible", async () => {
    const product = (await createProduct(t, admin)).id;
    await setCount(product, '3');
    const other = b.users.admin.auth;
    expect((await api.ok<StockList>('GET', '/inventory/stock', other)).stock).toHaveLength(0);
    expectStatus(await api.call('GET', `/inventory/stock/${product}`, other), 404);
    expect(
      (await api.ok<{ movements: unknown[] }>('GET', '/inventory/movements', other)).movements,
    ).toHaveLength(0);
    const theirs = await api.ok<{ stores: { id: string; products: number }[] }>(
      'GET',
      '/inventory/stores',
      other,
    );
    expect(theirs.stores.map((s) => s.id)).not.toContain(wh);
    expect(theirs.stores.every((s) => s.products === 0)).toBe(true);
    expectStatus(
      await adjust({ product_id: product, warehouse_id: wh, new_count: '1', reason: 'x' }, other),
      422,
    );
    expectStatus(await api.call('GET', '/inventory/stock', {}), 401);
  });
});
