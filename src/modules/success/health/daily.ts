import { and, eq } from 'drizzle-orm';
import { localParts } from '../../../lib/cron.js';
import { eachTenant, type JobDefinition } from '../../../platform/jobs/index.js';
import type { Platform } from '../../../platform/module.js';
import { activeTenantIds, tenantSettingsOf } from '../../identity/index.js';
import { localDate } from '../../notify/index.js';
import { successDailyRuns } from '../tables/health.tables.js';

/** A task run once a day per tenant, at a tenant-local time. */
export interface DailyTask {
  job: JobDefinition<Record<string, never>>;
  displayName: string;
  /** Local time HH:MM from which the task is due each day. */
  at: string;
  run(platform: Platform, tenantId: string, now: Date): Promise<unknown>;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The tenant-local date the task is due for, or null: not yet the task's local time, or already
 * done today (a `success_daily_runs` row for the task and the local date).
 */
async function dueDate(
  platform: Platform,
  task: DailyTask,
  tenantId: string,
  now: Date,
): Promise<string | null> {
  return platform.db.withTenant({ tenantId }, async (tx) => {
    const { time_zone: timeZone } = await tenantSettingsOf(tx, tenantId);
    const local = localParts(now, timeZone);
    if (local.hour * 60 + local.minute < minutesOf(task.at)) return null;
    const today = localDate(now, timeZone);
    const [done] = await tx.db
      .select({ task: successDailyRuns.task })
      .from(successDailyRuns)
      .where(
        and(
          eq(successDailyRuns.tenantId, tenantId),
          eq(successDailyRuns.task, task.job.name),
          eq(successDailyRuns.localDate, today),
        ),
      );
    return done ? null : today;
  });
}

async function markDone(platform: Platform, task: DailyTask, tenantId: string, localDay: string) {
  await platform.db.withTenant({ tenantId }, (tx) =>
    tx.db
      .insert(successDailyRuns)
      .values({ tenantId, task: task.job.name, localDate: localDay })
      .onConflictDoNothing(),
  );
}

/**
 * One tick of a daily task. On schedule: every active tenant whose local time has passed the task's
 * and that has no mark for today runs it, and is marked once its work succeeded — a slot missed
 * while no process ran is caught up at the next tick, and a second tick the same day does nothing.
 * By hand (`manual`): every active tenant runs it now, marks neither read nor written. A failing
 * tenant spares the others; the tick then fails with every tenant's error (the run is recorded
 * failed, and the queue's retry runs only the tenants still unmarked). Answers the tenants that ran.
 */
export async function runDailyTask(
  platform: Platform,
  task: DailyTask,
  now: Date,
  options: { manual: boolean },
): Promise<string[]> {
  const tenants = await platform.system.crossTenantJob(task.job.name, (tx) => activeTenantIds(tx));
  const ran: string[] = [];
  await eachTenant(tenants, task.job.name, async (tenantId) => {
    const localDay = options.manual ? null : await dueDate(platform, task, tenantId, now);
    if (!options.manual && localDay === null) return;
    await task.run(platform, tenantId, now);
    if (localDay !== null) await markDone(platform, task, tenantId, localDay);
    ran.push(tenantId);
  });
  return ran;
}
