import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

type Product = { id: string; name: string };
type List = { products: Product[]; total: number | null; offset: number; next_cursor: string | null };

/**
 * The totals and pages of product lists that do not count rows: a search reads its matches, their
 * count and its page in one statement; a list without filters takes its total from the counts the
 * triggers keep.
 */
describe('catalog: product list totals and search pages', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let globex: IdentityFixture;

  const list = async (query: string, tenant?: IdentityFixture) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/products?${query}`,
      headers: (tenant ?? acme).users.admin.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<List>();
  };
  const create = async (tenant: IdentityFixture, body: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: tenant.users.admin.auth,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Product>();
  };
  /** What counting the rows says, as the owner. */
  const counted = async (tenantId: string, archived: boolean) => {
    const result = await t.database.db.withSystem((tx) =>
      tx.sql.query<{ n: number }>(
        `select count(*)::int as n from products where tenant_id = $1 and (archived_at is not null) = $2`,
        [tenantId, archived],
      ),
    );
    return result.rows[0]!.n;
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
    // 300 products of one word, in one statement, named out of their insertion order.
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `insert into products (tenant_id, id, code, name)
         select $1, gen_random_uuid(), 'BRD-' || n, 'Broadword ' || lpad(((n * 7919) % 1000)::text, 3, '0') || ' ' || n
         from generate_series(1, 300) n`,
        [acme.tenantId],
      ),
    );
    await create(globex, { code: 'G-1', name: 'Broadword elsewhere' });
  });
  afterAll(() => t.close());

  it('pages a broad word by cursor through exactly its 250 matches, sorted, without gaps or repeats', async () => {
    const first = await list('q=broadword&limit=50');
    expect(first.total).toBe(250);
    const names = first.products.map((p) => p.name);
    expect(names).toEqual([...names].sort());
    const seen = [...first.products];
    let cursor = first.next_cursor;
    while (cursor) {
      const page = await list(`q=broadword&limit=50&cursor=${encodeURIComponent(cursor)}`);
      expect(page.total).toBeNull();
      seen.push(...page.products);
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((p) => p.id)).size).toBe(250);
    expect(seen.map((p) => p.name)).toEqual(seen.map((p) => p.name).sort());
    expect(seen.some((p) => p.name === 'Broadword elsewhere')).toBe(false);
    // Offset pages cut the same order; past the matches the page is empty and the total stays.
    const third = await list('q=broadword&limit=50&offset=100&sort=name');
    expect(third.products.map((p) => p.id)).toEqual(seen.slice(100, 150).map((p) => p.id));
    expect(await list('q=broadword&limit=50&offset=400')).toMatchObject({
      products: [],
      total: 250,
      offset: 400,
      next_cursor: null,
    });
    expect((await list('q=broadword&include_total=false')).total).toBeNull();
    expect(await list('q=nosuchwordanywhere')).toMatchObject({ products: [], total: 0, next_cursor: null });
  });

  it('gives the total of a list without filters from the kept counts, through creates, archiving and bulk writes', async () => {
    const totals = async (tenant: IdentityFixture) => ({
      active: (await list('limit=1', tenant)).total,
      archived: (await list('limit=1&archived=true', tenant)).total,
    });
    const expected = async (tenant: IdentityFixture) => ({
      active: await counted(tenant.tenantId, false),
      archived: await counted(tenant.tenantId, true),
    });
    expect(await totals(acme)).toEqual({ active: 300, archived: 0 });
    const made = await create(acme, { code: 'T-1', name: 'Totals one' });
    await create(acme, { code: 'T-2', name: 'Totals two' });
    const archive = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/products/${made.id}`,
      headers: acme.users.admin.auth,
    });
    expect(archive.statusCode, archive.body).toBe(204);
    // A rename changes no count.
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `update products set name = name || ' renamed' where tenant_id = $1 and code like 'BRD-1%'`,
        [acme.tenantId],
      ),
    );
    expect(await totals(acme)).toEqual({ active: 301, archived: 1 });
    expect(await totals(acme)).toEqual(await expected(acme));
    // 150 statements of one product each: the tenant's count rows are folded as they pass a hundred.
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `do $$ begin
           for n in 1..150 loop
             insert into products (tenant_id, id, code, name)
             values ('${acme.tenantId}', gen_random_uuid(), 'ONE-' || n, 'One by one ' || n);
           end loop;
         end $$`,
      ),
    );
    expect(await totals(acme)).toEqual({ active: 451, archived: 1 });
    expect(await totals(acme)).toEqual(await expected(acme));
    const rows = await t.database.db.withSystem((tx) =>
      tx.sql.query<{ n: number }>(`select count(*)::int as n from product_counts where tenant_id = $1`, [
        acme.tenantId,
      ]),
    );
    expect(rows.rows[0]!.n).toBeLessThanOrEqual(101);
    // Another tenant's products never count.
    expect(await totals(globex)).toEqual({ active: 1, archived: 0 });
    // A filtered list still counts its rows.
    expect((await list('limit=1&q=totals')).total).toBe(1);
  });
});
