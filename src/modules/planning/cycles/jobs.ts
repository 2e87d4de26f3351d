import { and, eq, sql } from 'drizzle-orm';
import { defineJob, eachTenant, type JobDefinition } from '../../../platform/jobs/index.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { planningContext } from '../common.js';
import { sopCycles } from '../tables/planning.tables.js';
import { activeTenantIds, SYSTEM_AUDIT } from '../../identity/index.js';
import { closeCycle } from './cycles.service.js';
import { mailRepsNotSubmitted } from './progress.js';
import { addDays, daysBetween, DEADLINE_DAYS_BEFORE_END, localDateOf, submissionDeadline } from './window.js';

type Tick = Record<string, never>;
export const reminderJob = defineJob<Tick>('planning.cycle-reminders');
export const autoCloseJob = defineJob<Tick>('planning.cycle-auto-close');

/** Active tenants with an open cycle (the only ones either job has work in), in id order. */
const tenantsWithOpenCycles = (platform: Platform, job: string) =>
  platform.system.crossTenantJob(job, async (tx) => {
    const open = await selectRows<{ tenant_id: string }>(
      tx,
      sql`select distinct tenant_id from sop_cycles where status = 'open'`,
    );
    const withOpen = new Set(open.map((row) => row.tenant_id));
    return (await activeTenantIds(tx)).filter((tenantId) => withOpen.has(tenantId));
  });

/** `fn` in each tenant's own transaction, for every tenant (see `eachTenant`); answers the sum. */
async function sumOverTenants(
  platform: Platform,
  tenantIds: readonly string[],
  what: string,
  fn: (tx: Tx, tenantId: string) => Promise<number>,
): Promise<number> {
  const counts = await eachTenant(tenantIds, what, (tenantId) =>
    platform.db.withTenant({ tenantId }, (tx) => fn(tx, tenantId)),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * Reminds reps who have not submitted, once per cycle, when the tenant-local date is within the
 * `reminder_days` setting of the deadline's date (on the day it is N days away, or at the next
 * tick when that day was missed) and the deadline has not passed. Answers the reps told.
 */
export async function runReminders(platform: Platform, now = new Date()): Promise<number> {
  const tenants = await tenantsWithOpenCycles(platform, reminderJob.name);
  return sumOverTenants(platform, tenants, 'S&OP cycle reminders', async (tx, tenantId) => {
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

/** Closes every open cycle whose end date has passed in its tenant's calendar. Answers how many. */
export async function runAutoClose(platform: Platform, now = new Date()): Promise<number> {
  const tenants = await tenantsWithOpenCycles(platform, autoCloseJob.name);
  return sumOverTenants(platform, tenants, 'S&OP cycle auto-close', async (tx, tenantId) => {
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
