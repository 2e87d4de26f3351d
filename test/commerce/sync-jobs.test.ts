import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { processWebhookReceipt, syncRunnerOf } from '../../src/modules/commerce/sync/index.js';
import { webhookReceipts } from '../../src/modules/commerce/tables/integrations.tables.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  client,
  commerceApp,
  createIntegration,
  expectCompleted,
  expectStatus,
  scalar,
  startFake,
  syncNow,
  type JobView,
} from './sync.helpers.js';

describe('sync jobs: resume, failures, webhooks, access', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let globex: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
    fake = await startFake();
    integrationId = await createIntegration(t, acme.tenantId, fake);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const count = (tenantId: string, text: string, params: unknown[] = []) =>
    scalar<number>(t, tenantId, text, params).then(Number);

  it('a run stopped after a few pages resumes from its cursor: no duplicates, no gaps', async () => {
    const admin = acme.users.admin.auth;
    const { ok } = client(t);
    const started = await ok<JobView>(
      'POST',
      '/admin/sync/start',
      admin,
      { integration_id: integrationId, mode: 'full' },
      202,
    );
    const runner = syncRunnerOf(t.app.platform);
    let pages = 0;
    const first = await runner.run(acme.tenantId, started.id, {
      onPage: () => {
        if (++pages === 4) runner.interruptAll();
      },
    });
    expect(first).toBe('interrupted');
    const halfway = await ok<JobView>('GET', `/admin/sync/jobs/${started.id}`, admin);
    expect(halfway.status).toBe('running');
    // The process is gone: a new run takes the job over from its saved cursor.
    expect(await runner.run(acme.tenantId, started.id, { staleBefore: new Date(Date.now() + 60_000) })).toBe(
      'completed',
    );
    const done = await ok<JobView>('GET', `/admin/sync/jobs/${started.id}`, admin);
    expectCompleted(done);
    expect(done.attempts).toBe(2);
    const products = fake.control.count('product') + fake.control.count('service');
    expect(done.counts.products!.created + done.counts.services!.created).toBe(products);
    expect(await count(acme.tenantId, 'select count(*) from products')).toBe(products);
    expect(
      await count(
        acme.tenantId,
        `select count(*) from (select entity_id from external_refs group by entity_id having count(*) > 1) d`,
      ),
    ).toBe(0);
  });

  it('a row with an unknown folder and a document with an unknown product fail alone; the page goes on', async () => {
    const admin = acme.users.admin.auth;
    const folder = fake.control.create('productfolder', { name: 'Never synced' });
    const orphan = fake.control.create('product', {
      name: 'Orphan',
      productFolder: {
        meta: { href: `${fake.baseUrl}/entity/productfolder/${folder}`, type: 'productfolder' },
      },
    });
    fake.control.advanceClock(10_000);
    const job = await syncNow(t, acme.tenantId, admin, {
      integration_id: integrationId,
      entities: ['products'],
    });
    expectCompleted(job);
    expect(job.counts.products!.failed).toBe(1);
    expect(job.failures).toEqual([
      expect.objectContaining({
        entity: 'products',
        external_id: orphan,
        reason: expect.stringContaining(folder),
      }),
    ]);
    const paged = await client(t).ok<{ failures: unknown[] }>(
      'GET',
      `/admin/sync/jobs/${job.id}/failures`,
      admin,
    );
    expect(paged.failures).toHaveLength(1);

    // A document whose position names the orphan product.
    const store = fake.control.ids('store')[0]!;
    const agent = fake.control.ids('counterparty')[1]!;
    const order = fake.control.create('customerorder', {
      agent: { meta: { href: `${fake.baseUrl}/entity/counterparty/${agent}`, type: 'counterparty' } },
      store: { meta: { href: `${fake.baseUrl}/entity/store/${store}`, type: 'store' } },
      positions: [
        {
          id: crypto.randomUUID(),
          assortmentType: 'product',
          assortmentId: orphan,
          quantity: 2,
          price: 1000,
          discount: 0,
        },
      ],
    });
    fake.control.advanceClock(10_000);
    const docs = await syncNow(t, acme.tenantId, admin, {
      integration_id: integrationId,
      entities: ['customer_orders'],
    });
    expectCompleted(docs);
    expect(docs.counts.customer_orders!.failed).toBeGreaterThanOrEqual(1);
    expect(
      docs.failures.find((f) => f.external_id === order),
      JSON.stringify(docs.failures),
    ).toMatchObject({
      reason: expect.stringContaining(orphan),
    });
  });

  it('webhooks: create, update and delete are applied; processing twice changes nothing', async () => {
    const created = fake.control.create('counterparty', { name: 'From a webhook' });
    const receipt = async (events: unknown[]) =>
      t.database.db.withTenant({ tenantId: acme.tenantId }, async (tx) => {
        const [row] = await tx.db
          .insert(webhookReceipts)
          .values({ tenantId: acme.tenantId, integrationId, requestId: crypto.randomUUID(), events })
          .returning();
        return row!.id;
      });
    const ev = (action: string, id: string) => ({
      entity: 'counterparties',
      action,
      externalId: id,
      accountId: fake.accountId,
    });
    const first = await receipt([ev('CREATE', created)]);
    await processWebhookReceipt(t.app.platform, { tenantId: acme.tenantId, receiptId: first });
    await processWebhookReceipt(t.app.platform, { tenantId: acme.tenantId, receiptId: first });
    expect(await count(acme.tenantId, `select count(*) from customers where name = 'From a webhook'`)).toBe(
      1,
    );
    fake.control.update('counterparty', created, { name: 'Renamed by webhook' });
    await processWebhookReceipt(t.app.platform, {
      tenantId: acme.tenantId,
      receiptId: await receipt([ev('UPDATE', created)]),
    });
    expect(
      await count(acme.tenantId, `select count(*) from customers where name = 'Renamed by webhook'`),
    ).toBe(1);
    fake.control.remove('counterparty', created);
    const gone = await receipt([ev('DELETE', created)]);
    await processWebhookReceipt(t.app.platform, { tenantId: acme.tenantId, receiptId: gone });
    expect(
      await count(
        acme.tenantId,
        `select count(*) from customers where name = 'Renamed by webhook' and archived_at is not null`,
      ),
    ).toBe(1);
    expect(await scalar(t, acme.tenantId, 'select status from webhook_receipts where id = $1', [gone])).toBe(
      'processed',
    );
  });

  it('cancel: a running job stops at once and ends cancelled', async () => {
    const admin = acme.users.admin.auth;
    const { ok } = client(t);
    const job = await ok<JobView>(
      'POST',
      '/admin/sync/start',
      admin,
      { integration_id: integrationId, mode: 'full' },
      202,
    );
    const runner = syncRunnerOf(t.app.platform);
    let pages = 0;
    const run = runner.run(acme.tenantId, job.id, {
      onPage: () => {
        if (++pages === 2) void ok('POST', `/admin/sync/jobs/${job.id}/cancel`, admin);
      },
    });
    expect(await run).toBe('cancelled');
    expect((await ok<JobView>('GET', `/admin/sync/jobs/${job.id}`, admin)).status).toBe('cancelled');
  });

  it('lists, statistics and health', async () => {
    const admin = acme.users.admin.auth;
    const { ok } = client(t);
    const list = await ok<{ sync_jobs: { id: string; status: string }[] }>(
      'GET',
      `/admin/sync/jobs?integration_id=${integrationId}&status=completed&limit=2`,
      admin,
    );
    expect(list.sync_jobs.length).toBe(2);
    expect(list.sync_jobs.every((j) => j.status === 'completed')).toBe(true);
    const stats = await ok<{
      integrations: {
        integration_id: string;
        jobs: { completed: number; cancelled: number };
        rows_synced: number;
      }[];
    }>('GET', '/admin/sync/statistics', admin);
    const mine = stats.integrations.find((s) => s.integration_id === integrationId)!;
    expect(mine.jobs.completed).toBeGreaterThanOrEqual(3);
    expect(mine.jobs.cancelled).toBe(1);
    expect(mine.rows_synced).toBeGreaterThan(0);
    const health = await ok<{
      database: { ok: boolean };
      integrations: { integration_id: string; last_success_at: string | null }[];
    }>('GET', '/admin/health', admin);
    expect(health.database.ok).toBe(true);
    expect(
      health.integrations.find((i) => i.integration_id === integrationId)!.last_success_at,
    ).not.toBeNull();
  });

  it('permissions and tenant isolation', async () => {
    const { call, ok } = client(t);
    const [job] = (
      await ok<{ sync_jobs: { id: string }[] }>('GET', '/admin/sync/jobs', acme.users.admin.auth)
    ).sync_jobs;
    expectStatus(await call('GET', '/admin/sync/jobs', acme.users.national_manager.auth), 403);
    expectStatus(
      await call('POST', '/admin/sync/start', acme.users.agent.auth, { integration_id: integrationId }),
      403,
    );
    expectStatus(await call('GET', '/admin/health', acme.users.viewer.auth), 403);
    const other = globex.users.admin.auth;
    expectStatus(await call('GET', `/admin/sync/jobs/${job!.id}`, other), 404);
    expectStatus(await call('POST', `/admin/sync/jobs/${job!.id}/cancel`, other), 404);
    expectStatus(
      await call('POST', '/admin/sync/start', other, { integration_id: integrationId }),
      404,
      'INTEGRATION_NOT_FOUND',
    );
    expect((await ok<{ sync_jobs: unknown[] }>('GET', '/admin/sync/jobs', other)).sync_jobs).toHaveLength(0);
    expectStatus(
      await call('POST', '/admin/sync/start', acme.users.admin.auth, {
        integration_id: integrationId,
        bogus: 1,
      }),
      422,
    );
    expectStatus(
      await call('POST', '/admin/sync/start', acme.users.admin.auth, {
        integration_id: integrationId,
        mode: 'x',
      }),
      422,
    );
  });
});
