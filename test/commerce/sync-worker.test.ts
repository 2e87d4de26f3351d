import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { syncDueJob, syncRunnerOf } from '../../src/modules/commerce/sync/index.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';
import {
  client,
  commerceWorkerApp,
  createIntegration,
  expectCompleted,
  scalar,
  startFake,
  startSync,
  waitForJob,
  type JobView,
} from './sync.helpers.js';

/** The MoySklad type each sync entity pages through (dictionaries and documents). */
const ENTITY_TYPES: Record<string, string> = {
  product_folders: 'productfolder',
  products: 'product',
  variants: 'variant',
  services: 'service',
  counterparties: 'counterparty',
  stores: 'store',
  customer_orders: 'customerorder',
  shipments: 'demand',
  invoices_out: 'invoiceout',
  sales_returns: 'salesreturn',
  purchase_orders: 'purchaseorder',
  supplies: 'supply',
  invoices_in: 'invoicein',
  purchase_returns: 'purchasereturn',
};
const DICTIONARIES = Object.keys(ENTITY_TYPES).slice(0, 6);
const DOCUMENT_TYPES = Object.values(ENTITY_TYPES).slice(6);

type Job = JobView & { trigger: string; mode: string };

/** Counts in the tenant equal the fake's: no row missing, none twice. */
async function expectLocalCopyOf(t: TestApp, tenantId: string, fake: FakeMoysklad) {
  const count = (sql: string) => scalar<number>(t, tenantId, sql).then(Number);
  expect({
    products: await count('select count(*) from products'),
    folders: await count('select count(*) from product_folders'),
    variants: await count('select count(*) from product_variants'),
    customers: await count('select count(*) from customers'),
    warehouses: await count('select count(*) from warehouses'),
    documents: await count(`select count(*) from commerce_documents where deleted_at is null`),
    linkedTwice: await count(
      `select count(*) from (select entity_id from external_refs group by entity_id having count(*) > 1) d`,
    ),
  }).toEqual({
    products: fake.control.count('product') + fake.control.count('service'),
    folders: fake.control.count('productfolder'),
    variants: fake.control.count('variant'),
    customers: fake.control.count('counterparty'),
    warehouses: fake.control.count('store'),
    documents: DOCUMENT_TYPES.reduce((n, type) => n + fake.control.count(type, { trashed: 'exclude' }), 0),
    linkedTwice: 0,
  });
}

