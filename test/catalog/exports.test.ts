import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { pageReader } from '../../src/modules/catalog/imports/export-pages.js';
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
});
