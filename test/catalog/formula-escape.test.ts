import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { escapeFormula, unescapeFormula } from '../../src/platform/bulk/formula-escape.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport } from './imports.helpers.js';

const HYPERLINK = '=HYPERLINK("http://x","y")';

describe('spreadsheet formula injection: every sheet SalesOps writes shows formula-like text as text', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const get = (url: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: fx.users.admin.auth });

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    fx = await identityFixture(t, 'formula');
    const names: [string, string][] = [
      ['F-1', HYPERLINK],
      ['F-2', '-2+3'],
      ['F-3', '@SUM(1,2)'],
      ['F-4', "'=already quoted"],
      ['F-5', 'Plain name'],
    ];
    for (const [code, name] of names) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: fx.users.admin.auth,
        payload: { code, name },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('CSV exports prefix formula-like cells with a quote, and re-import to the original names', async () => {
    const res = await get('/customers/export?format=csv');
    expect(res.statusCode, res.body).toBe(200);
    const rows = parseCsv(res.body);
    const nameAt = rows[0]!.indexOf('name');
    const byCode = new Map(rows.slice(1).map((row) => [row[0], row[nameAt]]));
    expect(byCode.get('F-1')).toBe(`'${HYPERLINK}`);
    expect(byCode.get('F-2')).toBe("'-2+3");
    expect(byCode.get('F-3')).toBe("'@SUM(1,2)");
    expect(byCode.get('F-4')).toBe("''=already quoted");
    expect(byCode.get('F-5')).toBe('Plain name');
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const { run } = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: res.rawPayload },
      { entity: 'customers', mode: 'upsert-by-code' },
    );
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_invalid: 0, rows_updated: 0 });
    const list = await get('/customers?q=F-&limit=10');
    const names = Object.fromEntries(
      list.json<{ customers: { code: string; name: string }[] }>().customers.map((c) => [c.code, c.name]),
    );
    expect(names).toMatchObject({ 'F-1': HYPERLINK, 'F-2': '-2+3', 'F-4': "'=already quoted" });
  });

  it('XLSX exports write formula-like text as quote-prefixed inline string cells, never as formulas', async () => {
    const res = await get('/customers/export?format=xlsx');
    expect(res.statusCode, res.body).toBe(200);
    const zip = await JSZip.loadAsync(res.rawPayload);
    const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    expect(sheetXml).not.toContain('<f>');
    expect(sheetXml).not.toContain('>=HYPERLINK');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const codeColumn = header.indexOf('code');
    const nameColumn = header.indexOf('name');
    const cells = new Map<string, ExcelJS.Cell>();
    sheet.eachRow((row, number) => {
      if (number > 1) cells.set(String(row.getCell(codeColumn).value), row.getCell(nameColumn));
    });
    for (const [code, shown] of [
      ['F-1', `'${HYPERLINK}`],
      ['F-2', "'-2+3"],
    ] as const) {
      const cell = cells.get(code)!;
      expect(cell.formula).toBeUndefined();
      expect([ExcelJS.ValueType.String, ExcelJS.ValueType.RichText]).toContain(cell.type);
      expect(cell.text).toBe(shown);
    }
    expect(cells.get('F-5')!.text).toBe('Plain name');
  });

  it('import error reports escape the rejected values they echo', async () => {
    const csv = [
      'code,name,is_supplier',
      `E-1,Bad,"${HYPERLINK.replaceAll('"', '""')}"`,
      'E-2,Worse,-2+3',
    ].join('\n');
    const { run } = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: csv },
      { entity: 'customers', mode: 'insert' },
    );
    expect(run!.status).toBe('completed');
    expect(run!.progress.rows_invalid).toBe(2);
    const report = await get(`/imports/${run!.id}/errors?format=csv`);
    expect(report.statusCode).toBe(200);
    const rows = parseCsv(report.body);
    expect(rows.slice(1).map((row) => row[4])).toEqual([`'${HYPERLINK}`, "'-2+3"]);
    // The JSON view shows the value as it was in the file.
    const json = await get(`/imports/${run!.id}/errors`);
    expect(json.json<{ errors: { value: string }[] }>().errors.map((e) => e.value)).toEqual([
      HYPERLINK,
      '-2+3',
    ]);
  });

  it('escapes every formula start OWASP lists, leaves plain numbers, and unescapes exactly', () => {
    for (const text of ['=1', '+1+1', '-1-1', '@A1', '\tx', '\rx', "'=x", "''+x"]) {
      expect(escapeFormula(text)).toBe(`'${text}`);
      expect(unescapeFormula(escapeFormula(text))).toBe(text);
    }
    for (const text of ['-12.50', '+3', '1e5', 'plain', "it's", "'quoted", '']) {
      expect(escapeFormula(text)).toBe(text);
      expect(unescapeFormula(text)).toBe(text);
    }
  });
});
