import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { customersImporter } from '../../src/modules/catalog/imports/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import type { ImportEntity } from '../../src/platform/bulk/index.js';
import { createImportRunner, type RunObserver } from '../../src/platform/bulk/runner.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { multipart } from '../harness/multipart.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { ImportRun } from './imports.helpers.js';

const customersCsv = (prefix: string, count: number) =>
  ['code,name', ...Array.from({ length: count }, (_, i) => `${prefix}-${i + 1},Customer ${i + 1}`)].join(
    '\n',
  );

/** The customers importer, failing its `write` when `shouldFail` says so (a transient fault). */
function failingCustomers(shouldFail: (call: number) => boolean, name = 'customers'): ImportEntity {
  let calls = 0;
  const inner = customersImporter as ImportEntity;
  return {
    ...inner,
    name,
    async write(tx, input) {
      calls++;
      if (shouldFail(calls)) throw new Error(`write ${calls} failed`);
      return inner.write(tx, input);
    },
  };
}

describe('imports: the write pass in chunks', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  const admin = () => acme.users.admin;
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: admin().auth });
  const customersCount = async (prefix: string) =>
    (await get(`/customers?q=${prefix}-&limit=1`)).json<{ total: number }>().total;
  const runOf = async (id: string) => (await get(`/imports/${id}`)).json<ImportRun>();
  const fileKey = (id: string) => `tenants/${acme.tenantId}/imports/${id}.csv`;

  /** Uploads a file (its job stays queued: this app runs no workers) and returns the run id. */
  async function upload(csv: string, fields: Record<string, string>): Promise<string> {
    const { payload, contentType } = multipart(
      { name: 'data.csv', type: 'text/csv', bytes: Buffer.from(csv) },
      { entity: 'customers', ...fields },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...admin().auth, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ id: string }>().id;
  }

  /** A runner over the app's database and storage with small chunks, so a file spans many. */
  const runner = (entity: ImportEntity, batchSize = 50) =>
    createImportRunner({
      db: t.database.db,
      storage: t.app.platform.storage,
      entities: new Map([[entity.name, entity]]),
      progress: { report: async () => undefined, clear: () => undefined },
      batchSize,
      services: { jobs: t.app.platform.jobs, geocoder: t.app.platform.geocoder },
    });
  const job = (importId: string) => ({ tenantId: acme.tenantId, importId, userId: admin().id });

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  it('keeps answering requests while a large import writes', async () => {
    const id = await upload(customersCsv('BUSY', 2000), {});
    let chunks = 0;
    let answeredAfterChunk: number | undefined;
    let request: Promise<unknown> | undefined;
    const observer: RunObserver = {
      onProgress({ phase }) {
        if (phase !== 'importing') return;
        chunks++;
        request ??= get('/auth/me').then((res) => {
          expect(res.statusCode).toBe(200);
          answeredAfterChunk = chunks;
        });
      },
    };
    await runner(customersImporter as ImportEntity).run(job(id), observer);
    await request;
    expect(chunks).toBe(40);
    // The request was answered while the write pass had most of its chunks still to go (one
    // transaction for the whole pass would have held it until the end).
    expect(answeredAfterChunk).toBeLessThan(10);
    expect(await runOf(id)).toMatchObject({ status: 'completed', progress: { rows_created: 2000 } });
    expect(await customersCount('BUSY')).toBe(2000);
  });

  it('all-or-nothing: rows that fail in the last chunk leave nothing written', async () => {
    const id = await upload(customersCsv('AON', 500), { mode: 'insert', all_or_nothing: 'true' });
    let created = false;
    const observer: RunObserver = {
      async onProgress({ phase }) {
        if (phase !== 'importing' || created) return;
        created = true;
        // Someone creates the last row's code after the first chunk was staged.
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: admin().auth,
          payload: { code: 'AON-500', name: 'Created meanwhile' },
        });
        expect(res.statusCode).toBe(201);
      },
    };
    await runner(customersImporter as ImportEntity).run(job(id), observer);
    const run = await runOf(id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'ROWS_INVALID' } });
    expect(run.progress.rows_written).toBe(0);
    expect(await customersCount('AON')).toBe(1); // only the record created meanwhile
    expect(await t.app.platform.storage.exists(fileKey(id))).toBe(false);
    const staged = await t.database.db.query<{ n: number }>(
      'select count(*)::int as n from import_staged_rows where import_id = $1',
      [id],
    );
    expect(staged.rows[0]!.n).toBe(0);
  });

  it('all-or-nothing: a failure while applying the last staged chunk rolls the whole run back', async () => {
    const id = await upload(customersCsv('APPLY', 300), { all_or_nothing: 'true' });
    // 6 chunks of 50; the apply writes them in one transaction and its 6th write fails.
    const entity = failingCustomers((call) => call === 6);
    await expect(runner(entity).run(job(id), {}, { finalAttempt: false })).rejects.toThrow('write 6 failed');
    expect(await customersCount('APPLY')).toBe(0);
    expect((await runOf(id)).status).toBe('importing');

    // The retry starts the staging over and applies everything.
    await runner(entity).run(job(id), {}, { finalAttempt: true });
    expect(await runOf(id)).toMatchObject({ status: 'completed', progress: { rows_created: 300 } });
    expect(await customersCount('APPLY')).toBe(300);
  });

  it('a retried run resumes after its last committed chunk and never writes a chunk twice', async () => {
    const id = await upload(customersCsv('RES', 260), { mode: 'insert' });
    const entity = failingCustomers((call) => call === 3);
    await expect(runner(entity).run(job(id), {}, { finalAttempt: false })).rejects.toThrow('write 3 failed');
    const stopped = await runOf(id);
    expect(stopped).toMatchObject({ status: 'importing', error: null, progress: { rows_written: 100 } });
    expect(await customersCount('RES')).toBe(100);
    expect(await t.app.platform.storage.exists(fileKey(id))).toBe(true);

    // Insert mode: writing a committed chunk again would clash on its codes.
    await runner(entity).run(job(id));
    expect(await runOf(id)).toMatchObject({
      status: 'completed',
      error: null,
      progress: { rows_read: 260, rows_valid: 260, rows_written: 260, rows_created: 260 },
    });
    expect(await customersCount('RES')).toBe(260);
    expect(await t.app.platform.storage.exists(fileKey(id))).toBe(false);
  });

  it('a run that fails on its last attempt is marked failed and its file removed', async () => {
    const id = await upload(customersCsv('LAST', 10), {});
    const entity = failingCustomers(() => true);
    await expect(runner(entity).run(job(id), {}, { finalAttempt: true })).rejects.toThrow('failed');
    expect(await runOf(id)).toMatchObject({ status: 'failed', error: { code: 'IMPORT_FAILED' } });
    expect(await t.app.platform.storage.exists(fileKey(id))).toBe(false);
  });

  it('a dry run in chunks counts what it would write and writes nothing', async () => {
    const id = await upload(customersCsv('DRY', 120), { dry_run: 'true' });
    await runner(customersImporter as ImportEntity).run(job(id));
    expect(await runOf(id)).toMatchObject({
      status: 'completed',
      progress: { rows_valid: 120, rows_written: 0, rows_created: 120 },
    });
    expect(await customersCount('DRY')).toBe(0);
  });
});

