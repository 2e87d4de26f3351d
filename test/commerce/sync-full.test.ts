import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  client,
  commerceApp,
  createIntegration,
  expectCompleted,
  expectStatus,
  FAKE_DOCUMENT_TYPES,
  scalar,
  startFake,
  syncNow,
} from './sync.helpers.js';

const moscow = (text: string) => new Date(`${text.replace(' ', 'T')}+03:00`).toISOString();
const idOf = (ref: unknown) =>
  String((ref as { meta: { href: string } }).meta.href)
    .split('/')
    .pop()!;

describe('full and incremental sync against the fake MoySklad', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
    integrationId = await createIntegration(t, acme.tenantId, fake);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const count = (sql: string, params: unknown[] = []) =>
    scalar<number>(t, acme.tenantId, sql, params).then(Number);
  const local = (type: string, externalId: string) =>
    scalar<string>(
      t,
      acme.tenantId,
      `select entity_id from external_refs where provider = 'moysklad' and entity_type = $1 and external_id = $2`,
      [type, externalId],
    );

  it('a full sync makes the local copy equal to the fake', async () => {
    const admin = acme.users.admin.auth;
    const job = await syncNow(t, acme.tenantId, admin, { integration_id: integrationId, mode: 'full' });
    expectCompleted(job);
    expect(job.failures_total).toBe(0);
    expect(job.requests).toBeGreaterThan(10);

    const products = fake.control.count('product');
    const services = fake.control.count('service');
    expect(await count('select count(*) from products')).toBe(products + services);
    expect(await count('select count(*) from products where is_service')).toBe(services);
    expect(await count('select count(*) from product_folders')).toBe(fake.control.count('productfolder'));
    expect(await count('select count(*) from product_variants')).toBe(fake.control.count('variant'));
    expect(await count('select count(*) from customers')).toBe(fake.control.count('counterparty'));
    expect(await count('select count(*) from warehouses')).toBe(fake.control.count('store'));
    const docTypes = FAKE_DOCUMENT_TYPES;
    const liveDocs = docTypes.reduce((n, type) => n + fake.control.count(type, { trashed: 'exclude' }), 0);
    expect(
      await count(`select count(*) from commerce_documents where source = 'moysklad' and deleted_at is null`),
    ).toBe(liveDocs);
    expect(job.totals.created).toBeGreaterThanOrEqual(products + services + liveDocs);

    // Spot values: a product's prices in decimals, a folder's materialised path.
    const productId = fake.control.ids('product')[3]!;
    const wire = fake.control.row('product', productId)!;
    const localId = await local('product', productId);
    expect(await scalar(t, acme.tenantId, 'select name from products where id = $1', [localId])).toBe(
      wire.name,
    );
    const salePrices = wire.salePrices as { value: number; priceType: { name: string } }[];
    for (const price of salePrices) {
      const amount = await scalar<string>(
        t,
        acme.tenantId,
        `select pp.amount from product_prices pp join price_types pt on pt.id = pp.price_type_id
          where pp.product_id = $1 and pt.name = $2`,
        [localId, price.priceType.name],
      );
      expect(Number(amount)).toBe(price.value / 100);
    }
    const withFolder = fake.control
      .ids('product')
      .find((id) => fake.control.row('product', id)!.productFolder)!;
    const folderExt = idOf(fake.control.row('product', withFolder)!.productFolder);
    const folderId = await local('product_folder', folderExt);
    expect(
      await scalar(t, acme.tenantId, 'select folder_id from products where id = $1', [
        await local('product', withFolder),
      ]),
    ).toBe(folderId);
    const path = await scalar<string>(t, acme.tenantId, 'select path from product_folders where id = $1', [
      folderId,
    ]);
    expect(path.endsWith(`/${folderId}/`)).toBe(true);

    // A document: Moscow moment → UTC, sums in decimals, positions.
    const docId = fake.control.ids('demand', { trashed: 'exclude' })[0]!;
    const doc = fake.control.row('demand', docId)!;
    const localDoc = await local('commerce_document', docId);
    const stored = await t.database.db.withTenant({ tenantId: acme.tenantId }, async (tx) => {
      const { rows } = await tx.sql.query<{ moment: Date; sum: string; number: string; n: number }>(
        `select d.moment, d.sum, d.number, (select count(*)::int from commerce_document_positions p where p.document_id = d.id) as n
           from commerce_documents d where d.id = $1`,
        [localDoc],
      );
      return rows[0]!;
    });
    expect(new Date(stored.moment).toISOString()).toBe(moscow(doc.moment as string));
    expect(Number(stored.sum)).toBe((doc.sum as number) / 100);
    expect(stored.number).toBe(doc.name);
    const positions = await fake.control.row('demand', docId);
    expect(stored.n).toBeGreaterThan(0);
    expect(positions).toBeTruthy();
    // Stock: one level per reported product/variant and store.
    expect(await count('select count(*) from stock_levels')).toBeGreaterThan(0);
  });

  it('the same full sync again changes nothing', async () => {
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, {
      integration_id: integrationId,
      mode: 'full',
    });
    expectCompleted(job);
    expect(job.totals.created).toBe(0);
    expect(job.totals.updated).toBe(0);
    expect(job.totals.unchanged).toBeGreaterThan(0);
  });

  it('incremental reads only what changed: edits, archivals, trashed documents', async () => {
    const [p1, p2] = fake.control.ids('product');
    fake.control.update('product', p1!, { name: 'Renamed in the ERP' });
    fake.control.archive('counterparty', fake.control.ids('counterparty')[0]!);
    const trashed = fake.control.ids('customerorder', { trashed: 'exclude' })[0]!;
    fake.control.trash('customerorder', trashed);
    fake.control.advanceClock(10_000);
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, { integration_id: integrationId });
    expectCompleted(job);
    expect(job.counts.products!.updated).toBe(1);
    expect(job.counts.products!.created + job.counts.products!.unchanged).toBeLessThan(5);
    expect(job.counts.counterparties!.updated).toBe(1);
    expect(job.counts.customer_orders!.deleted).toBe(1);
    expect(
      await scalar(t, acme.tenantId, 'select name from products where id = $1', [
        await local('product', p1!),
      ]),
    ).toBe('Renamed in the ERP');
    expect(
      await scalar(t, acme.tenantId, 'select archived_at is not null from customers where id = $1', [
        await local('customer', fake.control.ids('counterparty')[0]!),
      ]),
    ).toBe(true);
    expect(
      await scalar(t, acme.tenantId, 'select deleted_at is not null from commerce_documents where id = $1', [
        await local('commerce_document', trashed),
      ]),
    ).toBe(true);
    expect(p2).toBeDefined();
  });

  it('a second start while one is queued is 409 with the running job', async () => {
    const { call, ok } = client(t);
    const admin = acme.users.admin.auth;
    const first = await ok<{ id: string }>(
      'POST',
      '/admin/sync/start',
      admin,
      { integration_id: integrationId },
      202,
    );
    const res = expectStatus(
      await call('POST', '/admin/sync/start', admin, { integration_id: integrationId }),
      409,
      'SYNC_ALREADY_RUNNING',
    );
    expect(res.json<{ job: { id: string } }>().job.id).toBe(first.id);
    const cancelled = await ok<{ status: string }>('POST', `/admin/sync/jobs/${first.id}/cancel`, admin);
    expect(cancelled.status).toBe('cancelled');
    expectStatus(await call('POST', `/admin/sync/jobs/${first.id}/cancel`, admin), 409, 'SYNC_JOB_FINISHED');
  });
});
