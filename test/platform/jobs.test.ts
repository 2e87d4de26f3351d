import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import type { Database } from '../../src/platform/db/index.js';
import {
  createJobQueue,
  defineJob,
  installJobSchema,
  type JobLogger,
  type JobQueue,
  type JobRunInfo,
} from '../../src/platform/jobs/index.js';
import { bossDbFor } from '../../src/platform/jobs/sql-adapter.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';

/** Polls until `check` returns a truthy value (no fixed sleeps); fails with `what` at the deadline. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 15_000,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

function captureLog(): JobLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) =>
    entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A deferred the test resolves to let a running handler finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe(`job queue (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let db: Database;
  const queues: JobQueue[] = [];
  const logs: ReturnType<typeof captureLog>[] = [];

  /** Fast intervals so each test takes seconds: polling 0.5 s (pg-boss minimum), cron and maintenance 1 s. */
  function newQueue(log = captureLog()): JobQueue {
    logs.push(log);
    const queue = createJobQueue(db, log, {
      pollingIntervalSeconds: 0.5,
      cronMonitorIntervalSeconds: 1,
      cronWorkerIntervalSeconds: 1,
      maintenanceIntervalSeconds: 1,
    });
    queues.push(queue);
    return queue;
  }

  async function jobRow(id: string) {
    const { rows } = await db.query<{ state: string; retry_count: number; output: unknown }>(
      'select state::text as state, retry_count, output from pgboss.job where id = $1',
      [id],
    );
    return rows[0];
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop({ graceful: false });
    // pg-boss reports polling, cron and maintenance failures as 'error' events: there must be none.
    const queueErrors = logs
      .splice(0)
      .flatMap((log) => log.entries.filter((e) => e.msg === 'job queue error'));
    expect(queueErrors).toEqual([]);
  });
  afterAll(() => database.close());

  it('installs pg-boss with the least the application role needs to enqueue', async () => {
    await installJobSchema(db); // the template ran it already: a second run changes nothing
    const { rows } = await db.query<Record<string, boolean>>(
      `select has_schema_privilege('salesops_app', 'pgboss', 'USAGE') as schema_usage,
              has_table_privilege('salesops_app', 'pgboss.job', 'INSERT') as job_insert,
              has_column_privilege('salesops_app', 'pgboss.job', 'id', 'SELECT') as job_id,
              has_column_privilege('salesops_app', 'pgboss.job', 'data', 'SELECT') as job_data,
              has_table_privilege('salesops_app', 'pgboss.job', 'UPDATE') as job_update,
              has_table_privilege('salesops_app', 'pgboss.job', 'DELETE') as job_delete,
              has_table_privilege('salesops_app', 'pgboss.queue', 'SELECT') as queue_select`,
    );
    expect(rows[0]).toEqual({
      schema_usage: true,
      job_insert: true,
      job_id: true,
      job_data: false,
      job_update: false,
      job_delete: false,
      queue_select: true,
    });
  });

  it('runs pg-boss scripts atomically and leaves the connection usable when one fails', async () => {
    const sql = bossDbFor(db, () => undefined);
    const script = `
      BEGIN;
      SET LOCAL lock_timeout = '30s';
      CREATE TABLE public.job_script_probe (x int);
      SELECT 1/0;
      COMMIT;
    `;
    await expect(sql.executeSql(script)).rejects.toThrow('division by zero');
    const { rows } = await db.query(`select to_regclass('public.job_script_probe') as t, 1 as ok`);
    expect(rows).toEqual([{ t: null, ok: 1 }]);
  });

  it('logs, instead of rejecting, the completion pg-boss does not await', async () => {
    const failing = { ...db, query: () => Promise.reject(new Error('connection lost')) } as Database;
    const errors: unknown[] = [];
    const sql = bossDbFor(failing, (error) => errors.push(error));
    const completion = ['test.any', [uuidv7()], null];
    await expect(sql.executeSql('update pgboss.job set …', completion)).resolves.toEqual({
      rows: [{ count: 0 }],
    });
    expect(errors).toHaveLength(1);
    await expect(sql.executeSql('select …', ['test.any', 1])).rejects.toThrow('connection lost');
    await sql.drain();
  });

  it('runs a job with its data', async () => {
    const job = defineJob<{ orderId: string }>('test.run');
    const seen: { data: { orderId: string }; info: JobRunInfo }[] = [];
    const jobs = newQueue();
    jobs.register(job, async (data, info) => void seen.push({ data, info }));
    await jobs.start({ workers: true });

    const id = await jobs.send(job, { orderId: 'o-1' });
    await waitFor('the handler', () => seen.length === 1);
    expect(seen[0]).toEqual({ data: { orderId: 'o-1' }, info: { id, attempt: 1 } });
    await waitFor('completion', async () => (await jobRow(id!))?.state === 'completed');
  });

  it('hands a batch handler the waiting jobs together and retries the whole batch when it fails', async () => {
    const job = defineJob<{ n: number }>('test.batch');
    const batches: { n: number[]; attempts: number[] }[] = [];
    const handler = async (items: { data: { n: number }; info: JobRunInfo }[]) => {
      batches.push({ n: items.map((i) => i.data.n).sort(), attempts: items.map((i) => i.info.attempt) });
      if (batches.length === 1) throw new Error('the first batch fails');
    };
    const options = { batchSize: 10, retryLimit: 1, retryDelaySeconds: 1 };
    // One queue sends while no worker runs, so all five wait for the worker's first fetch.
    const sender = newQueue();
    sender.registerBatch(job, handler, options);
    expect(() =>
      sender.registerBatch(defineJob<{ n: number }>('test.batch-none'), handler, { batchSize: 0 }),
    ).toThrow(/batchSize/);
    await sender.start({ workers: false });
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push((await sender.send(job, { n }))!);

    const log = captureLog();
    const worker = newQueue(log);
    worker.registerBatch(job, handler, options);
    await worker.start({ workers: true });
    const retried = () => batches.slice(1).flatMap((batch) => batch.n);
    await waitFor('the retried jobs', () => retried().length >= 5);
    expect(batches[0]).toEqual({ n: [1, 2, 3, 4, 5], attempts: [1, 1, 1, 1, 1] });
    // Each retry waits its own jittered delay, so the retries may come back in several batches.
    expect(retried().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(batches.slice(1).flatMap((batch) => batch.attempts))).toEqual(new Set([2]));
    for (const id of ids) await waitFor('completion', async () => (await jobRow(id))?.state === 'completed');
    const failures = log.entries.filter((e) => e.level === 'error' && e.obj.job === 'test.batch');
    expect(failures.map((e) => e.obj.jobId).sort()).toEqual([...ids].sort());
  });

  it('retries a failing job with backoff, then moves it to the dead letters', async () => {
    const job = defineJob<{ n: number }>('test.fail');
    const attempts: number[] = [];
    const startedAt: number[] = [];
    const log = captureLog();
    const jobs = newQueue(log);
    jobs.register(
      job,
      async (_data, { attempt }) => {
        attempts.push(attempt);
        startedAt.push(Date.now());
        throw new Error(`boom ${attempt}`);
      },
      { retryLimit: 2, retryDelaySeconds: 1 },
    );
    await jobs.start({ workers: true });

    const id = await jobs.send(job, { n: 7 });
    const [dead] = await waitFor('the dead letter', async () => {
      const letters = await jobs.deadLetters(job);
      return letters.length > 0 && letters;
    });
    expect(attempts).toEqual([1, 2, 3]);
    // Exponential backoff from a 1 s base: the first retry waits 1–2 s, the second 2–4 s.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(900);
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(1900);
    expect(dead).toMatchObject({ queue: 'test.fail', data: { n: 7 }, attempts: 3 });
    expect((dead!.error as { message: string }).message).toBe('boom 3');
    expect(Date.parse(dead!.failedAt)).not.toBeNaN();
    expect((await jobs.deadLetters()).map((d) => d.id)).toContain(dead!.id);
    expect((await jobRow(id!))?.state).toBe('failed');

    const failures = log.entries.filter((e) => e.level === 'error' && e.obj.jobId === id);
    expect(failures.map((e) => [e.obj.job, e.obj.attempt])).toEqual([
      ['test.fail', 1],
      ['test.fail', 2],
      ['test.fail', 3],
    ]);
    expect(failures[2]!.msg).toMatch(/dead letters/);
  });

  it('enqueues inside a tenant transaction: a rollback discards the job, a commit runs it', async () => {
    const job = defineJob<{ step: string }>('test.tx');
    const seen: string[] = [];
    const jobs = newQueue();
    jobs.register(job, async (data) => void seen.push(data.step));
    await jobs.start({ workers: true });
    const tenantId = uuidv7();

    let rolledBackId: string | null = null;
    await expect(
      db.withTenant({ tenantId }, async (tx) => {
        rolledBackId = await jobs.send(job, { step: 'rolled-back' }, { tx });
        throw new Error('the use case failed after enqueueing');
      }),
    ).rejects.toThrow('the use case failed');
    expect(rolledBackId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await jobRow(rolledBackId!)).toBeUndefined();

    const committedId = await db.withTenant({ tenantId }, (tx) =>
      jobs.send(job, { step: 'committed' }, { tx }),
    );
    await waitFor('the committed job', () => seen.includes('committed'));
    expect(seen).toEqual(['committed']);
    expect((await jobRow(committedId!))?.state).toMatch(/active|completed/);
  });

  it('fires a cron schedule through pg-boss’s own cron pipeline', async () => {
    const job = defineJob<{ report: string }>('test.cron');
    const seen: { report: string }[] = [];
    const jobs = newQueue();
    jobs.register(job, async (data) => void seen.push(data));
    // Every minute: the previous tick is always within the last 60 s, so the next cron check (every
    // second here) enqueues it once for this minute, and the cron worker turns it into a real job.
    await jobs.schedule(job, '* * * * *', { report: 'daily' }, { tz: 'Europe/Berlin' });
    const { rows } = await db.query<{ cron: string; timezone: string }>(
      `select cron, timezone from pgboss.schedule where name = 'test.cron'`,
    );
    expect(rows).toEqual([{ cron: '* * * * *', timezone: 'Europe/Berlin' }]);

    await jobs.start({ workers: true });
    await waitFor('the scheduled job', () => seen.length > 0);
    expect(seen[0]).toEqual({ report: 'daily' });

    await jobs.unschedule(job);
    expect((await db.query(`select 1 from pgboss.schedule where name = 'test.cron'`)).rows).toEqual([]);
  });

  it('reports queue depths by state, including empty registered queues', async () => {
    const job = defineJob<{ i: number }>('test.depth');
    const idle = defineJob<{ i: number }>('test.idle');
    const jobs = newQueue();
    jobs.register(job, async () => undefined);
    jobs.register(idle, async () => undefined);
    await jobs.start({ workers: false }); // queues only: the jobs stay queued
    await jobs.send(job, { i: 1 });
    await jobs.send(job, { i: 2 });
    await jobs.send(job, { i: 3 }, { startAfter: 3600 });

    const depths = await jobs.depths();
    const count = (queue: string, state: string) =>
      depths.find((d) => d.queue === queue && d.state === state)?.count;
    expect(count('test.depth', 'created')).toBe(3);
    expect(count('test.depth', 'active')).toBe(0);
    expect(count('test.depth.dead', 'created')).toBe(0);
    expect(count('test.idle', 'created')).toBe(0);
    expect(depths.some((d) => d.queue.startsWith('__pgboss'))).toBe(false);
  });

  it('refuses to send a job that is not registered or whose queue was never created', async () => {
    const jobs = newQueue();
    const known = defineJob<{ a: number }>('test.not-started');
    jobs.register(known, async () => undefined);
    await expect(jobs.send(defineJob<{ a: number }>('test.unknown'), { a: 1 })).rejects.toThrow(
      'not registered',
    );
    await expect(jobs.send(known, { a: 1 })).rejects.toThrow('call start() first');
  });

  it('graceful stop waits for a running handler to finish', async () => {
    const job = defineJob<{ slow: boolean }>('test.graceful');
    const running = gate();
    const release = gate();
    let finished = false;
    const jobs = newQueue();
    jobs.register(job, async () => {
      running.open();
      await release.opened;
      finished = true;
    });
    await jobs.start({ workers: true });
    const id = await jobs.send(job, { slow: true });
    await running.opened;

    setTimeout(release.open, 300);
    await jobs.stop({ graceful: true, timeoutMs: 10_000 });
    expect(finished).toBe(true);
    expect((await jobRow(id!))?.state).toBe('completed');
  });

  it('a non-graceful stop hands the running job back for a retry', async () => {
    const job = defineJob<{ slow: boolean }>('test.abort');
    const running = gate();
    const release = gate();
    const jobs = newQueue();
    jobs.register(job, () => (running.open(), release.opened), { retryDelaySeconds: 60 });
    await jobs.start({ workers: true });
    const id = await jobs.send(job, { slow: true });
    await running.opened;

    await jobs.stop({ graceful: false });
    const row = await jobRow(id!);
    expect(row?.state).toBe('retry');
    expect(JSON.stringify(row?.output)).toMatch(/shut down while active/);
    release.open();
  });

  it('maintenance fails a job whose worker died, and dead-letters it', async () => {
    const job = defineJob<{ stuck: boolean }>('test.expire');
    const jobs = newQueue();
    jobs.register(job, async () => undefined, { retryLimit: 0, expireInSeconds: 1 });
    // Queued far in the future so no worker takes it; then marked as taken by a worker that vanished.
    const starter = newQueue();
    starter.register(job, async () => undefined, { retryLimit: 0, expireInSeconds: 1 });
    await starter.start({ workers: false });
    const id = await starter.send(job, { stuck: true }, { startAfter: 3600 });
    await db.query(
      `update pgboss.job set state = 'active', started_on = now() - interval '1 minute' where id = $1`,
      [id],
    );

    await jobs.start({ workers: true });
    await waitFor('maintenance', async () => (await jobRow(id!))?.state === 'failed');
    expect(JSON.stringify((await jobRow(id!))?.output)).toMatch(/failed by timeout/);
    expect((await jobs.deadLetters(job)).map((d) => d.data)).toEqual([{ stuck: true }]);
  });
});
