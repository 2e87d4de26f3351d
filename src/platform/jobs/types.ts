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
}

export interface JobOptions {
  /** Retries after the first failure (default 3), with exponential backoff from `retryDelaySeconds`. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** A job running longer than this is failed (and retried). */
  expireInSeconds?: number;
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: Tx;
  startAfter?: Date | number;
  /** At most one queued job per key. */
  singletonKey?: string;
}

export interface DeadLetter {
  id: string;
  queue: string;
  data: unknown;
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
  send<T>(job: JobDefinition<T>, data: T, options?: SendOptions): Promise<string | null>;
  /** Runs the job kind on a cron expression (UTC unless `tz`); re-scheduling replaces the previous one. */
  schedule<T>(job: JobDefinition<T>, cron: string, data: T, options?: { tz?: string }): Promise<void>;
  /** Creates the queues; with `workers`, also polls and runs handlers in this process. */
  start(options: { workers: boolean }): Promise<void>;
  /** Stops polling; `graceful` waits (up to `timeoutMs`) for running handlers to finish. */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  depths(): Promise<QueueDepth[]>;
  deadLetters(job?: JobDefinition<unknown>, limit?: number): Promise<DeadLetter[]>;
}

export function defineJob<T>(name: string): JobDefinition<T> {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new Error(`Invalid job name ${name}`);
  return { name };
}
