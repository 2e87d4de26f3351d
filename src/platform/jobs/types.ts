import type { Tx } from '../db/types.js';
import type { QueueDepth } from '../observability/metrics.js';

/** A job kind: its queue name and, through the type parameter, the shape of its data. */
export interface JobDefinition<T> {
  readonly name: string;
  /** Phantom field carrying T; never set at run time. */
  readonly __data?: T;
}

export interface JobRunInfo {
  id: string;
  /** 1 on the first try, 2 on the first retry… */
  attempt: number;
  /**
   * Set for scheduled jobs by the scheduler: `manual` when someone runs the job now
   * (`POST /scheduler/jobs/{id}/run`), `schedule` for a cron tick or a catch-up.
   */
  trigger?: 'schedule' | 'manual';
}

/** One job of a batch handed to a `registerBatch` handler. */
export interface JobItem<T> {
  data: T;
  info: JobRunInfo;
}

export interface JobOptions {
  /** Retries after the first failure (default 3), with exponential backoff from `retryDelaySeconds`. */
  retryLimit?: number;
  /**
   * Base of the backoff (whole seconds, default 10): retry n waits between d·2^(n-1) and d·2^n
   * seconds (pg-boss adds the jitter); backoff makes the effective minimum 1 second.
   */
  retryDelaySeconds?: number;
  /** A job running longer than this is failed (and retried). Default 15 minutes, less than 24 h. */
  expireInSeconds?: number;
  /**
   * pg-boss queue policy; only needed for `singletonKey`. `short`: at most one queued job per key
   * (a send without a key counts as the key ''); `singleton`: at most one active job per key;
   * `stately`: one queued and one active per key. Default `standard` (no deduplication).
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: Tx;
  /** A time, or a delay in seconds. */
  startAfter?: Date | number;
  /** Deduplicates by key as the job's `policy` says; `send` then returns null for a duplicate. */
  singletonKey?: string;
}

export interface DeadLetter {
  /** The dead letter's own id (not the failed job's). */
  id: string;
  /** The job kind it was sent as (its dead-letter queue is `<queue>.dead`). */
  queue: string;
  data: unknown;
  /** What the last attempt failed with: a thrown Error's serialized fields (name, message, stack). */
  error: unknown;
  attempts: number;
  failedAt: string;
}

/**
 * The job system every module uses: typed registration, transactional enqueue, cron schedules,
 * retries with backoff and a dead-letter queue per job kind.
 */
export interface JobQueue {
  /** Registers the handler of a job kind (before `start`). */
  register<T>(
    job: JobDefinition<T>,
    handler: (data: T, info: JobRunInfo) => Promise<void>,
    options?: JobOptions,
  ): void;
  /**
   * Registers a handler that takes up to `batchSize` waiting jobs of its kind at once, for work that
   * merges (refreshing the union of the days several jobs name once). The batch succeeds or fails
   * as a whole: on a failure every job in it is retried, so the handler must be idempotent.
   */
  registerBatch<T>(
    job: JobDefinition<T>,
    handler: (items: JobItem<T>[]) => Promise<void>,
    options: JobOptions & { batchSize: number },
  ): void;
  send<T>(job: JobDefinition<T>, data: T, options?: SendOptions): Promise<string | null>;
  /**
   * Runs the job kind on a cron expression (UTC unless `tz`; minute granularity); re-scheduling
   * replaces the previous one. Stored in the database, so one schedule serves every process.
   */
  schedule<T>(job: JobDefinition<T>, cron: string, data: T, options?: { tz?: string }): Promise<void>;
  unschedule(job: JobDefinition<unknown>): Promise<void>;
  /**
   * Creates (or updates) the registered queues; with `workers`, also runs handlers, cron and
   * maintenance in this process. Call it once; after `stop` create a new queue.
   */
  start(options: { workers: boolean }): Promise<void>;
  /** Stops polling; `graceful` waits (up to `timeoutMs`) for running handlers to finish. */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  /** Jobs per queue and state (registered queues always report created/retry/active/failed). */
  depths(): Promise<QueueDepth[]>;
  /**
   * Whether a job of this kind whose data contains `match` (JSON containment) waits to run: queued,
   * or failed and waiting for its retry. Lets a caller re-enqueue work without piling up duplicates.
   */
  isQueued<T>(job: JobDefinition<T>, match: Partial<T>): Promise<boolean>;
  /** Jobs that failed every attempt, newest first (all job kinds, or one). */
  deadLetters(job?: JobDefinition<unknown>, limit?: number): Promise<DeadLetter[]>;
}

/** The pino-like logger the job queue reports to (a Fastify/pino logger fits). */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobQueueOptions {
  /** How often an idle worker polls its queue, in seconds (pg-boss minimum 0.5; default 2). */
  pollingIntervalSeconds?: number;
  /** How often schedules are checked, in seconds (1–45; default 30). Cron itself has minute granularity. */
  cronMonitorIntervalSeconds?: number;
  /** How often due cron jobs are turned into jobs, in seconds (1–45; default 5). */
  cronWorkerIntervalSeconds?: number;
  /** How often expired jobs are failed and finished ones archived, in seconds (default 120). */
  maintenanceIntervalSeconds?: number;
}

/** The suffix of a job kind's dead-letter queue. */
export const DEAD_LETTER_SUFFIX = '.dead';

export function defineJob<T>(name: string): JobDefinition<T> {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name) || name.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new Error(`Invalid job name ${name}`);
  }
  return { name };
}
