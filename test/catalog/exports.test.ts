import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { pageReader } from '../../src/platform/db/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import type { Tx } from '../../src/platform/db/types.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport } from './imports.helpers.js';

const ORIGINALS = 4500; // three export pages of 2,000
const code = (i: number) => `EXP-${String(i).padStart(5, '0')}`;

describe('catalog exports: keyset pages', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  const admin = () => acme.users.admin;
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: admin().auth, payload });

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
    const csv = [
      'code,name',
      ...Array.from({ length: ORIGINALS }, (_, i) => `${code(i + 1)},Original ${i + 1}`),
    ];
    const { run } = await runImport(
      t,
      admin(),
      acme.tenantId,
      { bytes: csv.join('\n') },
      { entity: 'customers' },
    );
    expect(run!.progress.rows_created).toBe(ORIGINALS);
  }, 120_000);
  afterAll(() => t.close());

  it('visits every row exactly once, in code order, while rows are inserted and updated meanwhile', async () => {
    const byCode = new Map<string, string>();
    for (const c of [code(1), code(2100), code(4400)]) {
      const res = await send('GET', `/customers?q=${c}`);
      byCode.set(c, res.json<{ customers: { id: string; code: string }[] }>().customers[0]!.id);
    }
    const exported = send('GET', '/customers/export?format=csv');
    // Writes racing the export: new codes before, between and after its pages; renamed rows.
    const writes = await Promise.all([
      send('POST', '/customers', { code: 'EXP-00000', name: 'Inserted first' }),
      send('POST', '/customers', { code: `${code(2000)}a`, name: 'Inserted between pages' }),
      send('POST', '/customers', { code: 'EXP-99999', name: 'Inserted last' }),
      ...[...byCode.values()].map((id) => send('PUT', `/customers/${id}`, { name: 'Renamed' })),
    ]);
    for (const res of writes) expect(res.statusCode, res.body).toBeLessThan(300);
    const res = await exported;
    expect(res.statusCode).toBe(200);
    const codes = parseCsv(res.body)
      .slice(1)
      .map((row) => row[0]!);
    expect(new Set(codes).size).toBe(codes.length); // no row twice
    expect([...codes].sort()).toEqual(codes); // code order
    const originals = Array.from({ length: ORIGINALS }, (_, i) => code(i + 1));
    const seen = new Set(codes);
    expect(originals.filter((c) => !seen.has(c))).toEqual([]); // no gaps
  });

  it('PostgreSQL pages share one snapshot; PGlite pages are short transactions of their own', async () => {
    const db = t.app.platform.db;
    const ctx = { tenantId: acme.tenantId, userId: admin().id };
    const reader = pageReader(db, ctx);
    const countLate = (tx: Tx) =>
      tx.sql.query<{ n: number }>(`select count(*)::int as n from customers where code = 'EXP-LATE'`);
    try {
      expect((await reader.read(countLate)).rows[0]!.n).toBe(0);
      // Another request commits a row while the export is between pages.
      const created = await send('POST', '/customers', { code: 'EXP-LATE', name: 'Late' });
      expect(created.statusCode).toBe(201);
      const later = (await reader.read(countLate)).rows[0]!.n;
      expect(later).toBe(db.driver === 'postgres' ? 0 : 1);
      if (db.driver === 'postgres') {
        // Read only: the snapshot cannot write.
        await expect(
          reader.read((tx) => tx.sql.query(`update customers set name = 'x' where code = 'EXP-LATE'`)),
        ).rejects.toThrow(/read-only/);
      }
    } finally {
      await reader.close();
    }
  });

  it('a filter error is a 422 before the download starts', async () => {
    const res = await send('GET', '/products/export?min_price=1');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  /** A problem document naming exactly these pointers, and not a byte of a file. */
  const expectRefused = async (url: string, pointers: string[]) => {
    const res = await send('GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['content-disposition']).toBeUndefined();
    const problem = res.json<{ code: string; errors: { path: string }[] }>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.path)).toEqual(pointers);
    // The list answers the same filter the same way.
    const list = await send('GET', url.replace('/export', '').replace(/format=\w+&?/, ''));
    expect(list.statusCode, list.body).toBe(422);
    expect(list.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(pointers);
  };

  it('every export checks its filters as its list does, before the first byte', async () => {
    const priceType = await send('POST', '/products/price-types', { name: 'Export retail', currency: 'EUR' });
    const pt = priceType.json<{ id: string }>().id;
    for (const format of ['csv', 'xlsx']) {
      await expectRefused(`/products/export?format=${format}&price_type=${pt}&min_price=-1`, [
        '/query/min_price',
      ]);
      await expectRefused(`/products/export?format=${format}&min_price=1`, ['/query/price_type']);
      await expectRefused(`/products/export?format=${format}&price_type=${pt}&min_price=9&max_price=1`, [
        '/query/max_price',
      ]);
      await expectRefused(`/products/export?format=${format}&q=a%00b`, ['/query/q']);
      await expectRefused(`/customers/export?format=${format}&status=gone`, ['/query/status']);
      await expectRefused(`/customers/export?format=${format}&industry=a%00b`, ['/query/industry']);
      await expectRefused(`/outlets/export?format=${format}&near=95,10`, ['/query/near']);
      await expectRefused(`/outlets/export?format=${format}&q=%00`, ['/query/q']);
    }
    const fine = await send('GET', `/products/export?price_type=${pt}&min_price=0`);
    expect(fine.statusCode, fine.body).toBe(200);
  });

  it('a failure in the first page is a problem document, not a 200 cut short', async () => {
    const db = t.app.platform.db;
    const withTenant = db.withTenant.bind(db);
    // The export's transactions cannot query. Customers have a fixed header (no query), so what
    // fails is the first page's read, on either driver.
    const spy = vi.spyOn(db, 'withTenant').mockImplementation(((ctx, fn, options) =>
      withTenant(
        ctx,
        (tx) =>
          fn(
            new Proxy(tx, {
              get: (target, key) => {
                if (key === 'db' || key === 'sql') throw new Error('first page failed');
                return Reflect.get(target, key) as unknown;
              },
            }),
          ),
        options,
      )) as typeof db.withTenant);
    try {
      const res = await send('GET', '/customers/export?format=csv');
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.json()).toMatchObject({ status: 500 });
    } finally {
      spy.mockRestore();
    }
    // The connection went back: the next export works.
    const again = await send('GET', '/customers/export?format=csv&q=EXP-0000');
    expect(again.statusCode).toBe(200);
    expect(parseCsv(again.body).length).toBeGreaterThan(1);
  });
});
