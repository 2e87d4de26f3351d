import type { Database } from '../db/types.js';
import type { QueueDepth } from '../observability/metrics.js';
import { JOB_SCHEMA } from './schema.js';
import { DEAD_LETTER_SUFFIX, type DeadLetter } from './types.js';

/** States a registered queue always reports, so its gauges exist (as 0) before the first job. */
const REPORTED_STATES = ['created', 'retry', 'active', 'failed'] as const;

/**
 * Jobs per queue and state in one grouped query (what a Prometheus scrape costs). pg-boss's internal
 * queues (cron hand-off) are left out; dead-letter queues are included — their `created` count is
 * the number of dead letters waiting for someone.
 */
export async function queueDepths(db: Database, registered: Iterable<string>): Promise<QueueDepth[]> {
  const { rows } = await db.query<QueueDepth>(
    `select name as queue, state::text as state, count(*)::int as count
       from ${JOB_SCHEMA}.job
      where name not like '\\_\\_pgboss\\_\\_%'
      group by name, state`,
  );
  const depths = new Map(rows.map((row) => [`${row.queue}\u0000${row.state}`, row]));
  for (const name of registered) {
    for (const queue of [name, `${name}${DEAD_LETTER_SUFFIX}`]) {
      for (const state of REPORTED_STATES) {
        const key = `${queue}\u0000${state}`;
        if (!depths.has(key)) depths.set(key, { queue, state, count: 0 });
      }
    }
  }
  return [...depths.values()].sort(
    (a, b) => a.queue.localeCompare(b.queue) || a.state.localeCompare(b.state),
  );
}

/** Whether a job of `queueName` with data containing `match` is queued or waiting for a retry. */
export async function isQueued(db: Database, queueName: string, match: unknown): Promise<boolean> {
  const { rows } = await db.query<{ queued: boolean }>(
    `select exists (
       select 1 from ${JOB_SCHEMA}.job
        where name = $1 and state in ('created', 'retry') and data @> $2::jsonb
     ) as queued`,
    [queueName, JSON.stringify(match)],
  );
  return rows[0]?.queued === true;
}

/** pg-boss stores a thrown Error as its serialized fields, anything else wrapped as `{ value }`. */
function failureOf(output: unknown): unknown {
  if (output && typeof output === 'object' && 'value' in output && Object.keys(output).length === 1) {
    return (output as { value: unknown }).value;
  }
  return output;
}

interface DeadLetterRow {
  id: string;
  queue: string;
  data: unknown;
  error: unknown;
  attempts: number;
  failed_at: Date | string;
}

/**
 * pg-boss copies a job that failed its last attempt into the dead-letter queue as a new job with the
 * same data, the failure as `output`, and the original `retry_limit` — every attempt was made, so the
 * attempts are retry_limit + 1. Nobody works these queues; they stay until their retention ends.
 */
export async function listDeadLetters(
  db: Database,
  queueName: string | undefined,
  limit: number,
): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetterRow>(
    `select id, name as queue, data, output as error, retry_limit + 1 as attempts, created_on as failed_at
       from ${JOB_SCHEMA}.job
      where ${queueName ? 'name = $1' : `name like '%' || $1`}
      order by created_on desc, id desc
      limit $2`,
    [queueName ? `${queueName}${DEAD_LETTER_SUFFIX}` : DEAD_LETTER_SUFFIX, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    queue: row.queue.slice(0, -DEAD_LETTER_SUFFIX.length),
    data: row.data,
    error: failureOf(row.error),
    attempts: Number(row.attempts),
    failedAt: new Date(row.failed_at).toISOString(),
  }));
}
