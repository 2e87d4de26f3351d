import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { multipart } from '../harness/multipart.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { runImport, xlsx } from './imports.helpers.js';

const MAX_RECORD_CHARS = 2048;
const MAX_SHARED_STRINGS = 100;

describe('import reading limits: an oversized record or shared-strings table fails the run clearly', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const importFile = (file: Parameters<typeof runImport>[3]) =>
    runImport(t, fx.users.admin, fx.tenantId, file, { entity: 'customers', mode: 'insert' });

  beforeAll(async () => {
    t = await createTestApp({
      config: {
        importMaxRecordChars: MAX_RECORD_CHARS,
        importMaxSharedStrings: MAX_SHARED_STRINGS,
        importMaxSharedStringChars: 1_000_000,
      },
      deps: { modules: [identityModule, catalogModule] },
    });
    fx = await identityFixture(t, 'limits');
  });
  afterAll(() => t.close());

  it('fails a CSV with one record longer than the limit with CSV_RECORD_TOO_LARGE, writing nothing', async () => {
    const csv = ['code,name', 'OK-1,Fine', `BIG-1,"${'x'.repeat(MAX_RECORD_CHARS * 2)}"`, 'OK-2,Fine'].join(
      '\n',
    );
    const { run } = await importFile({ bytes: csv });
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatchObject({ code: 'CSV_RECORD_TOO_LARGE' });
    expect(run!.error!.message).toContain(String(MAX_RECORD_CHARS));
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customers?q=OK-',
      headers: fx.users.admin.auth,
    });
    expect(list.json<{ total: number }>().total).toBe(0);
  });

  it('fails a CSV whose quote is never closed (one endless record) the same way', async () => {
    const csv = [
      'code,name',
      `OPEN-1,"never closed`,
      ...Array.from({ length: 200 }, (_, i) => `R-${i},Row ${i}`),
    ].join('\n');
    const { run } = await importFile({ bytes: csv });
    expect(run!.error).toMatchObject({ code: 'CSV_RECORD_TOO_LARGE' });
  });

  it('refuses a file name with a NUL character before storing anything', async () => {
    const { payload, contentType } = multipart(
      { name: 'a\u0000b.csv', type: 'text/csv', bytes: Buffer.from('code,name\nC-1,One\n') },
      { entity: 'customers' },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...fx.users.admin.auth, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/body/file' }] });
  });

  it('reads records up to the limit', async () => {
    const csv = ['code,name', `LONG-1,"${'y'.repeat(MAX_RECORD_CHARS - 100)}"`].join('\n');
    const { run } = await importFile({ bytes: csv });
    expect(run!.error).toBeNull();
    expect(run!.progress).toMatchObject({ rows_read: 1 });
  });

  it('fails an XLSX with more shared strings than the limit with XLSX_TOO_MANY_SHARED_STRINGS', async () => {
    const rows = [
      ['code', 'name'],
      ...Array.from({ length: MAX_SHARED_STRINGS }, (_, i) => [`SS-${i}`, `Name ${i}`]),
    ];
    const { run } = await importFile({
      bytes: await xlsx(rows),
      name: 'many.xlsx',
      type: 'application/octet-stream',
    });
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatchObject({ code: 'XLSX_TOO_MANY_SHARED_STRINGS' });
    expect(run!.error!.message).toContain(String(MAX_SHARED_STRINGS));
  });

  it('reads an XLSX whose shared strings stay within the limit', async () => {
    const rows = [['code', 'name'], ...Array.from({ length: 10 }, (_, i) => [`FEW-${i}`, `Name ${i}`])];
    const { run } = await importFile({
      bytes: await xlsx(rows),
      name: 'few.xlsx',
      type: 'application/octet-stream',
    });
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_created: 10 });
  });
});
