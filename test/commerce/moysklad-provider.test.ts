import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SYNC_ENTITIES,
  type DocumentRecord,
  type ProductRecord,
  type StockRecord,
} from '../../src/modules/commerce/integrations/provider.js';
import { ENTITY_SPECS } from '../../src/modules/commerce/moysklad/entities.js';
import {
  moyskladProvider,
  startFakeMoysklad,
  type FakeMoysklad,
} from '../../src/modules/commerce/moysklad/index.js';
import { connectionTo, idsOf, readAll } from './moysklad-helpers.js';

let fake: FakeMoysklad;

beforeAll(async () => {
  fake = await startFakeMoysklad({
    seed: 'provider',
    sizes: { products: 1100, documents: 800, folders: 15, services: 12, counterparties: 40, stores: 3 },
    rateLimit: { limit: 1000 },
  });
});
afterAll(() => fake.close());

describe('full reads', () => {
  it('reads stock first (variants unseen: their products are looked up in batches)', async () => {
    const conn = connectionTo(fake);
    const { records, failures, pages } = await readAll(conn, 'stock');
    const c = fake.control;
    expect(failures).toEqual([]);
    expect(pages).toBe(Math.ceil((c.count('product') + c.count('variant')) / 1000));
    expect(records).toHaveLength((c.count('product') + c.count('variant')) * 3);
    const variantRow = records.find((r) => (r as StockRecord).variantExternalId) as StockRecord;
    const variant = c.row('variant', variantRow.variantExternalId!)!;
    expect(variantRow.productExternalId).toBe(
      (variant.product as { meta: { href: string } }).meta.href.split('/').pop(),
    );
    const stores = new Set(records.map((r) => (r as StockRecord).storeExternalId));
    expect([...stores].sort()).toEqual(c.ids('store').sort());
  });

  it.each(SYNC_ENTITIES.filter((e) => e !== 'stock'))(
    '%s: every row, archived and trashed included',
    async (entity) => {
      const spec = ENTITY_SPECS[entity];
      if (spec.kind === 'stock') return;
      const { records, failures } = await readAll(connectionTo(fake), entity);
      expect(failures).toEqual([]);
      expect(new Set(idsOf(records))).toEqual(new Set(fake.control.ids(spec.type)));
      expect(idsOf(records)).toHaveLength(fake.control.count(spec.type));
    },
  );

  it('pages products by 1000 and documents by 100', async () => {
    const products = await readAll(connectionTo(fake), 'products');
    expect(products.pages).toBe(2);
    const orders = await readAll(connectionTo(fake), 'customer_orders');
    expect(orders.pages).toBe(Math.ceil(fake.control.count('customerorder') / 100));
    // One request per page: positions come expanded.
    expect(orders.requests).toBeLessThanOrEqual(orders.pages + 1);
  });

  it('maps products, services and archived rows', async () => {
    const { records } = await readAll(connectionTo(fake), 'products');
    const archived = fake.control.ids('product', { archived: 'only' });
    expect(archived.length).toBeGreaterThan(0);
    expect(
      records
        .filter((r) => (r as ProductRecord).archived)
        .map((r) => (r as ProductRecord).externalId)
        .sort(),
    ).toEqual(archived.sort());
    const product = records[0] as ProductRecord;
    const row = fake.control.row('product', product.externalId)!;
    const sale = (row.salePrices as { value: number }[])[0]!.value;
    expect(product.salePrices[0]!.amount).toBe(
      `${Math.trunc(sale / 100)}.${String(sale % 100).padStart(2, '0')}`,
    );
    expect(product).toMatchObject({
      isService: false,
      name: row.name,
      code: row.code,
      uom: 'шт',
      vatRate: '20',
    });
    const services = await readAll(connectionTo(fake), 'services');
    expect(services.records.every((r) => (r as ProductRecord).isService)).toBe(true);
  });

  it('documents carry positions, state, owner, currency and sums in roubles', async () => {
    const { records } = await readAll(connectionTo(fake), 'shipments');
    const doc = records[0] as DocumentRecord;
    const row = fake.control.row('demand', doc.externalId)!;
    expect(doc.kind).toBe('shipment');
    expect(doc.positions).toHaveLength((row.positions as { meta: { size: number } }).meta.size);
    expect(doc.state).toMatch(/./);
    expect(doc.ownerEmail).toMatch(/@example\.ru$/);
    expect(doc.currency).toBe('RUB');
    expect(doc.sum).toMatch(/^\d+\.\d{2}$/);
    expect(Math.round(Number(doc.sum) * 100)).toBe(row.sum);
  });
});

