import { desc, eq, isNull, sql } from 'drizzle-orm';
import { nextCronTime } from '../../lib/cron.js';
import type { Tx } from '../db/types.js';
import { JOB_SCHEMA } from '../jobs/index.js';
import { jobRuns, scheduledJobSettings } from './runs.tables.js';
import type { ScheduledJob } from './types.js';

/** A slot this close to now is the queue's own cron tick to fire, not a missed one. */
const GRACE_MS = 60_000;
/** Serialises catch-up across processes starting at once (one transaction-scoped advisory lock). */
const CATCH_UP_LOCK = 'select pg_advisory_xact_lock(hashtext($1))';

/** The names of the jobs an administrator switched off. */
export async function disabledJobNames(tx: Tx): Promise<Set<string>> {
  const rows = await tx.db
    .select({ name: scheduledJobSettings.jobName })
    .from(scheduledJobSettings)
    .where(eq(scheduledJobSettings.enabled, false));
  return new Set(rows.map((row) => row.name));
}

export async function saveJobEnabled(tx: Tx, name: string, enabled: boolean, by: string | null) {
  await tx.db
    .insert(scheduledJobSettings)
    .values({ jobName: name, enabled, updatedBy: by })
    .onConflictDoUpdate({
      target: scheduledJobSettings.jobName,
      set: { enabled, updatedBy: by, updatedAt: sql`now()` },
    });
}

/**
 * The slot `job` missed by `now`: the first time its cron fell due after `since` (its last run of
 * any kind, else when its schedule was first written), if that time has passed. Only the first
 * one counts: however many slots a stopped process missed, the job catches up once.
 */
export function missedSlot(job: ScheduledJob, since: Date | undefined, now: Date): Date | undefined {
  if (!since) return undefined;
  const slot = nextCronTime(job.cron, job.timeZone ?? 'UTC', since);
  return slot && slot.getTime() <= now.getTime() - GRACE_MS ? slot : undefined;
}

/**
 * Finds the enabled jobs that fell due while no process ran them and records one queued run for
 * each, inside the advisory lock, so several processes starting together queue each job once (a
 * second one sees the queued run as the latest). Returns the runs to send to the queue.
 */
export async function claimMissedRuns(
  tx: Tx,
  jobs: readonly ScheduledJob[],
  now: Date,
): Promise<{ job: ScheduledJob; runId: string; slot: Date }[]> {
  await tx.sql.query(CATCH_UP_LOCK, ['platform.scheduler.catch-up']);
  const disabled = await disabledJobNames(tx);
  const { rows: schedules } = await tx.sql.query<{ name: string; created_on: Date }>(
    `select name, created_on from ${JOB_SCHEMA}.schedule`,
  );
  const firstScheduled = new Map(schedules.map((row) => [row.name, new Date(row.created_on)]));
  const claimed: { job: ScheduledJob; runId: string; slot: Date }[] = [];
  for (const job of jobs) {
    if (disabled.has(job.name)) continue;
    const [last] = await tx.db
      .select({ queuedAt: jobRuns.queuedAt })
      .from(jobRuns)
      .where(sql`${jobRuns.jobName} = ${job.name} and ${isNull(jobRuns.tenantId)}`)
      .orderBy(desc(jobRuns.queuedAt))
      .limit(1);
    const slot = missedSlot(job, last?.queuedAt ?? firstScheduled.get(job.name), now);
    if (!slot) continue;
    const [run] = await tx.db
      .insert(jobRuns)
      .values({ jobName: job.name, trigger: 'schedule', status: 'queued' })
      .returning({ id: jobRuns.id });
    claimed.push({ job, runId: run!.id, slot });
  }
  return claimed;
}
