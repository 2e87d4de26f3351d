import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { seal } from '../../src/modules/commerce/integrations/index.js';
import {
  startFakeMoysklad,
  type FakeMoysklad,
  type FakeMoyskladOptions,
} from '../../src/modules/commerce/index.js';
import { syncRunnerOf } from '../../src/modules/commerce/sync/index.js';
import { integrations } from '../../src/modules/commerce/tables/integrations.tables.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import type { TestDatabase } from '../harness/database.js';
import { client, type Headers } from '../field/helpers.js';
import { uniq } from '../field/helpers.js';
import { COMMERCE_MODULES } from './inventory.helpers.js';

export { commerceApp, inTenantTx, scalar } from './inventory.helpers.js';
export { client, expectStatus, uniq, type Headers } from '../field/helpers.js';

/** Small sizes: a full sync takes a few dozen requests. */
export const SMALL: FakeMoyskladOptions['sizes'] = {
  folders: 4,
  products: 30,
  services: 3,
  counterparties: 8,
  stores: 2,
  documents: 40,
};

export const startFake = (options: FakeMoyskladOptions = {}): Promise<FakeMoysklad> =>
  startFakeMoysklad({ sizes: SMALL, ...options });

/** An integration of the tenant pointing at the fake (credentials sealed as the integrations service does). */
export async function createIntegration(
  t: TestApp,
  tenantId: string,
  fake: FakeMoysklad,
  values: Partial<typeof integrations.$inferInsert> = {},
): Promise<string> {
  const credentials = seal({
    type: 'basic',
    login: fake.credentials.login,
    password: fake.credentials.password,
  });
  const token = seal(uniq('hook'));
  return t.database.db.withTenant({ tenantId }, async (tx) => {
    const [row] = await tx.db
      .insert(integrations)
      .values({
        tenantId,
        provider: 'moysklad',
        name: uniq('MoySklad'),
        baseUrl: fake.baseUrl,
        authType: 'basic',
        credentialsCipher: credentials.cipher,
        credentialsKeyId: credentials.keyId,
        webhookTokenCipher: token.cipher,
        accountId: fake.accountId,
        ...values,
      })
      .returning({ id: integrations.id });
    return row!.id;
  });
}

export interface JobView {
  id: string;
  status: string;
  error: string | null;
  requests: number;
  attempts: number;
  counts: Record<
    string,
    { created: number; updated: number; deleted: number; failed: number; unchanged: number }
  >;
  totals: { created: number; updated: number; deleted: number; failed: number; unchanged: number };
  cursor: Record<string, { offset: number; done: boolean }>;
  failures: { entity: string; external_id: string | null; reason: string }[];
  failures_total: number;
}

/** Starts a job through the API and runs it in this process (as the queue's worker would). */
export async function syncNow(
  t: TestApp,
  tenantId: string,
  admin: Headers,
  body: Record<string, unknown>,
): Promise<JobView> {
  const job = await client(t).ok<JobView>('POST', '/admin/sync/start', admin, body, 202);
  await syncRunnerOf(t.app.platform).run(tenantId, job.id);
  return client(t).ok<JobView>('GET', `/admin/sync/jobs/${job.id}`, admin);
}

export function expectCompleted(job: JobView) {
  expect(job.error, JSON.stringify(job.failures)).toBeNull();
  expect(job.status).toBe('completed');
}

/**
 * The commerce app with the job queue's workers running, as `salesops serve` starts them: sync
 * jobs run on the queue, and the schedule's jobs are worked too. Given a database, several apps
 * share it like processes sharing one PostgreSQL (give them the same `integrationKeys` then).
 */
export const commerceWorkerApp = (database?: TestDatabase, config: Partial<Config> = {}): Promise<TestApp> =>
  createTestApp({
    database,
    config: { workers: true, ...config },
    deps: { modules: COMMERCE_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
  });

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** Polls `GET /admin/sync/jobs/{id}` until the job is finished, or until `until` holds. */
export async function waitForJob(
  t: TestApp,
  admin: Headers,
  id: string,
  until: (job: JobView) => boolean = (job) => FINISHED.has(job.status),
  timeoutMs = 90_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client(t).ok<JobView>('GET', `/admin/sync/jobs/${id}`, admin);
    if (until(job)) return job;
    if (Date.now() > deadline)
      throw new Error(`sync job ${id} still ${job.status}: ${JSON.stringify(job.cursor)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts a sync through the API: 202 with the queued job. */
export const startSync = (t: TestApp, admin: Headers, body: Record<string, unknown>): Promise<JobView> =>
  client(t).ok<JobView>('POST', '/admin/sync/start', admin, body, 202);

/** The fake's eight document types. */
export const FAKE_DOCUMENT_TYPES = [
  'customerorder',
  'demand',
  'invoiceout',
  'salesreturn',
  'purchaseorder',
  'supply',
  'invoicein',
  'purchasereturn',
];

/** A posted supply in the fake ERP: its first counterparty, store and product, one position. */
export function fakeSupply(
  fake: FakeMoysklad,
  { name, quantity = 1, price = 10_000 }: { name?: string; quantity?: number; price?: number } = {},
): string {
  const ref = (type: string, id: string) => ({
    meta: { href: `${fake.baseUrl}/entity/${type}/${id}`, type },
  });
  return fake.control.create('supply', {
    ...(name ? { name } : {}),
    agent: ref('counterparty', fake.control.ids('counterparty')[0]!),
    store: ref('store', fake.control.ids('store')[0]!),
    applicable: true,
    positions: [fakePosition(fake, quantity, price)],
  });
}

/** One position of the fake ERP's first product. */
export const fakePosition = (fake: FakeMoysklad, quantity: number, price = 10_000) => ({
  id: crypto.randomUUID(),
  assortmentType: 'product',
  assortmentId: fake.control.ids('product')[0]!,
  quantity,
  price,
  discount: 0,
});