describe('sync jobs on the job queue worker', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;

  beforeAll(async () => {
    t = await commerceWorkerApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const jobsOf = async (integrationId: string) =>
    (
      await client(t).ok<{ sync_jobs: Job[] }>(
        'GET',
        `/admin/sync/jobs?integration_id=${integrationId}`,
        acme.users.admin.auth,
      )
    ).sync_jobs;

  it('POST /admin/sync/start queues the job and the worker runs it to completion', async () => {
    const admin = acme.users.admin.auth;
    // Synced just now as far as the schedule knows, so only this start runs it.
    const integrationId = await createIntegration(t, acme.tenantId, fake, { lastSyncAt: new Date() });
    const started = await startSync(t, admin, { integration_id: integrationId, mode: 'full' });
    expect(started.status).toBe('queued');
    const done = (await waitForJob(t, admin, started.id)) as Job;
    expectCompleted(done);
    expect(done).toMatchObject({ trigger: 'manual', mode: 'full', attempts: 1 });
    await expectLocalCopyOf(t, acme.tenantId, fake);
    const integration = await client(t).ok<{ last_success_at: string | null }>(
      'GET',
      `/admin/integrations/${integrationId}`,
      admin,
    );
    expect(integration.last_success_at).not.toBeNull();
  }, 120_000);

  it('the schedule (commerce.sync-due) starts an incremental job for a due integration only', async () => {
    const admin = acme.users.admin.auth;
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    const due = await createIntegration(t, acme.tenantId, fake, {
      lastSyncAt: hourAgo,
      syncIntervalMinutes: 15,
    });
    const notDue = await createIntegration(t, acme.tenantId, fake, {
      lastSyncAt: hourAgo,
      syncIntervalMinutes: 120,
    });
    const paused = await createIntegration(t, acme.tenantId, fake, { lastSyncAt: hourAgo, status: 'paused' });
    // A change in the ERP since: the incremental job reads it.
    const productId = fake.control.ids('product')[2]!;
    fake.control.update('product', productId, { name: 'Renamed before the schedule' });
    fake.control.advanceClock(10_000);

    // What the cron tick does: queue the scheduled job; the worker runs it, and it queues the sync.
    await t.app.platform.jobs.send(syncDueJob, {});
    const deadline = Date.now() + 60_000;
    let jobs: Job[] = [];
    while (jobs.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      jobs = await jobsOf(due);
    }
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ trigger: 'schedule', mode: 'incremental' });
    const done = await waitForJob(t, admin, jobs[0]!.id);
    expectCompleted(done);
    expect(done.counts.products!.updated).toBeGreaterThanOrEqual(1);
    expect(
      await scalar(
        t,
        acme.tenantId,
        `select p.name from products p join external_refs r on r.entity_id = p.id
          where r.entity_type = 'product' and r.external_id = $1`,
        [productId],
      ),
    ).toBe('Renamed before the schedule');
    expect(await jobsOf(notDue)).toEqual([]);
    expect(await jobsOf(paused)).toEqual([]);
  }, 120_000);

  // The API and the worker of one process share the runner: a cancel stops a worker's run at once,
  // and resumeStaleJobs never queues a second run of a job this process is running.
  it('the runner the API reaches is the one that runs the jobs of the worker', async () => {
    const admin = acme.users.admin.auth;
    const integrationId = await createIntegration(t, acme.tenantId, fake, { lastSyncAt: new Date() });
    fake.control.injectFailure({ status: 200, count: 1, path: '/entity/customerorder', delayMs: 20_000 });
    const started = await startSync(t, admin, {
      integration_id: integrationId,
      entities: ['customer_orders'],
    });
    try {
      await waitForJob(t, admin, started.id, (job) => job.status === 'running');
      expect(syncRunnerOf(t.app.platform).isRunning(started.id)).toBe(true);
    } finally {
      fake.control.clearFailures();
      await client(t).ok('POST', `/admin/sync/jobs/${started.id}/cancel`, admin);
      await waitForJob(t, admin, started.id);
    }
  }, 60_000);
});

/**
 * The database as one process reaches it. `sever()` is that process dying: from then on nothing it
 * does reaches the database (its heartbeat, its pages, its queue), while other processes go on.
 */