describe('incremental reads', () => {
  it('returns only rows changed since, with the overlap, ordered by updated', async () => {
    const c = fake.control;
    c.advanceClock(60_000);
    const since = c.now();
    c.advanceClock(10_000);
    const [a, b, d] = c.ids('product');
    c.update('product', a!, { name: 'Переименован' });
    c.archive('product', b!);
    c.update('counterparty', c.ids('counterparty')[0]!, { email: 'new@example.ru' });
    const products = await readAll(connectionTo(fake), 'products', since);
    expect(products.records.map((r) => (r as ProductRecord).externalId)).toEqual([a, b]);
    expect(products.records[0]).toMatchObject({ name: 'Переименован', archived: false });
    expect(products.records[1]).toMatchObject({ archived: true });

    // A row changed 3 s before the watermark is still read (5 s overlap); 10 s before is not.
    c.update('product', d!);
    const changed = new Date((products.records[1] as ProductRecord).updatedAt.getTime());
    const later = await readAll(
      connectionTo(fake),
      'products',
      new Date(Date.parse(c.row('product', d!)!.updated as string) || c.now().getTime()),
    );
    expect(later.records.length).toBeGreaterThanOrEqual(0);
    const dUpdated = (await moyskladProvider.readOne(connectionTo(fake), 'products', d!)) as ProductRecord;
    const near = await readAll(connectionTo(fake), 'products', new Date(dUpdated.updatedAt.getTime() + 3000));
    expect(idsOf(near.records)).toContain(d);
    const far = await readAll(
      connectionTo(fake),
      'products',
      new Date(dUpdated.updatedAt.getTime() + 10_000),
    );
    expect(idsOf(far.records)).not.toContain(d);
    expect(changed.getTime()).toBeLessThanOrEqual(dUpdated.updatedAt.getTime());
  });

  it('reports documents moved to the trash although their updated stays', async () => {
    const c = fake.control;
    c.advanceClock(60_000);
    const since = c.now();
    c.advanceClock(10_000);
    const [edited, trashed] = c.ids('customerorder', { trashed: 'exclude' });
    c.update('customerorder', edited!, { description: 'Исправлен' });
    const before = c.row('customerorder', trashed!)!.updated;
    c.trash('customerorder', trashed!);
    expect(c.row('customerorder', trashed!)!.updated).toBe(before);
    const { records, failures } = await readAll(connectionTo(fake), 'customer_orders', since);
    expect(failures).toEqual([]);
    const byId = new Map(records.map((r) => [(r as DocumentRecord).externalId, r as DocumentRecord]));
    expect([...byId.keys()].sort()).toEqual([edited, trashed].sort());
    expect(byId.get(edited!)).toMatchObject({ deleted: false, description: 'Исправлен' });
    expect(byId.get(trashed!)).toMatchObject({ deleted: true });
  });
});

describe('malformed rows and single reads', () => {
  it('turns a malformed row into a failure with its reason; the page goes on', async () => {
    const c = fake.control;
    const [bad, noName] = c.ids('store');
    c.update('store', bad!, { updated: '13.04.2024' });
    c.update('store', noName!, { name: '' });
    const { records, failures } = await readAll(connectionTo(fake), 'stores');
    expect(records).toHaveLength(c.count('store') - 2);
    expect(failures).toEqual(
      expect.arrayContaining([
        { externalId: bad, reason: expect.stringContaining('updated is not a MoySklad datetime') },
        { externalId: noName, reason: 'name is missing' },
      ]),
    );
  });

  it('reads one row by id, and null once it is gone', async () => {
    const conn = connectionTo(fake);
    const [id] = fake.control.ids('supply');
    const doc = (await moyskladProvider.readOne(conn, 'supplies', id!)) as DocumentRecord;
    expect(doc).toMatchObject({ externalId: id, kind: 'supply' });
    expect(doc.positions.length).toBeGreaterThan(0);
    const [folder] = fake.control.ids('productfolder');
    fake.control.remove('productfolder', folder!);
    expect(await moyskladProvider.readOne(conn, 'product_folders', folder!)).toBeNull();
    await expect(moyskladProvider.readOne(conn, 'stock', id!)).rejects.toMatchObject({
      code: 'not_supported',
    });
  });
});

describe('connection test', () => {
  it('gives the account id for good credentials, Basic or Bearer', async () => {
    expect(await moyskladProvider.testConnection(connectionTo(fake))).toEqual({
      ok: true,
      accountId: fake.accountId,
      accountName: 'fake',
    });
    const token = fake.control.issueToken();
    expect(
      await moyskladProvider.testConnection(connectionTo(fake, {}, { type: 'token', token })),
    ).toMatchObject({
      ok: true,
      accountId: fake.accountId,
    });
  });

  it.each([
    ['a wrong password', { type: 'basic' as const, login: 'admin@fake', password: 'nope' }],
    ['a login without @', { type: 'basic' as const, login: 'admin', password: 'secret' }],
    ['an unknown token', { type: 'token' as const, token: 'f'.repeat(40) }],
  ])('answers credentials_rejected for %s', async (_, auth) => {
    const result = await moyskladProvider.testConnection(connectionTo(fake, {}, auth));
    expect(result).toMatchObject({
      ok: false,
      code: 'credentials_rejected',
      message: expect.stringContaining('1056'),
    });
  });

  it('answers unreachable when nothing listens', async () => {
    const conn = {
      baseUrl: 'http://127.0.0.1:9/api/remap/1.2',
      auth: { type: 'token' as const, token: 'x' },
      options: { maxRetries: 1, retryBaseMs: 5 },
    };
    expect(await moyskladProvider.testConnection(conn)).toMatchObject({ ok: false, code: 'unreachable' });
  });
});

describe('positions beyond the expanded collection', () => {
  it('fetches the rest from the positions endpoint', async () => {
    const small = await startFakeMoysklad({
      seed: 'positions',
      sizes: { products: 20, documents: 40 },
      expandPositionsLimit: 2,
    });
    try {
      const { records, requests, pages } = await readAll(connectionTo(small), 'customer_orders');
      for (const r of records as DocumentRecord[]) {
        const row = small.control.row('customerorder', r.externalId)!;
        expect(r.positions).toHaveLength((row.positions as { meta: { size: number } }).meta.size);
      }
      const long = (records as DocumentRecord[]).filter((r) => r.positions.length > 2).length;
      expect(long).toBeGreaterThan(0);
      expect(requests).toBeGreaterThanOrEqual(pages + long);
    } finally {
      await small.close();
    }
  });
});
