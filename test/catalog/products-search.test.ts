import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

type Product = { id: string; code: string; name: string; barcodes: string[] };
type List = { products: Product[]; total: number; limit: number; offset: number };

/** `q=` runs in the caller's tenant transaction on the search-term table the triggers maintain. */
describe('catalog: product search', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let globex: IdentityFixture;
  const ids: Record<string, string> = {};

  const call = (
    tenant: IdentityFixture,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers: tenant.users.admin.auth, payload });
  const create = async (tenant: IdentityFixture, body: Record<string, unknown>) => {
    const res = await call(tenant, 'POST', '/products', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Product>();
  };
  const search = async (q: string, tenant = acme, extra = '') => {
    const res = await call(tenant, 'GET', `/products?q=${encodeURIComponent(q)}${extra}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<List>();
  };
  const names = async (q: string, tenant = acme) => (await search(q, tenant)).products.map((p) => p.name);

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
    ids.juice = (
      await create(acme, {
        code: 'JC-0042',
        article: 'ART-77',
        name: 'Orange Juice (1 l)',
        barcodes: ['4780000000042'],
      })
    ).id;
    ids.nectar = (await create(acme, { code: 'NC-0100', name: 'Apple nectar, juicy 0.5 l' })).id;
    ids.water = (
      await create(acme, { code: 'WT-0001', name: 'Still water', barcodes: ['4780000000059'] })
    ).id;
    await create(globex, { code: 'JC-0042', name: 'Orange Juice Globex', barcodes: ['4780000000066'] });
  });
  afterAll(() => t.close());

  it('finds by a word of the name, any case, ordered by name', async () => {
    expect(await names('juice')).toEqual(['Orange Juice (1 l)']);
    expect(await names('JUIC')).toEqual(['Apple nectar, juicy 0.5 l', 'Orange Juice (1 l)']);
    expect(await names('nectar')).toEqual(['Apple nectar, juicy 0.5 l']);
    expect(await names('orange juice')).toEqual(['Orange Juice (1 l)']);
    expect(await names('orange water')).toEqual([]);
    expect(await names('0.5')).toEqual(['Apple nectar, juicy 0.5 l']);
  });

  it('finds by code, article and barcode, whole or by their start', async () => {
    expect((await search('JC-0042')).products.map((p) => p.id)).toEqual([ids.juice]);
    expect((await search('jc-00')).products.map((p) => p.id)).toEqual([ids.juice]);
    expect((await search('ART-77')).products.map((p) => p.id)).toEqual([ids.juice]);
    expect((await search('4780000000059')).products.map((p) => p.id)).toEqual([ids.water]);
    const byPrefix = await search('478000000');
    expect(byPrefix.products.map((p) => p.id).sort()).toEqual([ids.juice, ids.water].sort());
    expect(byPrefix.total).toBe(2);
    expect(await names('xyz-none')).toEqual([]);
    expect((await search('xyz-none')).total).toBe(0);
  });

  it("never shows another tenant's products", async () => {
    expect(await names('4780000000066')).toEqual([]);
    expect(await names('globex')).toEqual([]);
    expect(await names('juice', globex)).toEqual(['Orange Juice Globex']);
    expect(await names('4780000000042', globex)).toEqual([]);
  });

  it('follows renames, barcode changes and archiving in the same transaction', async () => {
    const res = await call(acme, 'PUT', `/products/${ids.water}`, {
      name: 'Sparkling mineral',
      barcodes: ['4780000000073'],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await names('still')).toEqual([]);
    expect(await names('mineral')).toEqual(['Sparkling mineral']);
    expect(await names('4780000000059')).toEqual([]);
    expect(await names('4780000000073')).toEqual(['Sparkling mineral']);
    expect((await call(acme, 'DELETE', `/products/${ids.water}`)).statusCode).toBe(204);
    expect(await names('mineral')).toEqual([]);
    expect((await search('mineral', acme, '&archived=true')).products.map((p) => p.id)).toEqual([ids.water]);
  });

  it('keeps a term that another column still gives when a barcode goes, and adds a new barcode once', async () => {
    const twin = await create(acme, {
      code: '4780000009999',
      name: 'Twin pack',
      barcodes: ['4780000009999'],
    });
    expect(await names('4780000009999')).toEqual(['Twin pack']);
    expect((await call(acme, 'PUT', `/products/${twin.id}`, { barcodes: [] })).statusCode).toBe(200);
    expect(await names('4780000009999')).toEqual(['Twin pack']); // the code still gives it
    const added = await call(acme, 'PUT', `/products/${twin.id}`, { barcodes: ['4780000008888', 'TWIN'] });
    expect(added.statusCode, added.body).toBe(200);
    expect(await names('4780000008888')).toEqual(['Twin pack']);
    expect(await names('twin')).toEqual(['Twin pack']); // name word and barcode: one match
    expect((await search('twin')).total).toBe(1);
    expect((await call(acme, 'DELETE', `/products/${twin.id}`)).statusCode).toBe(204);
  });

  it('pages through matches with an exact total below the cap', async () => {
    for (let i = 0; i < 5; i++) await create(acme, { code: `PG-${i}`, name: `Paging item ${i}` });
    const page = await search('paging', acme, '&limit=2&offset=2');
    expect(page.products.map((p) => p.name)).toEqual(['Paging item 2', 'Paging item 3']);
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
  });

  it('a broad word stops at 250 matches, which already pass the filters', async () => {
    const brand = (await call(acme, 'POST', '/brands', { name: 'Rare brand' })).json<{ id: string }>().id;
    // 300 matches of one word, then three of another brand written last (last in term order).
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `insert into products (tenant_id, id, code, name)
         select $1, gen_random_uuid(), 'BULK-' || n, 'Bulkword item ' || n from generate_series(1, 300) n`,
        [acme.tenantId],
      ),
    );
    for (let i = 0; i < 3; i++)
      await create(acme, { code: `RB-${i}`, name: `Bulkword rare ${i}`, brand_id: brand });
    const broad = await search('bulkword', acme, '&limit=5');
    expect(broad).toMatchObject({ total: 250, limit: 5 });
    const filtered = await search('bulkword', acme, `&brand=${brand}`);
    expect(filtered.total).toBe(3);
    expect(filtered.products.map((p) => p.name)).toEqual([
      'Bulkword rare 0',
      'Bulkword rare 1',
      'Bulkword rare 2',
    ]);
    // The other words narrow the walk of the longest one.
    expect((await search('rare bulkword', acme)).total).toBe(3);
  });
});
