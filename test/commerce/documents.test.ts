import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDocument } from '../../src/modules/commerce/documents/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  commerceApp,
  createCustomer,
  createProduct,
  createTeam,
  createWarehouse,
  expectStatus,
  inTenantTx,
} from './inventory.helpers.js';

interface Doc {
  id: string;
  number: string;
  sum: string;
  vat_sum: string;
  cost_sum: string;
  owner_id: string | null;
  read_only: boolean;
  positions: { sum: string; vat_sum: string; unit_cost: string }[];
}

describe('commerce documents: sums, stock effects, history, scope, isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;
  let wh: string;
  let product: string;
  let customer: string;

  const stockOf = async (productId: string, at?: string) => {
    const res = await api.ok<{
      stock: string;
      rows: { warehouse_id: string; stock: string; reserve: string | null; in_transit: string | null }[];
    }>('GET', `/inventory/stock/${productId}${at ? `?at=${encodeURIComponent(at)}` : ''}`, admin);
    return res.rows.find((r) => r.warehouse_id === wh);
  };
  const post = (body: object, auth = admin) => api.call('POST', '/documents', auth, body);

  beforeAll(async () => {
    t = await commerceApp();
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    api = client(t);
    admin = a.users.admin.auth;
    wh = (await createWarehouse(t, admin)).id;
    product = (await createProduct(t, admin)).id;
    customer = (await createCustomer(t, admin)).id;
  });
  afterAll(() => t?.close());

  it.each([
    // quantity, price, discount, vat, sum, vat_sum (VAT included in the price)
    ['3', '100.00', '0', '20', '300.00', '50.00'],
    ['2.5', '19.99', '10', '12', '44.98', '4.82'],
    ['1', '0.01', '50', null, '0.01', '0.00'],
    ['7', '13.33', '100', '20', '0.00', '0.00'],
    ['1.333', '3', '0', '10', '4.00', '0.36'],
  ])(
    'position %s × %s, discount %s, VAT %s: sum %s, vat %s',
    async (quantity, price, discount, vat, sum, vatSum) => {
      const doc = (
        await expectStatus(
          await post({
            kind: 'invoice_out',
            customer_id: customer,
            positions: [{ product_id: product, quantity, price, discount, vat_rate: vat }],
          }),
          201,
        )
      ).json<Doc>();
      expect(doc.positions[0]).toMatchObject({ sum, vat_sum: vatSum });
      expect(doc).toMatchObject({ sum, vat_sum: vatSum, owner_id: a.users.admin.id });
    },
  );

  it('numbers per kind, refuses a taken number, validates input', async () => {
    const first = (
      await expectStatus(await post({ kind: 'purchase_order', warehouse_id: wh, positions: [] }), 201)
    ).json<Doc>();
    const second = (
      await expectStatus(await post({ kind: 'purchase_order', warehouse_id: wh, positions: [] }), 201)
    ).json<Doc>();
    expect(Number(second.number)).toBe(Number(first.number) + 1);
    expect(first.number).toMatch(/^\d{5}$/);
    expectStatus(
      await post({ kind: 'purchase_order', number: first.number, warehouse_id: wh, positions: [] }),
      409,
      'DOCUMENT_NUMBER_TAKEN',
    );
    const bad = await post({
      kind: 'shipment',
      warehouse_id: wh,
      positions: [
        { product_id: product, quantity: '-1', price: '1' },
        { product_id: product, quantity: '1', price: '1', discount: '100.5' },
      ],
    });
    expectStatus(bad, 422, 'VALIDATION_FAILED');
    const paths = bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/body/positions/0/quantity', '/body/positions/1/discount']),
    );
    expectStatus(
      await post({ kind: 'shipment', warehouse_id: wh, positions: [], colour: 'red' }),
      422,
      'VALIDATION_FAILED',
    );
    expectStatus(await post({ kind: 'shipment', positions: [] }), 422, 'VALIDATION_FAILED');
    expectStatus(
      await post({
        kind: 'shipment',
        warehouse_id: wh,
        positions: [{ product_id: product, quantity: '0', price: '1' }],
      }),
      422,
    );
    expectStatus(
      await post({
        kind: 'shipment',
        warehouse_id: wh,
        positions: [{ product_id: product, quantity: '1', price: '1', reserve: '1' }],
      }),
      422,
    );
    expectStatus(await api.call('GET', '/documents/not-a-uuid', admin), 422);
  });

  it('numbers on after a long explicit number; numbers chosen at once meet DOCUMENT_NUMBER_TAKEN', async () => {
    const kind = 'sales_return';
    const long = '9'.repeat(30);
    expectStatus(await post({ kind, number: long, warehouse_id: wh, positions: [] }), 201);
    for (const expected of [`1${'0'.repeat(30)}`, `1${'0'.repeat(29)}1`]) {
      const next = expectStatus(await post({ kind, warehouse_id: wh, positions: [] }), 201).json<Doc>();
      expect(next.number).toBe(expected);
    }
    const twice = await Promise.all(
      [1, 2].map(() => post({ kind, number: 'R-7', warehouse_id: wh, positions: [] })),
    );
    expect(twice.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(twice.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'DOCUMENT_NUMBER_TAKEN' });
  });

  it('keeps documents without an owner to tenant-wide roles', async () => {
    const agent = a.users.agent.auth;
    const res = await post({ kind: 'invoice_out', owner_id: null, positions: [] }, agent);
    expectStatus(res, 422, 'VALIDATION_FAILED');
    expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['/body/owner_id']);
    const own = expectStatus(await post({ kind: 'invoice_out', positions: [] }, agent), 201).json<Doc>();
    expectStatus(
      await api.call('PUT', `/documents/${own.id}`, agent, { owner_id: null, positions: [] }),
      422,
    );
    const kept = expectStatus(
      await post({ kind: 'invoice_out', owner_id: null, positions: [] }),
      201,
    ).json<Doc>();
    expect(kept.owner_id).toBeNull();
  });

  it('supplies, shipments and returns move stock; orders reserve and bring in transit; history at past instants', async () => {
    const p = (await createProduct(t, admin, { prices: [] })).id;
    const w = wh;
    const doc = (kind: string, quantity: string, moment: string, extra: object = {}) =>
      post({
        kind,
        warehouse_id: w,
        moment,
        positions: [{ product_id: p, quantity, price: '10', ...extra }],
      });
    const supply = (await expectStatus(await doc('supply', '20', '2025-01-10T00:00:00Z'), 201)).json<Doc>();
    const shipment = (
      await expectStatus(await doc('shipment', '8', '2025-01-20T00:00:00Z'), 201)
    ).json<Doc>();
    await expectStatus(await doc('sales_return', '2', '2025-01-25T00:00:00Z'), 201);
    await expectStatus(await doc('purchase_return', '1', '2025-01-28T00:00:00Z'), 201);
    await expectStatus(await doc('customer_order', '5', '2025-02-01T00:00:00Z', { reserve: '4' }), 201);
    await expectStatus(await doc('purchase_order', '6', '2025-02-01T00:00:00Z'), 201);
    await expectStatus(await doc('shipment', '100', '2025-02-02T00:00:00Z'), 409, 'INSUFFICIENT_STOCK');
    const unposted = {
      kind: 'shipment',
      applicable: false,
      warehouse_id: w,
      positions: [{ product_id: p, quantity: '100', price: '1' }],
    };
    await expectStatus(await post(unposted), 201);

    expect(await stockOf(p)).toMatchObject({ stock: '13.000', reserve: '4.000', in_transit: '6.000' });
    expect((await stockOf(p, '2025-01-15T00:00:00Z'))?.stock).toBe('20.000');
    expect((await stockOf(p, '2025-01-21T00:00:00Z'))?.stock).toBe('12.000');
    expect((await stockOf(p, '2025-01-26T00:00:00Z'))?.stock).toBe('14.000');

    // The shipment moves to a later moment and ships 10: history follows the document as it stands.
    const edited = await api.call('PUT', `/documents/${shipment.id}`, admin, {
      moment: '2025-01-22T00:00:00Z',
      positions: [{ product_id: p, quantity: '10', price: '10' }],
    });
    expectStatus(edited, 200);
    expect((await stockOf(p, '2025-01-21T00:00:00Z'))?.stock).toBe('20.000');
    expect((await stockOf(p, '2025-01-23T00:00:00Z'))?.stock).toBe('10.000');
    expect(await stockOf(p)).toMatchObject({ stock: '11.000' });
    // Unposting it gives the stock back; deleting the supply would leave stock below zero.
    expectStatus(
      await api.call('PUT', `/documents/${shipment.id}`, admin, {
        applicable: false,
        positions: [{ product_id: p, quantity: '10', price: '10' }],
      }),
      200,
    );
    expect(await stockOf(p)).toMatchObject({ stock: '21.000' });
    await expectStatus(await doc('shipment', '21', '2025-02-03T00:00:00Z'), 201);
    expectStatus(await api.call('DELETE', `/documents/${supply.id}`, admin), 409, 'INSUFFICIENT_STOCK');
    const moves = await api.ok<{ movements: { quantity: string }[] }>(
      'GET',
      `/inventory/movements?product_id=${p}&limit=100`,
      admin,
    );
    const sum = moves.movements.reduce((s, m) => s + Number(m.quantity), 0);
    expect(sum).toBe(0);
  });

  it('names the products and shortfalls when stock is missing; nothing is written', async () => {
    const p1 = (await createProduct(t, admin)).id;
    const p2 = (await createProduct(t, admin)).id;
    await expectStatus(
      await post({
        kind: 'supply',
        warehouse_id: wh,
        positions: [{ product_id: p1, quantity: '2', price: '1' }],
      }),
      201,
    );
    const res = await post({
      kind: 'shipment',
      warehouse_id: wh,
      positions: [
        { product_id: p1, quantity: '5', price: '1' },
        { product_id: p2, quantity: '1', price: '1' },
      ],
    });
    expectStatus(res, 409, 'INSUFFICIENT_STOCK');
    const shortages = res.json<{ shortages: { product_id: string; shortfall: string }[] }>().shortages;
    expect(shortages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ product_id: p1, shortfall: '3.000', stock: '2.000', requested: '5.000' }),
        expect.objectContaining({ product_id: p2, shortfall: '1.000' }),
      ]),
    );
    expect(await stockOf(p1)).toMatchObject({ stock: '2.000' });
  });

  it('parallel shipments of the last units: exactly one succeeds', async () => {
    const p = (await createProduct(t, admin)).id;
    await expectStatus(
      await post({
        kind: 'supply',
        warehouse_id: wh,
        positions: [{ product_id: p, quantity: '3', price: '1' }],
      }),
      201,
    );
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        post({
          kind: 'shipment',
          warehouse_id: wh,
          positions: [{ product_id: p, quantity: '3', price: '1' }],
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await stockOf(p)).toMatchObject({ stock: '0.000' });
  });

  it('unit cost from the buy price; cost_sum = Σ quantity × unit cost', async () => {
    const buy = await api.ok('POST', '/products/price-types', admin, { name: 'Buy', currency: 'UZS' }, 201);
    await api.ok('PUT', '/commerce/settings', admin, { commerce: { buy_price_type_id: buy.id } });
    const p = (await createProduct(t, admin, { prices: [{ price_type_id: buy.id, amount: '12.34' }] })).id;
    const doc = (
      await expectStatus(
        await post({ kind: 'invoice_out', positions: [{ product_id: p, quantity: '3', price: '20' }] }),
        201,
      )
    ).json<Doc>();
    expect(doc.positions[0]!.unit_cost).toBe('12.34');
    expect(doc.cost_sum).toBe('37.02');
  });

  it('synced documents are read-only; permissions and data scope', async () => {
    const synced = await inTenantTx(t, a.tenantId, (tx) =>
      writeDocument(tx, a.tenantId, {
        kind: 'invoice_out',
        number: 'MS-7',
        moment: new Date(),
        applicable: true,
        currency: 'RUB',
        source: 'moysklad',
        ownerId: a.users.agent.id,
        positions: [],
      }),
    );
    expect((await api.ok<Doc>('GET', `/documents/${synced.id}`, admin)).read_only).toBe(true);
    expectStatus(
      await api.call('PUT', `/documents/${synced.id}`, admin, { positions: [] }),
      409,
      'DOCUMENT_READ_ONLY',
    );
    expectStatus(await api.call('DELETE', `/documents/${synced.id}`, admin), 409, 'DOCUMENT_READ_ONLY');

    expectStatus(await post({ kind: 'invoice_out', positions: [] }, a.users.viewer.auth), 403);
    const agent = a.users.agent;
    const own = (
      await expectStatus(await post({ kind: 'invoice_out', positions: [] }, agent.auth), 201)
    ).json<Doc>();
    expect(own.owner_id).toBe(agent.id);
    const peer = (
      await expectStatus(await post({ kind: 'invoice_out', positions: [] }, a.users.team_leader.auth), 201)
    ).json<Doc>();
    expectStatus(await api.call('GET', `/documents/${peer.id}`, agent.auth), 404);
    expectStatus(
      await post({ kind: 'invoice_out', owner_id: a.users.team_leader.id, positions: [] }, agent.auth),
      422,
    );
    const listed = await api.ok<{ documents: { id: string }[] }>('GET', '/documents?limit=500', agent.auth);
    expect(listed.documents.map((d) => d.id)).toEqual(expect.arrayContaining([own.id, synced.id]));
    expect(listed.documents.map((d) => d.id)).not.toContain(peer.id);
    // A team leader sees their team's documents.
    await createTeam(t, a, a.users.team_leader.id, [agent.id]);
    const team = await api.ok<{ documents: { id: string }[] }>(
      'GET',
      '/documents?limit=500',
      a.users.team_leader.auth,
    );
    expect(team.documents.map((d) => d.id)).toEqual(expect.arrayContaining([own.id, peer.id]));
  });

  it('lists with filters and keyset pages', async () => {
    const list = await api.ok<{ documents: { kind: string }[] }>(
      'GET',
      '/documents?direction=purchase&limit=500',
      admin,
    );
    expect(list.documents.length).toBeGreaterThan(0);
    expect(
      list.documents.every((d) =>
        ['purchase_order', 'supply', 'invoice_in', 'purchase_return'].includes(d.kind),
      ),
    ).toBe(true);
    const first = await api.ok<{ documents: { id: string }[]; next_cursor: string }>(
      'GET',
      '/documents?limit=2',
      admin,
    );
    const second = await api.ok<{ documents: { id: string }[] }>(
      'GET',
      `/documents?limit=2&cursor=${first.next_cursor}`,
      admin,
    );
    expect(second.documents.map((d) => d.id)).not.toContain(first.documents[0]!.id);
    expectStatus(
      await api.call('GET', '/documents?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', admin),
      422,
    );
    const q = await api.ok<{ documents: { number: string }[] }>(
      'GET',
      '/documents?q=MS-&source=moysklad',
      admin,
    );
    expect(q.documents.map((d) => d.number)).toEqual(['MS-7']);
  });

  it("another tenant's documents and references are invisible", async () => {
    const mine = (await expectStatus(await post({ kind: 'invoice_out', positions: [] }), 201)).json<Doc>();
    const other = b.users.admin.auth;
    expectStatus(await api.call('GET', `/documents/${mine.id}`, other), 404);
    expectStatus(await api.call('PUT', `/documents/${mine.id}`, other, { positions: [] }), 404);
    expectStatus(await api.call('DELETE', `/documents/${mine.id}`, other), 404);
    const listed = await api.ok<{ documents: unknown[] }>('GET', '/documents', other);
    expect(listed.documents).toHaveLength(0);
    const res = await api.call('POST', '/documents', other, {
      kind: 'shipment',
      warehouse_id: wh,
      positions: [{ product_id: product, quantity: '1', price: '1' }],
    });
    expectStatus(res, 422);
    expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/body/warehouse_id', '/body/positions/0/product_id']),
    );
  });
});
