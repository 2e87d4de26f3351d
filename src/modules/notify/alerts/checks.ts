import type { AlertCheck, Platform } from '../../../platform/module.js';
import { defineJob } from '../../../platform/jobs/index.js';
import { localParts } from '../../../lib/cron.js';
import { activeTenantIds, tenantSettingsOf } from '../../identity/index.js';
import { raiseCheckAlerts, reopenSnoozed } from './raise.js';
import { errorMessage } from '../../../platform/db/pg-errors.js';

/** Every check in every tenant (hourly). */
export const alertChecksJob = defineJob<Record<string, never>>('notify.alert-checks');
/** One tenant's checks, queued by `POST /alerts/run-checks` with the run that reports on it. */
export const tenantAlertChecksJob = defineJob<{ tenantId: string; runId: string }>(
  'notify.tenant-alert-checks',
);
/** Snoozed alerts whose time has come reopen (every minute). */
export const reopenSnoozedJob = defineJob<Record<string, never>>('notify.reopen-snoozed');

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar date of `at` in `timeZone`, YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

type Deps = Pick<Platform, 'db' | 'system' | 'mailer' | 'realtime' | 'alertChecks'>;

export function createAlertChecks(deps: Deps) {
  /**
   * Runs every registered check in one tenant (or only the checks named in `only`: a module's job
   * that runs its own checks at a set hour), each in its own transaction (a failing check does not
   * undo the others' alerts); raises what they found once per entity, type and local day. Throws
   * after the last check when any failed, so the run is recorded as failed with their errors.
   */
  async function runInTenant(tenantId: string, now = new Date(), only?: readonly string[]): Promise<number> {
    const unknown = only?.filter((name) => !deps.alertChecks.some((check) => check.name === name)) ?? [];
    if (unknown.length) throw new Error(`No alert check named ${unknown.join(', ')}`);
    let raised = 0;
    const failures: string[] = [];
    for (const check of deps.alertChecks) {
      if (only && !only.includes(check.name)) continue;
      try {
        raised += await deps.db.withTenant({ tenantId }, async (tx) => {
          const settings = await tenantSettingsOf(tx, tenantId);
          const timeZone = settings.time_zone;
          const today = localDate(now, timeZone);
          const found = await check.run(tx, { tenantId, now, timeZone, today });
          const raised = await raiseCheckAlerts(deps, tx, check, { tenantId, today }, found);
          return raised.length;
        });
      } catch (error) {
        failures.push(`${check.name}: ${errorMessage(error)}`);
      }
    }
    if (failures.length) throw new Error(`Alert checks failed in tenant ${tenantId}: ${failures.join('; ')}`);
    return raised;
  }

  async function runEverywhere(now = new Date()): Promise<number> {
    const tenants = await deps.system.crossTenantJob(alertChecksJob.name, (tx) => activeTenantIds(tx));
    let raised = 0;
    const failures: string[] = [];
    for (const tenantId of tenants) {
      try {
        raised += await runInTenant(tenantId, now);
      } catch (error) {
        failures.push(errorMessage(error));
      }
    }
    if (failures.length) throw new Error(failures.join(' | ').slice(0, 2000));
    return raised;
  }

  return { runInTenant, runEverywhere };
}

export type AlertChecks = ReturnType<typeof createAlertChecks>;

/** The handlers of the alert jobs (API and worker processes alike). */
export function registerAlertJobs(platform: Platform, checks: AlertChecks): void {
  platform.jobs.register(alertChecksJob, async () => void (await checks.runEverywhere()), {
    retryLimit: 1,
    retryDelaySeconds: 60,
    expireInSeconds: 30 * 60,
    policy: 'singleton',
  });
  platform.jobs.register(
    tenantAlertChecksJob,
    async ({ tenantId, runId }) => {
      // The run reports the outcome; a failure is not retried (the caller can run the checks again).
      await platform.scheduler.track(runId, async () => void (await checks.runInTenant(tenantId)));
    },
    { retryLimit: 0, expireInSeconds: 30 * 60 },
  );
  platform.jobs.register(
    reopenSnoozedJob,
    async () =>
      void (await platform.system.crossTenantJob(reopenSnoozedJob.name, (tx) =>
        reopenSnoozed(tx, new Date()),
      )),
    { retryLimit: 1, expireInSeconds: 300, policy: 'singleton' },
  );
}

export const NOTIFY_SCHEDULED_JOBS = [
  { name: alertChecksJob.name, displayName: 'Run alert checks', cron: '5 * * * *', job: alertChecksJob },
  {
    name: reopenSnoozedJob.name,
    displayName: 'Reopen snoozed alerts whose time has come',
    cron: '* * * * *',
    job: reopenSnoozedJob,
  },
] as const;

export type { AlertCheck };
