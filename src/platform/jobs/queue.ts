import PgBoss from 'pg-boss';
import type { Database } from '../db/types.js';
import { isQueued, listDeadLetters, queueDepths } from './inspect.js';
import { JOB_SCHEMA } from './schema.js';
import { bossDbFor, bossDbForTx } from './sql-adapter.js';
import {
  DEAD_LETTER_SUFFIX,
  type JobDefinition,
  type JobItem,
  type JobLogger,
  type JobOptions,
  type JobQueue,
  type JobQueueOptions,
} from './types.js';

interface Registration {
  /** Runs what one fetch returned: one job, or up to `batchSize` for a batch handler. */
  run: (items: JobItem<unknown>[]) => Promise<void>;
  batchSize: number;
  queue: PgBoss.Queue;
}

const DEFAULT_RETRY_LIMIT = 3;
const DEFAULT_RETRY_DELAY_SECONDS = 10;
const DEFAULT_EXPIRE_SECONDS = 15 * 60;

function queueOptions(name: string, options: JobOptions): PgBoss.Queue {
  return {
    name,
    policy: options.policy ?? 'standard',
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelay: options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
    deadLetter: `${name}${DEAD_LETTER_SUFFIX}`,
  };
}

/**
 * The job queue on pg-boss, for both drivers. pg-boss never opens a connection of its own: every
 * statement goes through `db` (PGlite has no server to connect to; on PostgreSQL this keeps one pool
 * for the API and the workers — one size to tune, one set of pool metrics, and jobs cannot starve a
 * second pool the operator forgot about — pg-boss holds a connection only per statement, never while
 * a handler runs). A send inside a transaction goes through that transaction's connection instead.
 *
 * The pg-boss schema is installed by `installJobSchema` during migrate, so this never migrates.
 */
export function createJobQueue(db: Database, log: JobLogger, options: JobQueueOptions = {}): JobQueue {
  const registry = new Map<string, Registration>();
  const sql = bossDbFor(db, (error) =>
    log.error(
      { err: error },
      'job queue: could not record a finished job; it will be retried after it expires',
    ),
  );
  const boss = new PgBoss({
    db: sql,
    schema: JOB_SCHEMA,
    migrate: false,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds ?? 5,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
  });
  // An EventEmitter 'error' without a listener throws; pg-boss reports polling and maintenance
  // failures (database briefly unreachable) this way and keeps going.
  boss.on('error', (error: unknown) => log.error({ err: error }, 'job queue error'));

  let starting: Promise<void> | undefined;
  let running = false; // pg-boss itself started: workers, cron and maintenance in this process

  function registrationOf(job: JobDefinition<unknown>): Registration {
    const registration = registry.get(job.name);
    if (!registration) throw new Error(`Job ${job.name} is not registered`);
    return registration;
  }

  /** Idempotent (create does nothing for an existing queue); update applies changed options. */
  async function ensureQueue(registration: Registration): Promise<void> {
    const { name, deadLetter } = registration.queue;
    await boss.createQueue(deadLetter!, { name: deadLetter! });
    await boss.createQueue(name, registration.queue);
    await boss.updateQueue(name, registration.queue);
  }

  /**
   * pg-boss calls with what one fetch returned (one job unless the handler takes batches) and
   * completes or fails all of it together; attempt 1 is the first try.
   */
  function workerFor(name: string, registration: Registration) {
    return async (jobs: PgBoss.JobWithMetadata<unknown>[]) => {
      try {
        await registration.run(
          jobs.map((job) => ({ data: job.data, info: { id: job.id, attempt: job.retryCount + 1 } })),
        );
      } catch (error) {
        for (const job of jobs) {
          const final = job.retryCount >= job.retryLimit;
          log.error(
            { err: error, job: name, jobId: job.id, attempt: job.retryCount + 1, retryLimit: job.retryLimit },
            final
              ? 'job failed on its last attempt; moved to dead letters'
              : 'job failed; it will be retried',
          );
        }
        throw error; // pg-boss records the failure and schedules the retry
      }
    };
  }

  function add(
    job: JobDefinition<unknown>,
    registration: Omit<Registration, 'queue'>,
    jobOptions: JobOptions,
  ) {
    if (starting) throw new Error(`Register job ${job.name} before the job queue starts`);
    if (registry.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    registry.set(job.name, { ...registration, queue: queueOptions(job.name, jobOptions) });
  }

  async function startQueues(workers: boolean): Promise<void> {
    for (const registration of registry.values()) await ensureQueue(registration);
    if (!workers) return;
    // With `migrate: false` pg-boss only checks the installed schema version, then starts cron
    // (timekeeper) and maintenance (supervise) on top of this process's workers.
    await boss.start();
    running = true;
    for (const [name, registration] of registry) {
      await boss.work(
        name,
        {
          batchSize: registration.batchSize,
          includeMetadata: true,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
        },
        workerFor(name, registration),
      );
    }
    log.info({ queues: [...registry.keys()] }, 'job workers started');
  }

  return {
    register(job, handler, jobOptions = {}) {
      const run = async (items: JobItem<unknown>[]) => {
        for (const { data, info } of items) await handler(data as never, info);
      };
      add(job, { run, batchSize: 1 }, jobOptions);
    },

    registerBatch(job, handler, { batchSize, ...jobOptions }) {
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error(`Job ${job.name}: batchSize must be ≥ 1`);
      add(job, { run: handler as Registration['run'], batchSize }, jobOptions);
    },

    async send(job, data, sendOptions = {}) {
      const { queue } = registrationOf(job);
      const id = await boss.send(job.name, data as object, {
        startAfter: sendOptions.startAfter,
        singletonKey: sendOptions.singletonKey,
        ...(sendOptions.tx ? { db: bossDbForTx(sendOptions.tx) } : {}),
      });
      // pg-boss inserts through a join with its queue table: with no queue row it silently inserts
      // nothing. Only deduplicating policies may legitimately return null.
      if (id === null && queue.policy === 'standard') {
        throw new Error(`Job ${job.name} was not enqueued: its queue does not exist (call start() first)`);
      }
      return id;
    },

    async schedule(job, cron, data, scheduleOptions = {}) {
      // The schedule row references the queue, so create it first (schedule may precede start()).
      await ensureQueue(registrationOf(job));
      await boss.schedule(job.name, cron, data as object, { tz: scheduleOptions.tz ?? 'UTC' });
    },

    async unschedule(job) {
      await boss.unschedule(job.name);
    },

    start({ workers }) {
      starting ??= startQueues(workers);
      return starting;
    },

    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      await starting?.catch(() => undefined);
      // pg-boss stops polling, waits (graceful) for running handlers, then fails the ones still
      // running at the deadline so they are retried elsewhere. `close` is moot: the pool is ours.
      if (running) await boss.stop({ graceful, timeout: timeoutMs, wait: true, close: false });
      running = false;
      // The completion of the last job is written after pg-boss considers it done; wait for it, so
      // the caller may close the database now.
      await sql.drain();
    },

    depths: () => queueDepths(db, registry.keys()),

    isQueued: (job, match) => isQueued(db, registrationOf(job).queue.name, match),

    deadLetters: (job, limit = 100) => listDeadLetters(db, job?.name, limit),
  };
}
