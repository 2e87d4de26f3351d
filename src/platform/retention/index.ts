import type { Config } from '../../config.js';
import type { Database } from '../db/types.js';
import { defineJob, type JobLogger, type JobQueue } from '../jobs/index.js';
import type { RetentionRule } from './types.js';

export type { RetentionRule } from './types.js';

/** Deletes what every retention rule says is past its time; `now` pins the clock (reruns, tests). */
export const retentionJob = defineJob<{ now?: string }>('platform.retention');

/** Daily at 03:20 UTC, away from midnight jobs and business hours in most time zones. */
export const RETENTION_CRON = '20 3 * * *';

/**
 * Rows per delete statement. Each batch is its own short transaction, so a large backlog never
 * holds locks or one long transaction: it is worked off batch after batch.
 */
export const RETENTION_BATCH_SIZE = 5000;

const DAY_MS = 86_400_000;

/** The platform's own rules: delivered mail and the rejected rows of finished imports. */
export const PLATFORM_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: 'platform.mail_outbox',
    table: 'mail_outbox',
    days: (config) => config.retentionOutboxDays,
    // Sent (or, without SMTP, logged) mail only: queued and failed mail stays for delivery and inspection.
    expired: `status in ('sent', 'logged') and created_at < $1`,
  },
  {
    name: 'platform.import_errors',
    table: 'import_errors',
    days: (config) => config.retentionImportErrorsDays,
    expired: `(tenant_id, import_id) in (select tenant_id, id from import_runs where finished_at < $1)`,
  },
];

export interface RetentionDeps {
  db: Pick<Database, 'withSystem'>;
  config: Config;
  log: JobLogger;
  rules: readonly RetentionRule[];
  batchSize?: number;
}

/** The retention pass as a plain function: deleted rows per rule. */
export function createRetention(deps: RetentionDeps) {
  const batchSize = deps.batchSize ?? RETENTION_BATCH_SIZE;
  const names = new Set<string>();
  for (const rule of deps.rules) {
    if (names.has(rule.name)) throw new Error(`Two retention rules are named ${rule.name}.`);
    names.add(rule.name);
  }

  /** Deletes one rule's expired rows, a batch per transaction, until a batch comes back short. */
  async function purge(rule: RetentionRule, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - rule.days(deps.config) * DAY_MS);
    // ctid picks the exact rows the bounded select found, whatever the table's key looks like.
    const statement =
      `with gone as (delete from ${rule.table} where ctid = any(array(` +
      `select ctid from ${rule.table} where ${rule.expired} limit ${batchSize}` +
      `)) returning 1) select count(*)::int as deleted from gone`;
    let total = 0;
    for (;;) {
      const deleted = await deps.db.withSystem(async (tx) => {
        const { rows } = await tx.sql.query<{ deleted: number }>(statement, [cutoff]);
        return rows[0]?.deleted ?? 0;
      });
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  return {
    async run(now: Date = new Date()): Promise<Record<string, number>> {
      const deleted: Record<string, number> = {};
      for (const rule of deps.rules) deleted[rule.name] = await purge(rule, now);
      deps.log.info({ deleted }, 'retention: expired rows deleted');
      return deleted;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;

/** Registers the job (API and worker processes alike, before the queue starts). */
export function registerRetentionJob(jobs: JobQueue, retention: Retention): void {
  jobs.register(
    retentionJob,
    async (data) => {
      await retention.run(data.now ? new Date(data.now) : new Date());
    },
    { retryLimit: 3, retryDelaySeconds: 300, expireInSeconds: 60 * 60, policy: 'singleton' },
  );
}