describe('imports: retried by the job system', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let flakyCalls = 0;
  const flaky = failingCustomers(() => ++flakyCalls === 1, 'flaky-customers');
  const broken = failingCustomers(() => true, 'broken-customers');

  beforeAll(async () => {
    t = await createTestApp({
      config: { workers: true },
      deps: {
        modules: [identityModule, catalogModule, { name: 'faults', importers: [flaky, broken] }],
        jobOptions: { pollingIntervalSeconds: 0.5 },
      },
    });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  async function importAndWait(entity: string, csv: string): Promise<ImportRun> {
    const { payload, contentType } = multipart(
      { name: 'data.csv', type: 'text/csv', bytes: Buffer.from(csv) },
      { entity },
    );
    const headers = acme.users.admin.auth;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...headers, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode, res.body).toBe(202);
    let run: ImportRun | undefined;
    for (let i = 0; i < 200 && run?.status !== 'completed' && run?.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = (await t.app.inject({ method: 'GET', url: res.headers.location as string, headers })).json();
    }
    return run!;
  }

  it('a job whose first attempt throws is retried and completes', async () => {
    const run = await importAndWait('flaky-customers', customersCsv('FLAKY', 5));
    expect(run).toMatchObject({ status: 'completed', error: null, progress: { rows_created: 5 } });
    expect(flakyCalls).toBe(2);
  }, 30_000);

  it('a job failing every attempt fails the run and removes its file', async () => {
    const run = await importAndWait('broken-customers', customersCsv('BROKEN', 5));
    expect(run).toMatchObject({ status: 'failed', error: { code: 'IMPORT_FAILED' } });
    const key = `tenants/${acme.tenantId}/imports/${run.id}.csv`;
    expect(await t.app.platform.storage.exists(key)).toBe(false);
  }, 30_000);
});
