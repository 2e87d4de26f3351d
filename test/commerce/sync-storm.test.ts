import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import type { StockRecord } from '../../src/modules/commerce/integrations/provider.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import { connectionTo, readAll } from './moysklad-helpers.js';
import {
  commerceWorkerApp,
  createIntegration,
  expectCompleted,
  scalar,
  SMALL,
  startFake,
  startSync,
  FAKE_DOCUMENT_TYPES,
  waitForJob,
} from './sync.helpers.js';

/** A window far tighter than MoySklad's 45 units per 3 s, so the client has to pace itself. */
const RATE = { limit: 8, intervalMs: 600 };
/** About a third of the requests refused with 429 and one in twelve failing with a 5xx. */
const STORM = { rateLimited: 0.3, serverErrors: 0.08, seed: 'storm-1' };

describe('the fake MoySklad storm', () => {
  let fake: FakeMoysklad;
  beforeAll(async () => {
    // A minute-long window: every request below falls in one, however slow the machine.
    fake = await startFake({ rateLimit: { limit: 1000, intervalMs: 60_000 } });
  });
  afterAll(() => fake.close());

  const get = () =>
    fetch(`${fake.baseUrl}/entity/store`, {
      headers: {
        Authorization: `Basic ${Buffer.from('admin@fake:secret').toString('base64')}`,
        'Accept-Encoding': 'gzip',
      },
    });

  it('refuses with 429 and a Retry-After while the window has room, and fails with 500 and 503 after the limiter', async () => {
    fake.control.resetStats();
    fake.control.setStorm({ rateLimited: 1 });
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-lognex-retry-after')).toBe('6000');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await refused.json()) as { errors: { code: number }[] }).errors[0]!.code).toBe(1049);

    fake.control.setStorm({ rateLimited: 0, serverErrors: 1 });
    expect([(await get()).status, (await get()).status]).toEqual([500, 503]);
    fake.control.setStorm(null);
    expect((await get()).status).toBe(200);
    expect(fake.control.stats()).toMatchObject({
      requests: 4,
      accepted: 3,
      rejectedStorm: 1,
      rejectedRate: 0,
      serverErrors: 2,
      maxUnitsPerWindow: 3,
      maxSentUnitsPerWindow: 4,
    });
  });

  it('draws the same answers from the same seed', async () => {
    const statuses = async (seed: string) => {
      fake.control.setStorm({ rateLimited: 0.5, serverErrors: 0.2, seed, retryAfterMs: 1 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await get()).status);
      return out;
    };
    const first = await statuses('a');
    expect(await statuses('a')).toEqual(first);
    expect(first).toContain(429);
    expect(first).toContain(200);
    fake.control.setStorm(null);
  });
});

