import { and, eq, sql } from 'drizzle-orm';
import { defineJob, type JobDefinition } from '../../../platform/jobs/index.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { planningContext } from '../common.js';
import { sopCycles } from '../tables/planning.tables.js';
import { SYSTEM_AUDIT } from '../../identity/index.js';
import { closeCycle } from './cycles.service.js';
import { mailRepsNotSubmitted } from './progress.js';
import { addDays, daysBetween, DEADLINE_DAYS_BEFORE_END, localDateOf, submissionDeadline } from './window.js';

type Tick = Record<string, never>;
export const reminderJob = defineJob<Tick>('planning.cycle-reminders');
export const autoCloseJob = defineJob<Tick>('planning.cycle-auto-close');

/** Tenants with an open cycle (the only ones either job has work in). */
const tenantsWithOpenCycles = (platform: Platform, job: string) =>
  platform.system.crossTenantJob(job, (tx) =>
    selectRows<{ tenant_id: string }>(
      tx,
      sql`select distinct tenant_id from sop_cycles where status = 'open'`,
    ),
  );

/**
 * Reminds reps who have not submitted, once per cycle, when the tenant-local date is within the
 * `reminder_days` setting of the deadline's date (on the day it is N days away, or at the next
 * tick when that day was missed) and the deadline has not passed. Answers the reps told per tenant.
 */
export async function runReminders(platform: Platform, now = new Date()): Promise<number> {
  let told = 0;
  for (const { tenant_id: tenantId } of await tenantsWithOpenCycles(platform, reminderJob.name)) {
    told += await platform.db.withTenant({ tenantId }, async (tx) => {
      const { timeZone, planning } = await planningContext(tx, tenantId);
      const [cycle] = await tx.db
        .select()
        .from(sopCycles)
        .where(and(eq(sopCycles.tenantId, tenantId), eq(sopCycles.status, 'open')))
        .for('update');
      if (!cycle || cycle.remindedAt) return 0;
      const deadline = submissionDeadline(cycle.endDate, timeZone);
      const daysLeft = daysBetween(
        localDateOf(now, timeZone),
        addDays(cycle.endDate, -DEADLINE_DAYS_BEFORE_END),
      );
      if (now > deadline || daysLeft > planning.reminder_days) return 0;
      const reps = await mailRepsNotSubmitted(tx, platform.mailer, tenantId, cycle, deadline, timeZone);
      await tx.db
        .update(sopCycles)
        .set({ remindedAt: now })
        .where(and(eq(sopCycles.tenantId, tenantId), eq(sopCycles.id, cycle.id)));
      return reps.length;
    });
  }
  return told;
}

/** Closes every open cycle whose end date has passed in its tenant's calendar. Answers how many. */
export async function runAutoClose(platform: Platform, now = new Date()): Promise<number> {
  let closed = 0;
  for (const { tenant_id: tenantId } of await tenantsWithOpenCycles(platform, autoCloseJob.name)) {
    closed += await platform.db.withTenant({ tenantId }, async (tx) => {
      const { timeZone } = await planningContext(tx, tenantId);
      const [cycle] = await tx.db
        .select()
        .from(sopCycles)
        .where(and(eq(sopCycles.tenantId, tenantId), eq(sopCycles.status, 'open')))
        .for('update');
      if (!cycle || cycle.endDate >= localDateOf(now, timeZone)) return 0;
      await closeCycle(tx, tenantId, cycle, null, { ...SYSTEM_AUDIT, actorTenantId: tenantId });
      return 1;
    });
  }
  return closed;
}

/** Hourly: a tenant's reminder or close happens within the hour its local date turns. */
const HOURLY = '7 * * * *';

export const CYCLE_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: reminderJob.name,
    displayName: 'Remind reps who have not submitted, N days (setting) before the S&OP deadline',
    cron: HOURLY,
    job: reminderJob as JobDefinition<Tick>,
  },
  {
    name: autoCloseJob.name,
    displayName: 'Close open S&OP cycles after their end date',
    cron: HOURLY,
    job: autoCloseJob as JobDefinition<Tick>,
  },
];

export function registerCycleJobs(platform: Platform): void {
  const options = {
    retryLimit: 2,
    retryDelaySeconds: 60,
    expireInSeconds: 60 * 60,
    policy: 'singleton' as const,
  };
  platform.jobs.register(reminderJob, async () => void (await runReminders(platform)), options);
  platform.jobs.register(autoCloseJob, async () => void (await runAutoClose(platform)), options);
}
