import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule, findByExternalRef, linkExternalRef } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { expectCursorWalk } from '../harness/paging.js';
import {
  FIXTURE_ROLES,
  identityFixture,
  type FixtureRole,
  type IdentityFixture,
} from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
type Product = {
  id: string;
  code: string;
  name: string;
  folder_id: string | null;
  brand_id: string | null;
  prices: { price_type_id: string; amount: string; currency: string }[];
  barcodes: string[];
  archived_at: string | null;
};
type List = { products: Product[]; total: number; limit: number; offset: number };

const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};

describe('catalog: products, variants, folders, price types', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let seq = 0;

  const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const admin = () => acme.users.admin.auth;
  const ok = async <T = { id: string }>(method: Method, url: string, payload?: object, status = 200) =>
    expectCode(await call(method, url, admin(), payload), status).json<T>();
  const nextCode = (prefix = 'P') => `${prefix}-${Date.now().toString(36)}-${seq++}`;
  const createProduct = (body: Record<string, unknown> = {}) =>
    ok<Product>('POST', '/products', { code: nextCode(), name: 'Widget', ...body }, 201);
  const createFolder = (name: string, parent_id?: string) =>
    ok<{ id: string; path: string; depth: number }>('POST', '/products/folders', { name, parent_id }, 201);

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  it('creates, reads, updates, lists and archives a product with prices and barcodes', async () => {
    const retail = await ok('POST', '/products/price-types', { name: 'Retail', currency: 'EUR' }, 201);
    const brand = await ok('POST', '/brands', { name: `Brand ${nextCode()}` }, 201);
    const created = await createProduct({
      name: 'Sparkling water 0.5 l',
      article: 'ART-1',
      brand_id: brand.id,
      vat_rate: '20.00',
      weight: '0.520',
      prices: [{ price_type_id: retail.id, amount: '1.25' }],
      barcodes: ['4006381333931'],
    });
    expect(created).toMatchObject({
      name: 'Sparkling water 0.5 l',
      brand_id: brand.id,
      uom: 'pcs',
      vat_rate: '20.00',
      weight: '0.520',
      is_service: false,
      prices: [{ price_type_id: retail.id, amount: '1.25', currency: 'EUR' }],
      barcodes: ['4006381333931'],
      archived_at: null,
    });
    expect(await ok('GET', `/products/${created.id}`)).toEqual(created);

    const updated = await ok<Product>('PUT', `/products/${created.id}`, {
      name: 'Still water 0.5 l',
      prices: [{ price_type_id: retail.id, amount: '1.30' }],
      barcodes: ['4006381333948', '4006381333955'],
    });
    expect(updated).toMatchObject({ name: 'Still water 0.5 l', code: created.code });
    expect(updated.prices).toEqual([{ price_type_id: retail.id, amount: '1.30', currency: 'EUR' }]);
    expect(updated.barcodes).toEqual(['4006381333948', '4006381333955']);

    const byBarcode = await ok<List>('GET', '/products?q=4006381333955&limit=5');
    expect(byBarcode).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(byBarcode.products.map((p) => p.id)).toEqual([created.id]);
    expect((await ok<List>('GET', '/products?q=ART-1')).products.map((p) => p.id)).toEqual([created.id]);
    expect((await ok<List>(`GET`, `/products?brand=${brand.id}`)).products.map((p) => p.id)).toEqual([
      created.id,
    ]);

    expectCode(await call('DELETE', `/products/${created.id}`, admin()), 204);
    expect((await ok<Product>('GET', `/products/${created.id}`)).archived_at).not.toBeNull();
    expect((await ok<List>('GET', '/products?q=ART-1')).total).toBe(0);
    expect((await ok<List>('GET', '/products?q=ART-1&archived=true')).total).toBe(1);

    const actions = await t.database.db.withSystem(async (tx) =>
      (
        await tx.sql.query<{ action: string }>(
          `select action from audit_log where tenant_id = $1 and entity_id = $2`,
          [acme.tenantId, created.id],
        )
      ).rows.map((r) => r.action),
    );
    expect(actions.sort()).toEqual(['product.archive', 'product.create', 'product.update']);
  });

  it('rejects invalid bodies and unknown references with 422, duplicates with 409', async () => {
    expectCode(await call('POST', '/products', admin(), { name: 'No code' }), 422, 'VALIDATION_FAILED');
    expectCode(await call('POST', '/products', admin(), { code: '', name: 'Empty code' }), 422);
    expectCode(
      await call('POST', '/products', admin(), { code: nextCode(), name: 'x', vat_rate: 'abc' }),
      422,
    );
    const pt = await ok(
      'POST',
      '/products/price-types',
      { name: `Float ${nextCode()}`, currency: 'USD' },
      201,
    );
    expectCode(
      await call('POST', '/products', admin(), {
        code: nextCode(),
        name: 'Three decimals',
        prices: [{ price_type_id: pt.id, amount: '1.999' }],
      }),
      422,
    );
    const missing = '01900000-0000-7000-8000-000000000000';
    const unknown = await call('POST', '/products', admin(), {
      code: nextCode(),
      name: 'Refs',
      brand_id: missing,
      folder_id: missing,
      prices: [{ price_type_id: missing, amount: '1.00' }],
    });
    expectCode(unknown, 422, 'VALIDATION_FAILED');
    expect(unknown.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/brand_id',
      '/body/folder_id',
      '/body/prices/0/price_type_id',
    ]);
    expectCode(await call('GET', '/products/not-a-uuid', admin()), 422);
    expectCode(await call('GET', `/products/${missing}`, admin()), 404);
    expectCode(await call('GET', '/products?min_price=1.00', admin()), 422);

    const first = await createProduct({ barcodes: ['9780201379624'] });
    expectCode(await call('POST', '/products', admin(), { code: first.code, name: 'Dup' }), 409, 'DUPLICATE');
    expectCode(
      await call('POST', '/products', admin(), {
        code: nextCode(),
        name: 'Dup',
        barcodes: ['9780201379624'],
      }),
      409,
      'DUPLICATE',
    );
    expectCode(
      await call('POST', '/products', admin(), {
        code: nextCode(),
        name: 'Twice',
        barcodes: ['1111111111', '1111111111'],
      }),
      422,
    );
    const name = `Wholesale ${nextCode()}`;
    await ok('POST', '/products/price-types', { name, currency: 'EUR' }, 201);
    expectCode(await call('POST', '/products/price-types', admin(), { name, currency: 'EUR' }), 409);
    expectCode(await call('POST', '/products/price-types', admin(), { name: 'Bad', currency: 'eur' }), 422);
  });

  it('filters by folder including sub-folders and moves a subtree', async () => {
    const drinks = await createFolder('Drinks');
    const water = await createFolder('Water', drinks.id);
    const sparkling = await createFolder('Sparkling', water.id);
    const food = await createFolder('Food');
    expect(sparkling).toMatchObject({ depth: 2, path: `/${drinks.id}/${water.id}/${sparkling.id}/` });
    const p1 = await createProduct({ folder_id: water.id });
    const p2 = await createProduct({ folder_id: sparkling.id });
    const p3 = await createProduct({ folder_id: food.id });
    const ids = async (folder: string) =>
      (await ok<List>('GET', `/products?folder=${folder}&sort=code`)).products.map((p) => p.id);
    expect(await ids(drinks.id)).toEqual([p1.id, p2.id]);
    expect(await ids(sparkling.id)).toEqual([p2.id]);
    expect(await ids(food.id)).toEqual([p3.id]);

    const moved = await ok<{ path: string; depth: number }>('PUT', `/products/folders/${water.id}`, {
      parent_id: food.id,
    });
    expect(moved).toMatchObject({ depth: 1, path: `/${food.id}/${water.id}/` });
    expect(await ids(drinks.id)).toEqual([]);
    expect((await ids(food.id)).sort()).toEqual([p1.id, p2.id, p3.id].sort());

    const tree = await ok<{
      folders: { id: string; children: { id: string; children: { id: string }[] }[] }[];
    }>('GET', '/products/folders?tree=true');
    const foodNode = tree.folders.find((f) => f.id === food.id)!;
    expect(foodNode.children[0]!.id).toBe(water.id);
    expect(foodNode.children[0]!.children[0]!.id).toBe(sparkling.id);
    const flat = await ok<{ folders: { id: string; depth: number }[] }>('GET', '/products/folders');
    expect(flat.folders.find((f) => f.id === sparkling.id)!.depth).toBe(2);

    expectCode(await call('PUT', `/products/folders/${food.id}`, admin(), { parent_id: sparkling.id }), 409);
    expectCode(await call('DELETE', `/products/folders/${water.id}`, admin()), 409, 'FOLDER_NOT_EMPTY');
    expectCode(await call('DELETE', `/products/folders/${drinks.id}`, admin()), 204);
    expectCode(await call('PUT', `/products/folders/${drinks.id}`, admin(), { name: 'Gone' }), 404);
  });

  it('filters by a price range on a chosen price type', async () => {
    const pt = await ok(
      'POST',
      '/products/price-types',
      { name: `Range ${nextCode()}`, currency: 'EUR' },
      201,
    );
    const other = await ok(
      'POST',
      '/products/price-types',
      { name: `Other ${nextCode()}`, currency: 'EUR' },
      201,
    );
    const cheap = await createProduct({ prices: [{ price_type_id: pt.id, amount: '5.00' }] });
    const mid = await createProduct({
      prices: [
        { price_type_id: pt.id, amount: '10.50' },
        { price_type_id: other.id, amount: '99.00' },
      ],
    });
    const dear = await createProduct({ prices: [{ price_type_id: pt.id, amount: '100.00' }] });
    const range = async (query: string) =>
      (await ok<List>('GET', `/products?price_type=${pt.id}&${query}&sort=code`)).products.map((p) => p.id);
    expect(await range('min_price=5.01&max_price=100')).toEqual([mid.id, dear.id]);
    expect(await range('max_price=10.50')).toEqual([cheap.id, mid.id]);
    expect(await range('min_price=100.00')).toEqual([dear.id]);
    expectCode(await call('GET', `/products?price_type=${pt.id}&min_price=1.999`, admin()), 422);
  });

  it('refuses negative prices and price filters with a pointer, and crossed price bounds', async () => {
    const pt = await ok('POST', '/products/price-types', { name: `Neg ${nextCode()}`, currency: 'EUR' }, 201);
    const pointers = (res: Res) => res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    const negative = [{ price_type_id: pt.id, amount: '-5.00' }];
    const refused = expectCode(
      await call('POST', '/products', admin(), { code: nextCode(), name: 'Refund', prices: negative }),
      422,
      'VALIDATION_FAILED',
    );
    expect(pointers(refused)).toEqual(['/body/prices/0/amount']);
    const product = await createProduct({ prices: [{ price_type_id: pt.id, amount: '0.00' }] });
    expect(product.prices[0]!.amount).toBe('0.00');
    const update = expectCode(
      await call('PUT', `/products/${product.id}`, admin(), { prices: negative }),
      422,
    );
    expect(pointers(update)).toEqual(['/body/prices/0/amount']);
    expect(
      pointers(expectCode(await call('GET', `/products?price_type=${pt.id}&min_price=-1`, admin()), 422)),
    ).toEqual(['/query/min_price']);
    expect(
      pointers(
        expectCode(await call('GET', `/products?price_type=${pt.id}&min_price=10&max_price=2`, admin()), 422),
      ),
    ).toEqual(['/query/max_price']);
    expect((await ok<Product>('GET', `/products/${product.id}`)).prices[0]!.amount).toBe('0.00');
  });

  it('pages products by cursor, with and without a search', async () => {
    const word = `cursorword${Date.now().toString(36)}`;
    for (const n of [1, 2, 3])
      await createProduct({ name: `${word} ${n}`, article: n === 2 ? null : `A-${n}` });
    const get = (url: string) => call('GET', url, admin());
    for (const sort of ['name', '-code', 'article', '-article', 'created_at'])
      await expectCursorWalk(get, `/products?sort=${sort}`, 'products');
    // Within the search: the second page starts at the product without an article (nulls last).
    for (const sort of ['-name', 'article', '-article'])
      await expectCursorWalk(get, `/products?q=${word}&sort=${sort}`, 'products');
  });

  it('manages variants', async () => {
    const product = await createProduct();
    const code = nextCode('V');
    const variant = await ok<{ id: string; characteristics: Record<string, string> }>(
      'POST',
      `/products/${product.id}/variants`,
      { code, name: 'Red L', characteristics: { colour: 'red', size: 'L' } },
      201,
    );
    expect(variant).toMatchObject({
      product_id: product.id,
      code,
      characteristics: { colour: 'red', size: 'L' },
    });
    expectCode(await call('POST', `/products/${product.id}/variants`, admin(), { code, name: 'Dup' }), 409);
    const updated = await ok('PUT', `/products/${product.id}/variants/${variant.id}`, { name: 'Red XL' });
    expect(updated).toMatchObject({ name: 'Red XL', code });
    const list = await ok<{ variants: { id: string }[] }>('GET', `/products/${product.id}/variants`);
    expect(list.variants.map((v) => v.id)).toEqual([variant.id]);
    const otherProduct = await createProduct();
    expectCode(
      await call('PUT', `/products/${otherProduct.id}/variants/${variant.id}`, admin(), { name: 'X' }),
      404,
    );
    expectCode(await call('DELETE', `/products/${product.id}/variants/${variant.id}`, admin()), 204);
    expectCode(await call('DELETE', `/products/${product.id}/variants/${variant.id}`, admin()), 404);
  });

  it('documents the routes in OpenAPI, folders and price types apart from /products/{id}', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    for (const path of [
      '/api/v1/products',
      '/api/v1/products/{id}',
      '/api/v1/products/folders',
      '/api/v1/products/folders/{id}',
      '/api/v1/products/price-types',
      '/api/v1/products/{id}/variants/{variant_id}',
      '/api/v1/brands/{id}/infographics/{infographic_id}/file',
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.paths['/api/v1/products/folders']!.get!.tags).toEqual(['products']);
    expect(doc.paths['/api/v1/brands']!.get!.tags).toEqual(['brands']);
  });

  describe('permissions by role', () => {
    const writers: FixtureRole[] = ['admin', 'national_manager'];
    it.each(FIXTURE_ROLES.map((role) => [role, writers.includes(role)] as const))(
      '%s: read allowed, write %s',
      async (role, canWrite) => {
        const auth = acme.users[role].auth;
        expectCode(await call('GET', '/products', auth), 200);
        expectCode(await call('GET', '/products/folders', auth), 200);
        expectCode(await call('GET', '/products/price-types', auth), 200);
        const res = await call('POST', '/products', auth, { code: nextCode(), name: 'By role' });
        expectCode(res, canWrite ? 201 : 403);
        const folder = await call('POST', '/products/folders', auth, { name: 'By role' });
        expectCode(folder, canWrite ? 201 : 403);
      },
    );
    it('requires authentication', async () => {
      expectCode(await call('GET', '/products', {}), 401);
    });
  });

  describe('tenant isolation', () => {
    it("cannot read, change or archive another tenant's products, folders or variants", async () => {
      const beta = await identityFixture(t, 'beta');
      const asB = async (method: Method, url: string, payload?: object) =>
        expectCode(
          await call(method, url, beta.users.admin.auth, payload),
          method === 'POST' ? 201 : 200,
        ).json<{
          id: string;
        }>();
      const bFolder = await asB('POST', '/products/folders', { name: 'Beta folder' });
      const bPrice = await asB('POST', '/products/price-types', { name: 'Beta retail', currency: 'EUR' });
      const bProduct = await asB('POST', '/products', {
        code: 'BETA-1',
        name: 'Beta product',
        folder_id: bFolder.id,
        prices: [{ price_type_id: bPrice.id, amount: '2.00' }],
        barcodes: ['5555555555555'],
      });
      const bVariant = await asB('POST', `/products/${bProduct.id}/variants`, { code: 'BETA-V', name: 'V' });

      const routes: [Method, string, object?][] = [
        ['GET', `/products/${bProduct.id}`],
        ['PUT', `/products/${bProduct.id}`, { name: 'Pwned' }],
        ['DELETE', `/products/${bProduct.id}`],
        ['GET', `/products/${bProduct.id}/variants`],
        ['POST', `/products/${bProduct.id}/variants`, { code: 'PWN', name: 'Pwned' }],
        ['PUT', `/products/${bProduct.id}/variants/${bVariant.id}`, { name: 'Pwned' }],
        ['DELETE', `/products/${bProduct.id}/variants/${bVariant.id}`],
        ['PUT', `/products/folders/${bFolder.id}`, { name: 'Pwned' }],
        ['DELETE', `/products/folders/${bFolder.id}`],
      ];
      for (const [method, url, payload] of routes)
        expect((await call(method, url, admin(), payload)).statusCode, `${method} ${url}`).toBe(404);

      // B's references are unknown to A (422), and A may reuse B's code and barcode.
      expectCode(
        await call('POST', '/products', admin(), { code: nextCode(), name: 'x', folder_id: bFolder.id }),
        422,
      );
      expectCode(
        await call('POST', '/products', admin(), {
          code: nextCode(),
          name: 'x',
          prices: [{ price_type_id: bPrice.id, amount: '1.00' }],
        }),
        422,
      );
      await createProduct({ code: 'BETA-1', barcodes: ['5555555555555'] });

      const lists = [
        (await ok<List>('GET', '/products?limit=500')).products.map((p) => p.id),
        (await ok<List>('GET', '/products?limit=500&archived=true')).products.map((p) => p.id),
        (await ok<{ folders: { id: string }[] }>('GET', '/products/folders')).folders.map((f) => f.id),
        (await ok<{ price_types: { id: string }[] }>('GET', '/products/price-types')).price_types.map(
          (p) => p.id,
        ),
      ].flat();
      for (const id of [bProduct.id, bFolder.id, bPrice.id]) expect(lists).not.toContain(id);
      expect((await ok<List>(`GET`, `/products?folder=${bFolder.id}`)).total).toBe(0);

      // B's rows are untouched.
      const still = expectCode(
        await call('GET', `/products/${bProduct.id}`, beta.users.admin.auth),
        200,
      ).json<Product>();
      expect(still).toMatchObject({ name: 'Beta product', archived_at: null, barcodes: ['5555555555555'] });
    });
  });

  it('shows external references read-only; integrations link them through the module interface', async () => {
    const product = await createProduct();
    expect(product).toMatchObject({ external_refs: [] });
    await t.app.platform.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
      linkExternalRef(tx, acme.tenantId, {
        provider: 'moysklad',
        entityType: 'product',
        externalId: 'ms-42',
        entityId: product.id,
      }),
    );
    const read = await ok<Product & { external_refs: unknown[] }>('GET', `/products/${product.id}`);
    expect(read.external_refs).toEqual([
      { provider: 'moysklad', entity_type: 'product', external_id: 'ms-42' },
    ]);
    const found = await t.app.platform.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
      findByExternalRef(tx, acme.tenantId, {
        provider: 'moysklad',
        entityType: 'product',
        externalId: 'ms-42',
      }),
    );
    expect(found).toBe(product.id);
    // Writable only through the service interface: the API ignores the field.
    const updated = await ok<{ external_refs: unknown[] }>('PUT', `/products/${product.id}`, {
      name: 'Renamed',
    });
    expect(updated.external_refs).toHaveLength(1);
  });
});