describe('a full sync through a storm of 429s and 5xx', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceWorkerApp();
    acme = await identityFixture(t, 'acme');
    // Three positions per expanded document: the larger ones are read from `…/positions`, so
    // the storm also hits requests made in the middle of a page.
    fake = await startFake({ sizes: SMALL, rateLimit: RATE, expandPositionsLimit: 3 });
    // Synced just now, so the schedule leaves it alone; short 5xx back-off keeps the test quick.
    integrationId = await createIntegration(t, acme.tenantId, fake, {
      lastSyncAt: new Date(),
      options: { retryBaseMs: 20 },
    });
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const count = (sql: string, params: unknown[] = []) =>
    scalar<number>(t, acme.tenantId, sql, params).then(Number);
  const rowsOf = <T>(sql: string, params: unknown[] = []) =>
    t.database.db.withTenant(
      { tenantId: acme.tenantId },
      async (tx) => (await tx.sql.query<T>(sql, params)).rows,
    );

  const levelKey = (r: {
    productExternalId: string;
    variantExternalId?: string | null;
    storeExternalId: string;
  }) => `${r.productExternalId}/${r.variantExternalId ?? '-'}/${r.storeExternalId}`;
  /** The local stock levels by the external ids of their product, variant and warehouse. */
  const localLevels = async () =>
    new Map(
      (
        await rowsOf<{ p: string; v: string | null; w: string; stock: string; reserve: string }>(
          `select pr.external_id as p, vr.external_id as v, wr.external_id as w, l.stock, l.reserve
             from stock_levels l
             join external_refs pr on pr.entity_id = l.product_id and pr.entity_type = 'product'
             left join external_refs vr on vr.entity_id = l.variant_id and vr.entity_type = 'product_variant'
             join external_refs wr on wr.entity_id = l.warehouse_id and wr.entity_type = 'warehouse'`,
        )
      ).map((r) => [
        levelKey({ productExternalId: r.p, variantExternalId: r.v, storeExternalId: r.w }),
        { stock: r.stock, reserve: r.reserve },
      ]),
    );

  it('finishes, equals the fake, and never sends more units in a window than the headers allow', async () => {
    const admin = acme.users.admin.auth;
    fake.control.resetStats();
    fake.control.setStorm(STORM);
    const started = await startSync(t, admin, { integration_id: integrationId, mode: 'full' });
    const job = await waitForJob(t, admin, started.id);
    fake.control.setStorm(null);
    const stats = fake.control.stats();
    expectCompleted(job);
    expect(job.failures_total).toBe(0);

    // The storm was served, and the client kept under the limit all the same: no request found
    // the window full, and the units it sent (refused ones included) never exceeded it.
    expect(stats.rejectedStorm).toBeGreaterThanOrEqual(5);
    expect(stats.serverErrors).toBeGreaterThanOrEqual(1);
    expect(stats.rejectedRate).toBe(0);
    expect(stats.maxSentUnitsPerWindow).toBeLessThanOrEqual(RATE.limit);
    expect(stats.maxUnitsPerWindow).toBeLessThanOrEqual(RATE.limit);
    expect(stats.maxInFlight).toBeLessThanOrEqual(5);
    // The job counts every attempt, retries after a 429 or a 5xx included: what reached the fake.
    expect(job.requests).toBe(stats.requests);

    // The local copy equals the fake.
    const products = fake.control.count('product');
    const services = fake.control.count('service');
    expect(await count('select count(*) from products')).toBe(products + services);
    expect(await count('select count(*) from products where is_service')).toBe(services);
    expect(await count('select count(*) from product_folders')).toBe(fake.control.count('productfolder'));
    expect(await count('select count(*) from product_variants')).toBe(fake.control.count('variant'));
    expect(await count('select count(*) from customers')).toBe(fake.control.count('counterparty'));
    expect(await count('select count(*) from warehouses')).toBe(fake.control.count('store'));
    const liveDocs = FAKE_DOCUMENT_TYPES.reduce(
      (n, type) => n + fake.control.count(type, { trashed: 'exclude' }),
      0,
    );
    expect(
      await count(`select count(*) from commerce_documents where source = 'moysklad' and deleted_at is null`),
    ).toBe(liveDocs);
    expect(
      await count(
        `select count(*) from commerce_documents where source = 'moysklad' and deleted_at is not null`,
      ),
    ).toBe(FAKE_DOCUMENT_TYPES.reduce((n, type) => n + fake.control.count(type, { trashed: 'only' }), 0));

    // Values: every product's name and sale price, every live document's number, sum and positions.
    const priceType = (
      fake.control.row('product', fake.control.ids('product')[0]!)!.salePrices as {
        priceType: { name: string };
      }[]
    )[0]!.priceType.name;
    const localProducts = await rowsOf<{ external_id: string; name: string; amount: string }>(
      `select r.external_id, p.name, pp.amount
         from external_refs r
         join products p on p.id = r.entity_id and not p.is_service
         left join (product_prices pp join price_types pt on pt.id = pp.price_type_id and pt.name = $1)
           on pp.product_id = p.id
        where r.provider = 'moysklad' and r.entity_type = 'product'`,
      [priceType],
    );
    const byExternalId = <T extends { external_id: string }>(rows: T[]) =>
      Object.fromEntries(rows.map(({ external_id, ...rest }) => [external_id, rest]));
    expect(byExternalId(localProducts.map((r) => ({ ...r, amount: Number(r.amount) })))).toEqual(
      Object.fromEntries(
        fake.control.ids('product').map((id) => {
          const wire = fake.control.row('product', id)!;
          const [price] = wire.salePrices as { value: number }[];
          return [id, { name: wire.name, amount: price!.value / 100 }];
        }),
      ),
    );
    const localDocuments = await rowsOf<{
      external_id: string;
      number: string;
      sum: string;
      positions: number;
    }>(
      `select r.external_id, d.number, d.sum,
              (select count(*)::int from commerce_document_positions p where p.document_id = d.id) as positions
         from external_refs r join commerce_documents d on d.id = r.entity_id and d.deleted_at is null
        where r.provider = 'moysklad' and r.entity_type = 'commerce_document'`,
    );
    const expectedDocuments = FAKE_DOCUMENT_TYPES.flatMap((type) =>
      fake.control.ids(type, { trashed: 'exclude' }).map((id) => {
        const wire = fake.control.row(type, id)!;
        const positions = (wire.positions as { meta: { size: number } }).meta.size;
        return [id, { number: wire.name, sum: (wire.sum as number) / 100, positions }] as const;
      }),
    );
    expect(byExternalId(localDocuments.map((r) => ({ ...r, sum: Number(r.sum) })))).toEqual(
      Object.fromEntries(expectedDocuments),
    );
    // Some documents had more positions than the expanded collection carries.
    expect(expectedDocuments.some(([, d]) => d.positions > 3)).toBe(true);

    // Stock: every row of the fake's report (read again now the storm is over) is a local level
    // with the same figures.
    const report = (await readAll(connectionTo(fake), 'stock')).records as StockRecord[];
    const levels = await localLevels();
    expect(report.length).toBeGreaterThan(0);
    expect(
      Object.fromEntries(
        report.map((r) => [levelKey(r), { stock: Number(r.stock), reserve: Number(r.reserve) }]),
      ),
    ).toEqual(
      Object.fromEntries(
        report.map((r) => {
          const level = levels.get(levelKey(r));
          return [levelKey(r), { stock: Number(level?.stock ?? 0), reserve: Number(level?.reserve ?? 0) }];
        }),
      ),
    );
  }, 120_000);

  // MoySklad keeps no stock for services and its report has no row for them: a posted shipment of
  // a service must leave no level behind here either.
  it('services hold no stock: every local level outside the report is zero', async () => {
    const report = (await readAll(connectionTo(fake), 'stock')).records as StockRecord[];
    const reported = new Set(report.map(levelKey));
    const extra = [...(await localLevels()).entries()].filter(
      ([key, level]) => !reported.has(key) && Number(level.stock) !== 0,
    );
    expect(extra).toEqual([]);
  });
});
