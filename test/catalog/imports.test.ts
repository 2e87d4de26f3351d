import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { multipart } from '../harness/multipart.js';
import {
  FIXTURE_ROLES,
  identityFixture,
  type FixtureRole,
  type IdentityFixture,
} from '../identity/fixtures.js';
import { parseCsv, runImport, xlsx, type ImportError } from './imports.helpers.js';

const IMPORT_LIMIT = 64 * 1024;

describe('catalog: bulk import engine (customers)', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let other: IdentityFixture;

  const admin = () => acme.users.admin;
  const importAs = (file: Parameters<typeof runImport>[3], fields: Record<string, string>, who = admin()) =>
    runImport(t, who, acme.tenantId, file, fields);
  const get = (url: string, who = admin()) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who.auth });
  const customerByCode = async (code: string) => {
    const res = await get(`/customers?q=${encodeURIComponent(code)}&archived=false`);
    return res.json<{ customers: Record<string, unknown>[] }>().customers.find((c) => c.code === code);
  };
  const errorsOf = async (id: string) =>
    (await get(`/imports/${id}/errors?limit=500`)).json<{ errors: ImportError[]; total: number }>();

  beforeAll(async () => {
    t = await createTestApp({
      config: { importLimitBytes: IMPORT_LIMIT },
      deps: { modules: [identityModule, catalogModule] },
    });
    acme = await identityFixture(t, 'acme');
    other = await identityFixture(t, 'other');
  });
  afterAll(() => t.close());

  it('imports valid rows, reports each bad row with its row number and column, and lists them as CSV', async () => {
    const csv = [
      'code,name,email,tags,is_supplier,contract_start,contract_end,owner_email',
      `IMP-1,Alpha,alpha@example.com,vip|north,no,2026-01-01,2026-12-31,${admin().email.toUpperCase()}`,
      'IMP-2,Beta,not-an-email,,,,,',
      'IMP-3,Gamma,,,,2026-05-01,2026-04-01,',
      'IMP-4,Delta,,,maybe,,,',
      'IMP-5,Epsilon,,,,,,nobody@nowhere.test',
      '',
      'IMP-6,Zeta,zeta@example.com,,,,,',
    ].join('\n');
    const { run } = await importAs({ bytes: csv }, { entity: 'customers', mode: 'insert' });
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({
      rows_read: 6,
      rows_valid: 2,
      rows_invalid: 4,
      rows_written: 2,
      rows_created: 2,
    });
    const errors = await errorsOf(run!.id);
    expect(errors.errors.map((e) => [e.row_number, e.column, e.code])).toEqual([
      [3, 'email', 'VALUE_INVALID'],
      [4, 'contract_end', 'VALUE_INVALID'],
      [5, 'is_supplier', 'CELL_INVALID'],
      [6, 'owner_email', 'REFERENCE_UNKNOWN'],
    ]);
    expect(run!.first_errors).toHaveLength(4);
    const alpha = await customerByCode('IMP-1');
    expect(alpha).toMatchObject({
      name: 'Alpha',
      tags: ['vip', 'north'],
      is_supplier: false,
      owner_id: admin().id,
    });
    expect(await customerByCode('IMP-6')).toMatchObject({
      name: 'Zeta',
      status: 'active',
      is_customer: true,
    });
    expect(await customerByCode('IMP-2')).toBeUndefined();

    const csvRes = await get(`/imports/${run!.id}/errors?format=csv`);
    expect(csvRes.statusCode).toBe(200);
    expect(csvRes.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(csvRes.body);
    expect(rows[0]).toEqual(['row_number', 'column', 'code', 'message', 'value']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['3', '4', '5', '6']);
    expect(rows[1]![4]).toBe('not-an-email');
  });

  it('refuses exactly what POST /customers refuses, and names what a reference was looked up by', async () => {
    // The API's answer for the same values, so the two cannot drift apart unnoticed.
    for (const [field, value] of [
      ['email', 'bad@example'],
      ['contract_value', '-100.00'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: admin().auth,
        payload: { code: `API-${field}`, name: 'Refused', [field]: value },
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
        `/body/${field}`,
      ]);
    }
    const csv = [
      'code,name,email,contract_value,contract_start,contract_end,owner_email',
      'SAME-1,Dotless,bad@example,,,,',
      'SAME-2,Negative,,-100.00,,,',
      'SAME-3,Backwards,,,2026-05-01,2026-04-01,',
      'SAME-4,Nobody,,,,,ghost@nowhere.test',
      'SAME-5,Fine,fine@example.com,0.00,2026-01-01,2026-01-01,',
    ].join('\n');
    const { run } = await importAs({ bytes: csv }, { entity: 'customers', mode: 'insert' });
    expect(run!.progress).toMatchObject({ rows_read: 5, rows_invalid: 4, rows_created: 1 });
    const errors = await errorsOf(run!.id);
    expect(errors.errors.map((e) => [e.row_number, e.column, e.code, e.value])).toEqual([
      [2, 'email', 'VALUE_INVALID', 'bad@example'],
      [3, 'contract_value', 'VALUE_INVALID', '-100.00'],
      [4, 'contract_end', 'VALUE_INVALID', null],
      [5, 'owner_email', 'REFERENCE_UNKNOWN', 'ghost@nowhere.test'],
    ]);
    expect(errors.errors[2]!.message).toBe('must not be before contract_start');
    expect(errors.errors[3]!.message).toBe('no user with e-mail "ghost@nowhere.test"');
    for (const code of ['SAME-1', 'SAME-2', 'SAME-3', 'SAME-4'])
      expect(await customerByCode(code)).toBeUndefined();
    expect(await customerByCode('SAME-5')).toMatchObject({
      email: 'fine@example.com',
      contract_value: '0.00',
    });
  });

  it('reads semicolon-separated CSV with a BOM and decimal commas', async () => {
    const csv = '\uFEFFcode;name;contract_value;industry\r\nSEMI-1;"Semi; colon";1250,50;Retail\r\n';
    const { run } = await importAs({ bytes: csv }, { entity: 'customers' });
    expect(run!.status).toBe('completed');
    expect(await customerByCode('SEMI-1')).toMatchObject({
      name: 'Semi; colon',
      contract_value: '1250.50',
      industry: 'Retail',
    });
  });

  it('rejects a code used twice in one file on the later row', async () => {
    const csv = 'code,name\nDUP-1,First\nDUP-2,Other\nDUP-1,Second\n';
    const { run } = await importAs({ bytes: csv }, { entity: 'customers' });
    expect(run!.progress).toMatchObject({ rows_valid: 2, rows_invalid: 1 });
    expect(run!.first_errors[0]).toMatchObject({ row_number: 4, column: 'code', code: 'DUPLICATE_IN_FILE' });
    expect(run!.first_errors[0]!.message).toContain('row 2');
    expect(await customerByCode('DUP-1')).toMatchObject({ name: 'First' });
  });

  it('insert mode rejects existing codes; upsert-by-code updates them and a re-import changes nothing', async () => {
    const csv = 'code,name,tags\nUPS-1,One,a|b\nUPS-2,Two,\n';
    expect((await importAs({ bytes: csv }, { entity: 'customers' })).run!.progress.rows_created).toBe(2);
    const again = (await importAs({ bytes: csv }, { entity: 'customers', mode: 'insert' })).run!;
    expect(again.progress).toMatchObject({ rows_invalid: 2, rows_written: 0 });
    expect(again.first_errors.map((e) => e.code)).toEqual(['CODE_EXISTS', 'CODE_EXISTS']);

    const before = await customerByCode('UPS-1');
    const same = (await importAs({ bytes: csv }, { entity: 'customers', mode: 'upsert-by-code' })).run!;
    expect(same.progress).toMatchObject({
      rows_valid: 2,
      rows_written: 0,
      rows_created: 0,
      rows_updated: 0,
      rows_unchanged: 2,
    });
    expect(await customerByCode('UPS-1')).toEqual(before);

    const changed = 'code,name\nUPS-1,One renamed\nUPS-3,Three\n';
    const upsert = (await importAs({ bytes: changed }, { entity: 'customers', mode: 'upsert-by-code' })).run!;
    expect(upsert.progress).toMatchObject({ rows_created: 1, rows_updated: 1, rows_unchanged: 0 });
    // Columns the file does not have are left alone.
    expect(await customerByCode('UPS-1')).toMatchObject({ name: 'One renamed', tags: ['a', 'b'] });
  });

  it('a dry run validates and counts but writes nothing', async () => {
    const csv = 'code,name\nDRY-1,Dry one\nDRY-2,Dry two\n,No code\n';
    const { run } = await importAs({ bytes: csv }, { entity: 'customers', dry_run: 'true' });
    expect(run).toMatchObject({ status: 'completed', dry_run: true });
    expect(run!.progress).toMatchObject({ rows_valid: 2, rows_invalid: 1, rows_written: 0, rows_created: 2 });
    expect(await customerByCode('DRY-1')).toBeUndefined();
  });

  it('all-or-nothing fails the whole run when any row is invalid', async () => {
    const csv = 'code,name,email\nAON-1,Fine,\nAON-2,Bad,@@\n';
    const { run } = await importAs({ bytes: csv }, { entity: 'customers', all_or_nothing: 'true' });
    expect(run).toMatchObject({ status: 'failed', error: { code: 'ROWS_INVALID' } });
    expect(run!.progress.rows_written).toBe(0);
    expect(run!.first_errors[0]).toMatchObject({ row_number: 3, column: 'email' });
    expect(await customerByCode('AON-1')).toBeUndefined();
  });

  it('imports XLSX, with numbers and dates typed as cells', async () => {
    const bytes = await xlsx([
      ['Code', 'Name', 'contract_value', 'contract_start', 'is_customer'],
      ['XL-1', 'Excel one', 990.5, new Date(Date.UTC(2026, 2, 15)), true],
      [null, null, null, null, null],
      ['XL-2', 'Excel two', null, null, false],
    ]);
    const { run } = await importAs(
      { bytes, name: 'customers.xlsx', type: 'application/octet-stream' },
      { entity: 'customers' },
    );
    expect(run).toMatchObject({ status: 'completed', format: 'xlsx' });
    expect(run!.progress).toMatchObject({ rows_read: 2, rows_created: 2 });
    expect(await customerByCode('XL-1')).toMatchObject({
      contract_value: '990.50',
      contract_start: '2026-03-15',
    });
    expect(await customerByCode('XL-2')).toMatchObject({ is_customer: false });
  });

  it('reads an XLSX written by a streaming writer (its ZIP entries sniff as a plain ZIP)', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
    const sheet = book.addWorksheet('Customers');
    sheet.addRow(['code', 'name']).commit();
    sheet.addRow(['ZIP-1', 'Streamed']).commit();
    sheet.commit();
    await book.commit();
    const { run } = await importAs({ bytes: Buffer.concat(chunks), name: 's.xlsx' }, { entity: 'customers' });
    expect(run).toMatchObject({ status: 'completed', format: 'xlsx', progress: { rows_created: 1 } });
  });

  it('fails a run whose header is missing, unknown or repeated, or whose rows are too long', async () => {
    const cases: [string, string][] = [
      ['name\nNo code\n', 'COLUMNS_MISSING'],
      ['code,name,colour\nC-1,X,red\n', 'COLUMNS_UNKNOWN'],
      ['code,name,Name\nC-1,X,Y\n', 'COLUMNS_DUPLICATED'],
      ['\n\n  \n', 'FILE_EMPTY'],
    ];
    for (const [csv, code] of cases) {
      const { run } = await importAs({ bytes: csv }, { entity: 'customers' });
      expect(run, csv).toMatchObject({ status: 'failed', error: { code } });
    }
    const long = (
      await importAs({ bytes: 'code,name\nL-1,Long,extra\nL-2,Fine,\n' }, { entity: 'customers' })
    ).run!;
    expect(long.first_errors[0]).toMatchObject({ row_number: 2, code: 'ROW_TOO_LONG' });
    const headerOnly = (await importAs({ bytes: 'code,name\n' }, { entity: 'customers' })).run!;
    expect(headerOnly).toMatchObject({ status: 'completed', progress: { rows_read: 0 } });
  });

  it('rejects an empty file, a file that is not a spreadsheet, a broken XLSX and one over the size limit', async () => {
    const empty = await importAs({ bytes: '' }, { entity: 'customers' });
    expect(empty.res.statusCode).toBe(422);
    expect(empty.res.json().code).toBe('IMPORT_FILE_EMPTY');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077', 'hex');
    const notSheet = await importAs({ bytes: png, name: 'x.csv' }, { entity: 'customers' });
    expect(notSheet.res.statusCode).toBe(415);
    const big = await importAs(
      { bytes: `code,name\n${'X-1,'.padEnd(IMPORT_LIMIT, 'y')}\n` },
      { entity: 'customers' },
    );
    expect(big.res.statusCode).toBe(413);
    const good = await xlsx([
      ['code', 'name'],
      ['B-1', 'Broken'],
    ]);
    const broken = await importAs(
      { bytes: good.subarray(0, good.length - 200), name: 'b.xlsx' },
      { entity: 'customers' },
    );
    expect(broken.run).toMatchObject({ status: 'failed', error: { code: 'FILE_UNREADABLE' } });
  });

  it('validates the form: entity, mode and flags', async () => {
    const send = async (fields: Record<string, string>) => {
      const { payload, contentType } = multipart(
        { name: 'a.csv', type: 'text/csv', bytes: Buffer.from('code,name\n') },
        fields,
      );
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { ...admin().auth, 'content-type': contentType },
        payload,
      });
    };
    expect((await send({})).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/body/entity' }],
    });
    expect((await send({ entity: 'planets' })).statusCode).toBe(422);
    expect((await send({ entity: 'customers', mode: 'merge' })).json().errors[0].path).toBe('/body/mode');
    expect((await send({ entity: 'customers', dry_run: 'perhaps' })).json().errors[0].path).toBe(
      '/body/dry_run',
    );
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: admin().auth,
      payload: { entity: 'customers' },
    });
    expect(json.statusCode).toBe(422);
  });

  it('needs the entity write permission; other users and tenants see no runs', async () => {
    const csv = 'code,name\nPERM-1,Perm\n';
    const agent = await importAs({ bytes: csv }, { entity: 'customers' }, acme.users.agent);
    expect(agent.res.statusCode).toBe(403);
    const mine = (await importAs({ bytes: csv }, { entity: 'customers' })).run!;
    expect((await get(`/imports/${mine.id}`, acme.users.agent)).statusCode).toBe(404);
    expect((await get(`/imports/${mine.id}/errors`, acme.users.agent)).statusCode).toBe(404);
    expect((await get(`/imports/${mine.id}`, other.users.admin)).statusCode).toBe(404);
    expect((await get(`/imports/${mine.id}/errors?format=csv`, other.users.admin)).statusCode).toBe(404);
    expect((await get('/imports', other.users.admin)).json()).toMatchObject({ imports: [], total: 0 });
    const list = (await get('/imports?entity=customers&status=completed')).json<{
      imports: { id: string }[];
    }>();
    expect(list.imports.map((r) => r.id)).toContain(mine.id);
    expect((await get('/imports', acme.users.agent)).json().total).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/imports' })).statusCode).toBe(401);
  });

  it('serves import templates as CSV and XLSX to users who may import', async () => {
    const csv = await get('/customers/import-template');
    expect(csv.statusCode).toBe(200);
    const [header, example] = parseCsv(csv.body);
    expect(header!.slice(0, 2)).toEqual(['code', 'name']);
    expect(example![0]).toBe('C-1001');
    const book = await get('/customers/import-template?format=xlsx');
    expect(book.headers['content-type']).toContain('spreadsheetml');
    expect(book.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await get('/customers/import-template', acme.users.agent)).statusCode).toBe(403);
    // The template imports as it is.
    const { run } = await importAs({ bytes: csv.body }, { entity: 'customers', dry_run: 'true' });
    expect(run!.progress).toMatchObject({ rows_valid: 1, rows_invalid: 0 });
  });

  it('gives each role the import, template and export rights of its permissions', async () => {
    const editors: Record<string, FixtureRole[]> = {
      customers: ['admin', 'national_manager', 'regional_manager', 'area_manager'],
      products: ['admin', 'national_manager'],
    };
    for (const role of FIXTURE_ROLES) {
      const who = acme.users[role];
      for (const entity of ['customers', 'products']) {
        const may = editors[entity]!.includes(role);
        expect((await get(`/${entity}/import-template`, who)).statusCode, `${role} ${entity} template`).toBe(
          may ? 200 : 403,
        );
        expect((await get(`/${entity}/export`, who)).statusCode, `${role} ${entity} export`).toBe(200);
        const { res } = await importAs({ bytes: 'code,name\n' }, { entity, dry_run: 'true' }, who);
        expect(res.statusCode, `${role} ${entity} import`).toBe(may ? 202 : 403);
      }
    }
  });
});
