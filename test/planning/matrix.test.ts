import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport, xlsx } from '../catalog/imports.helpers.js';
import { client, createCustomer, createProduct, expectStatus, planningApp } from './helpers.js';

type Row = {
  id: string;
  customer_id: string;
  product_id: string;
  product_code: string;
  price: string;
  currency: string;
  rep_id: string | null;
  is_active: boolean;
};
type Listed = { product_customer_matrix: Row[] };

describe('customer–product matrix', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;
  let customer: { id: string; code: string };
  let products: { id: string; code: string }[];

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'matrix');
    api = client(t);
    admin = fx.users.admin.auth;
    customer = await createCustomer(t, admin);
    products = [];
    for (let i = 0; i < 4; i++) products.push(await createProduct(t, admin));
  });
  afterAll(() => t.close());

  it('creates, reads, changes and deletes a row; a pair exists once (409 MATRIX_ROW_EXISTS)', async () => {
    const row = await api.ok<Row>(
      'POST',
      '/product-customer-matrix',
      admin,
      { customer_id: customer.id, product_id: products[0]!.id, price: '12.50', rep_id: fx.users.agent.id },
      201,
    );
    expect(row).toMatchObject({
      price: '12.50',
      currency: 'USD',
      is_active: true,
      rep_id: fx.users.agent.id,
    });
    expect(await api.ok('GET', `/product-customer-matrix/${row.id}`, fx.users.agent.auth)).toMatchObject({
      id: row.id,
      product_code: products[0]!.code,
    });
    expectStatus(
      await api.call('POST', '/product-customer-matrix', admin, {
        customer_id: customer.id,
        product_id: products[0]!.id,
        price: '1.00',
      }),
      409,
      'MATRIX_ROW_EXISTS',
    );
    const changed = await api.ok<Row>('PUT', `/product-customer-matrix/${row.id}`, admin, {
      price: '13.00',
      currency: 'EUR',
      is_active: false,
    });
    expect(changed).toMatchObject({ price: '13.00', currency: 'EUR', is_active: false });
    expectStatus(await api.call('DELETE', `/product-customer-matrix/${row.id}`, admin), 204);
    expectStatus(await api.call('GET', `/product-customer-matrix/${row.id}`, admin), 404);
  });

  it('refuses bad input with 422 naming the field', async () => {
    const body = { customer_id: customer.id, product_id: products[1]!.id, price: '1.00' };
    for (const [patch, path] of [
      [{ price: '1.005' }, '/body/price'],
      [{ price: '-1.00' }, '/body/price'],
      [{ currency: 'usd' }, '/body/currency'],
      [{ customer_id: fx.users.agent.id }, '/body/customer_id'],
      [{ product_id: customer.id }, '/body/product_id'],
      [{ rep_id: customer.id }, '/body/rep_id'],
    ] as const) {
      const res = expectStatus(
        await api.call('POST', '/product-customer-matrix', admin, { ...body, ...patch }),
        422,
      );
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    }
  });

  it('scopes rows by rep and keeps writes to admins', async () => {
    const mine = await api.ok<Row>(
      'POST',
      '/product-customer-matrix',
      admin,
      { customer_id: customer.id, product_id: products[1]!.id, price: '2.00', rep_id: fx.users.agent.id },
      201,
    );
    const theirs = await api.ok<Row>(
      'POST',
      '/product-customer-matrix',
      admin,
      {
        customer_id: customer.id,
        product_id: products[2]!.id,
        price: '3.00',
        rep_id: fx.users.team_leader.id,
      },
      201,
    );
    const agent = fx.users.agent.auth;
    const seen = (await api.ok<Listed>('GET', '/product-customer-matrix?limit=500', agent))
      .product_customer_matrix;
    expect(seen.map((r) => r.id)).toEqual([mine.id]);
    expectStatus(await api.call('GET', `/product-customer-matrix/${theirs.id}`, agent), 404);
    expectStatus(await api.call('PUT', `/product-customer-matrix/${mine.id}`, agent, { price: '9.00' }), 403);
    expectStatus(await api.call('DELETE', `/product-customer-matrix/${mine.id}`, agent), 403);
    expectStatus(
      await api.call('POST', '/product-customer-matrix', agent, {
        customer_id: customer.id,
        product_id: products[3]!.id,
        price: '1.00',
      }),
      403,
    );
    const filtered = await api.ok<Listed>(
      'GET',
      `/product-customer-matrix?rep_id=${fx.users.team_leader.id}&q=${products[2]!.code}`,
      admin,
    );
    expect(filtered.product_customer_matrix.map((r) => r.id)).toEqual([theirs.id]);
  });

  it('imports an XLSX file (upsert by customer and product) and exports it back', async () => {
    const bytes = await xlsx([
      ['customer_code', 'product_code', 'price', 'currency', 'rep_email', 'is_active'],
      [customer.code, products[1]!.code, '2.25', null, fx.users.agent.email, true],
      [customer.code, products[3]!.code, '4.00', 'EUR', fx.users.agent.email, 'no'],
      [customer.code, 'NOPE', '4.00', null, null, null],
      [customer.code, products[3]!.code, '4.10', null, null, null],
      [customer.code, products[0]!.code, '4.123', null, null, null],
    ]);
    const { run } = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes, name: 'matrix.xlsx', type: 'application/octet-stream' },
      { entity: 'product_customer_matrix', mode: 'upsert-by-code' },
    );
    expect(run).toMatchObject({ status: 'completed' });
    expect(run!.progress).toMatchObject({ rows_created: 1, rows_updated: 1, rows_invalid: 3 });
    expect(run!.first_errors.map((e) => [e.row_number, e.column, e.code])).toEqual([
      [4, 'product_code', 'REFERENCE_UNKNOWN'],
      [5, 'product_code', 'DUPLICATE_IN_FILE'],
      [6, 'price', expect.any(String)],
    ]);
    const rows = (
      await api.ok<Listed>(`GET`, `/product-customer-matrix?customer_id=${customer.id}&limit=500`, admin)
    ).product_customer_matrix;
    expect(rows.find((r) => r.product_id === products[1]!.id)).toMatchObject({ price: '2.25' });
    expect(rows.find((r) => r.product_id === products[3]!.id)).toMatchObject({
      price: '4.00',
      currency: 'EUR',
      is_active: false,
    });

    const csv = expectStatus(
      await api.call('GET', '/product-customer-matrix/export?format=csv', fx.users.agent.auth),
      200,
    );
    const cells = parseCsv(csv.body);
    expect(cells[0]!.slice(0, 6)).toEqual([
      'customer_code',
      'product_code',
      'price',
      'currency',
      'rep_email',
      'is_active',
    ]);
    expect(
      cells
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual([products[1]!.code, products[3]!.code].sort());
    const xl = expectStatus(await api.call('GET', '/product-customer-matrix/export?format=xlsx', admin), 200);
    expect(xl.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