function severable(database: TestDatabase): TestDatabase & { sever(): void } {
  let severed = false;
  const db = new Proxy(database.db, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        severed
          ? Promise.reject(new Error('the process is gone'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return {
    db,
    close: async () => undefined,
    sever: () => {
      severed = true;
    },
  };
}

describe('a worker stopped in the middle of a job', () => {
  let database: TestDatabase;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFake();
  });
  afterAll(async () => {
    await first?.close().catch(() => undefined);
    await second?.close();
    await fake.close();
    await database.close();
  });

  it('leaves the job running; a new worker resumes it from the saved cursor, no duplicates, no gaps', async () => {
    // Processes sharing a database share the keys that seal the credentials.
    const keys = { integrationKeys: [{ id: 'shared', key: randomBytes(32) }] };
    const firstProcess = severable(database);
    first = await commerceWorkerApp(firstProcess, { ...keys, shutdownTimeoutMs: 500 });
    acme = await identityFixture(first, 'acme');
    const admin = acme.users.admin.auth;
    const integrationId = await createIntegration(first, acme.tenantId, fake, {
      lastSyncAt: new Date(),
      options: { retryBaseMs: 20 },
    });
    // Customer orders answer slowly: the worker is caught after the dictionaries' pages are saved,
    // waiting for the next page.
    fake.control.injectFailure({ status: 200, count: 1, path: '/entity/customerorder', delayMs: 20_000 });
    const started = await startSync(first, admin, { integration_id: integrationId, mode: 'full' });
    const halfway = await waitForJob(first, admin, started.id, (job) =>
      DICTIONARIES.every((e) => job.cursor[e]?.done),
    );
    expect(halfway.status).toBe('running');

    // The process dies between pages: its heartbeat stops, the page in flight is never saved, its
    // worker is gone.
    firstProcess.sever();
    await first.close().catch(() => undefined);
    first = undefined;
    const atStop = await database.db.withTenant({ tenantId: acme.tenantId }, async (tx) => {
      const { rows } = await tx.sql.query<{ cursor: Job['cursor']; attempts: number; status: string }>(
        'select cursor, attempts, status from sync_jobs where id = $1',
        [started.id],
      );
      return rows[0]!;
    });
    expect(atStop.status).toBe('running');
    const saved = Object.entries(atStop.cursor)
      .filter(([, c]) => c.done)
      .map(([entity]) => entity);
    expect(saved.sort()).toEqual([...DICTIONARIES].sort());
    // Two minutes later, as far as its heartbeat tells: the job lost its process.
    await database.db.withSystem((tx) =>
      tx.sql.query(`update sync_jobs set heartbeat_at = now() - interval '2 minutes' where id = $1`, [
        started.id,
      ]),
    );
    fake.control.resetStats();

    // A new process with workers takes the job over as it starts and finishes it.
    second = await commerceWorkerApp(database, keys);
    const done = await waitForJob(second, admin, started.id);
    expectCompleted(done);
    expect(done.attempts).toBe(atStop.attempts + 1);
    await expectLocalCopyOf(second, acme.tenantId, fake);
    // Every row created once over both runs.
    expect(done.counts.products!.created + done.counts.services!.created).toBe(
      fake.control.count('product') + fake.control.count('service'),
    );
    expect(done.counts.counterparties!.created).toBe(fake.control.count('counterparty'));
    // The new run read none of the pages the first had saved, and every page after them.
    const pagesRead = fake.control
      .requests()
      .filter((r) => /filter=(archived|isDeleted)/.test(r.path))
      .map((r) => /\/entity\/([a-z]+)\?/.exec(r.path)?.[1]);
    expect(new Set(pagesRead)).toEqual(new Set(DOCUMENT_TYPES));
  }, 180_000);
});

describe('an app closed in the middle of a job', () => {
  let database: TestDatabase;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let fake: FakeMoysklad;

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFake();
  });
  afterAll(async () => {
    await first?.close().catch(() => undefined);
    await second?.close();
    await fake.close();
    await database.close();
  });

  it('interrupts the run at once; the job stays running at its cursor and the next start finishes it', async () => {
    const keys = { integrationKeys: [{ id: 'shared', key: randomBytes(32) }] };
    // A graceful stop that would wait out the slow page if nothing interrupted the run.
    first = await commerceWorkerApp(database, { ...keys, shutdownTimeoutMs: 60_000 });
    const acme = await identityFixture(first, 'acme');
    const admin = acme.users.admin.auth;
    const integrationId = await createIntegration(first, acme.tenantId, fake, { lastSyncAt: new Date() });
    fake.control.injectFailure({ status: 200, count: 1, path: '/entity/customerorder', delayMs: 30_000 });
    const started = await startSync(first, admin, { integration_id: integrationId, mode: 'full' });
    await waitForJob(first, admin, started.id, (job) => DICTIONARIES.every((e) => job.cursor[e]?.done));

    const closing = performance.now();
    await first.close();
    first = undefined;
    expect(performance.now() - closing).toBeLessThan(15_000);
    // Let go, not lost: still running at its cursor, with no heartbeat for the next start to wait out.
    const atStop = await scalar<string>(
      { database } as TestApp,
      acme.tenantId,
      `select status || ' ' || (heartbeat_at is null) from sync_jobs where id = '${started.id}'`,
    );
    expect(atStop).toBe('running true');

    fake.control.clearFailures();
    second = await commerceWorkerApp(database, keys);
    expectCompleted(await waitForJob(second, admin, started.id));
  }, 180_000);
});
