import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport, type ImportRun } from './imports.helpers.js';

type Product = {
  id: string;
  code: string;
  name: string;
  folder_id: string | null;
  brand_id: string | null;
  barcodes: string[];
  prices: { price_type_id: string; amount: string }[];
  updated_at: string;
};

describe('catalog: importing products and outlets, exports that re-import', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let other: IdentityFixture;
  let retail: string;
  let drinks: string;
  let brand: string;

  const admin = () => acme.users.admin;
  const call = (method: 'GET' | 'POST', url: string, payload?: object, who = admin()) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: who.auth, payload });
  const created = async (url: string, payload: object) => {
    const res = await call('POST', url, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const importAs = (bytes: Buffer | string, fields: Record<string, string>, name = 'data.csv') =>
    runImport(t, admin(), acme.tenantId, { bytes, name }, fields).then((r) => r.run!);
  const product = async (code: string) =>
    (await call('GET', `/products?q=${code}`))
      .json<{ products: Product[] }>()
      .products.find((p) => p.code === code);

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
    other = await identityFixture(t, 'other');
    retail = await created('/products/price-types', { name: 'Retail', currency: 'UZS' });
    await created('/products/price-types', { name: 'Wholesale', currency: 'UZS' });
    drinks = await created('/products/folders', { name: 'Drinks', code: 'DRINKS' });
    brand = await created('/brands', { name: 'Sunny', code: 'SUNNY' });
  });
  afterAll(() => t.close());

  it('imports products with folder and brand codes, barcodes and a price column per price type', async () => {
    const template = parseCsv((await call('GET', '/products/import-template')).body)[0]!;
    expect(template.slice(-2)).toEqual(['price:Retail', 'price:Wholesale']);
    const csv = [
      'code,name,folder_code,brand_code,barcodes,vat_rate,price:Retail',
      'PR-1,Juice,DRINKS,SUNNY,4780000000017|4780000000024,12,"15000,50"',
      'PR-2,Water,NOPE,,,,',
      'PR-3,Tea,,GHOST,,,',
      'PR-4,Soda,DRINKS,,4780000000017,,',
      'PR-5,Cola,,,bad barcode!,,',
      'PR-6,Milk,,,,,12.345',
    ].join('\n');
    const run = await importAs(csv, { entity: 'products' });
    expect(run.progress).toMatchObject({ rows_read: 6, rows_created: 1, rows_invalid: 5 });
    const errors = (await call('GET', `/imports/${run.id}/errors`)).json<{
      errors: ImportRun['first_errors'];
    }>().errors;
    expect(errors.map((e) => [e.row_number, e.column, e.code])).toEqual([
      [3, 'folder_code', 'REFERENCE_UNKNOWN'],
      [4, 'brand_code', 'REFERENCE_UNKNOWN'],
      [5, 'barcodes', 'DUPLICATE_IN_FILE'],
      [6, 'barcodes', 'VALUE_INVALID'],
      [7, 'prices', 'VALUE_INVALID'],
    ]);
    expect(await product('PR-1')).toMatchObject({
      folder_id: drinks,
      brand_id: brand,
      barcodes: ['4780000000017', '4780000000024'],
      prices: [{ price_type_id: retail, amount: '15000.50' }],
    });
  });

  it('rejects a barcode that belongs to another product and replaces barcodes and prices on upsert', async () => {
    await importAs('code,name,barcodes\nBC-1,Owner,4600000000011\n', { entity: 'products' });
    const taken = await importAs('code,name,barcodes\nBC-2,Thief,4600000000011\n', { entity: 'products' });
    expect(taken.first_errors[0]).toMatchObject({ row_number: 2, code: 'BARCODE_TAKEN', column: 'barcodes' });

    await importAs('code,name,barcodes,price:Retail,price:Wholesale\nBC-3,Swap,4600000000028,100,90\n', {
      entity: 'products',
    });
    const upsert = await importAs('code,name,barcodes,price:Retail\nBC-3,Swap,4600000000035,\n', {
      entity: 'products',
      mode: 'upsert-by-code',
    });
    expect(upsert.progress).toMatchObject({ rows_updated: 1, rows_unchanged: 0 });
    const swapped = await product('BC-3');
    expect(swapped!.barcodes).toEqual(['4600000000035']);
    // Retail was emptied (removed); Wholesale was not in the file and stays.
    expect(swapped!.prices.map((p) => p.amount)).toEqual(['90.00']);
  });

  it('imports outlets resolving org unit and customer codes, and validates coordinates', async () => {
    await created('/org-units', { name: 'North', code: 'NORTH' });
    await created('/customers', { code: 'CHAIN-1', name: 'Chain' });
    const csv = [
      'code,name,latitude,longitude,org_unit_code,customer_code,geofence_radius_m',
      'OUT-1,Shop one,41.31,69.28,NORTH,CHAIN-1,',
      'OUT-2,Shop two,91,69.28,,,',
      'OUT-3,Shop three,41.3,,,,',
      'OUT-4,Shop four,,,SOUTH,,',
      'OUT-5,Shop five,,,,,-5',
    ].join('\n');
    const run = await importAs(csv, { entity: 'outlets' });
    expect(run.first_errors.map((e) => [e.row_number, e.column, e.code])).toEqual([
      [3, 'latitude', 'VALUE_INVALID'],
      [4, 'longitude', 'VALUE_INVALID'],
      [5, 'org_unit_code', 'REFERENCE_UNKNOWN'],
      [6, 'geofence_radius_m', 'VALUE_INVALID'],
    ]);
    const outlets = (await call('GET', '/outlets?q=OUT-1')).json<{ outlets: Record<string, unknown>[] }>()
      .outlets;
    expect(outlets[0]).toMatchObject({
      code: 'OUT-1',
      geofence_radius_m: 100,
      type: 'store',
      latitude: 41.31,
    });
    expect(outlets[0]!.org_unit_id).toBeTruthy();
    expect(outlets[0]!.customer_id).toBeTruthy();
  });

  it('refuses negative prices and names the code a reference was looked up by', async () => {
    const api = await call('POST', '/products', {
      code: 'NEG-API',
      name: 'Negative',
      prices: [{ price_type_id: retail, amount: '-5.00' }],
    });
    expect(api.statusCode, api.body).toBe(422);
    expect(api.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/prices/0/amount',
    ]);
    const run = await importAs(
      [
        'code,name,folder_code,brand_code,price:Retail',
        'NEG-1,Refund,,,-5.00',
        'NEG-2,Ghost,NOPE,,',
        'NEG-3,Free,,,0',
      ].join('\n'),
      { entity: 'products' },
    );
    expect(run.progress).toMatchObject({ rows_read: 3, rows_invalid: 2, rows_created: 1 });
    expect(run.first_errors.map((e) => [e.row_number, e.column, e.code, e.message])).toEqual([
      [2, 'prices', 'VALUE_INVALID', expect.any(String)],
      [3, 'folder_code', 'REFERENCE_UNKNOWN', 'no folder with code "NOPE"'],
    ]);
    expect(await product('NEG-1')).toBeUndefined();
    expect((await product('NEG-3'))!.prices).toEqual([
      { price_type_id: retail, amount: '0.00', currency: 'UZS' },
    ]);

    const outlets = await importAs(
      ['code,name,org_unit_code,customer_code', 'REF-1,One,SOUTH,', 'REF-2,Two,,NO-CHAIN'].join('\n'),
      { entity: 'outlets' },
    );
    expect(outlets.first_errors.map((e) => [e.column, e.message])).toEqual([
      ['org_unit_code', 'no org unit with code "SOUTH"'],
      ['customer_code', 'no customer with code "NO-CHAIN"'],
    ]);
  });

  it('exports honour the list filters and re-import without changes (CSV and XLSX)', async () => {
    for (const entity of ['products', 'outlets', 'customers']) {
      for (const format of ['csv', 'xlsx'] as const) {
        const exported = await call('GET', `/${entity}/export?format=${format}`);
        expect(exported.statusCode, exported.body).toBe(200);
        expect(exported.headers['content-disposition']).toContain(`${entity}-`);
        const again = await importAs(exported.rawPayload, { entity, mode: 'upsert-by-code' }, `e.${format}`);
        expect(again.status, JSON.stringify(again)).toBe('completed');
        expect(again.progress.rows_invalid, JSON.stringify(again.first_errors)).toBe(0);
        expect(again.progress.rows_read).toBeGreaterThan(0);
        expect(again.progress).toMatchObject({ rows_written: 0, rows_unchanged: again.progress.rows_read });
      }
    }
    const juice = parseCsv((await call('GET', '/products/export?q=Juice')).body);
    expect(juice).toHaveLength(2);
    expect(juice[1]!.slice(0, 6)).toEqual(['PR-1', 'Juice', '', '', 'DRINKS', 'SUNNY']);
    expect((await call('GET', '/products/export?format=pdf')).statusCode).toBe(422);
  });

  it('exports need read permission and never show another tenant’s rows', async () => {
    const theirs = parseCsv((await call('GET', '/products/export', undefined, other.users.admin)).body);
    expect(theirs).toHaveLength(1); // the header only
    expect((await call('GET', '/customers/export', undefined, acme.users.agent)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/customers/export' })).statusCode).toBe(401);
  });
});

describe('catalog: imports run as jobs', () => {
  let t: TestApp;
  let acme: IdentityFixture;

  beforeAll(async () => {
    t = await createTestApp({
      config: { workers: true },
      deps: { modules: [identityModule, catalogModule], jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  it('a queued import is picked up by a worker and completes', async () => {
    const { multipart } = await import('../harness/multipart.js');
    const { payload, contentType } = multipart(
      { name: 'c.csv', type: 'text/csv', bytes: Buffer.from('code,name\nJOB-1,Queued\n') },
      { entity: 'customers' },
    );
    const headers = acme.users.admin.auth;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...headers, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/imports/${res.json().id}`);
    let run: ImportRun | undefined;
    for (let i = 0; i < 100 && run?.status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = (
        await t.app.inject({ method: 'GET', url: res.headers.location as string, headers })
      ).json<ImportRun>();
    }
    expect(run).toMatchObject({ status: 'completed', progress: { rows_created: 1 } });
  });
});
