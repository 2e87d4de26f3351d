import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Principal } from '../../platform/http/auth.js';
import type { SystemAccess } from '../../platform/db/system.js';
import { activeTenantIds, scopePredicate, tenantFacts } from '../identity/index.js';
import { deliverRun, type DeliveryDeps } from './delivery.js';
import { generateRun, type GenerateDeps } from './generate.js';
import { nextRunAfter } from './next-run.js';
import { reportRuns, reportSchedules, type ReportRunRow, type ReportScheduleRow } from './reports.tables.js';

export type DueDeps = GenerateDeps & DeliveryDeps & { log?: { error(obj: object, msg: string): void } };

/**
 * Claims one due schedule and records its run, in one tenant transaction: `next_run_at` moves to
 * the next slot only if it still holds the value the caller saw (compare-and-set), so when several
 * workers see the same due schedule exactly one of them claims it; the run's unique
 * (schedule, slot) key backs that up.
 */
async function claim(deps: DueDeps, tenantId: string, id: string, seenNextRun: Date) {
  const now = deps.now?.() ?? new Date();
  return deps.db.withTenant({ tenantId }, async (tx) => {
    const facts = await tenantFacts(tx, tenantId);
    if (!facts?.active) return undefined;
    const [current] = await tx.db
      .select()
      .from(reportSchedules)
      .where(and(eq(reportSchedules.tenantId, tenantId), eq(reportSchedules.id, id)));
    if (!current) return undefined;
    const next = nextRunAfter(current, facts.timeZone, now);
    const [schedule] = await tx.db
      .update(reportSchedules)
      .set({ nextRunAt: next, lastRunAt: now, updatedAt: now })
      .where(
        and(
          eq(reportSchedules.tenantId, tenantId),
          eq(reportSchedules.id, id),
          eq(reportSchedules.isActive, true),
          // Compared at the millisecond precision JavaScript read it with (PostgreSQL keeps microseconds).
          sql`date_trunc('milliseconds', ${reportSchedules.nextRunAt}) = ${seenNextRun}`,
        ),
      )
      .returning();
    if (!schedule) return undefined;
    const [run] = await tx.db
      .insert(reportRuns)
      .values({
        tenantId,
        scheduleId: id,
        dueAt: seenNextRun,
        reportType: schedule.reportType,
        format: schedule.format,
        parameters: schedule.parameters,
        requestedBy: schedule.createdBy,
      })
      .onConflictDoNothing()
      .returning();
    return run ? { schedule, run } : undefined;
  });
}

/** Generates and mails one claimed run. */
async function produce(deps: DueDeps, schedule: ReportScheduleRow, run: ReportRunRow) {
  const done = await generateRun(deps, run.tenantId, run.id, deps.log);
  if (done?.status === 'completed') await deliverRun(deps, schedule, done);
  return done ?? run;
}

type DueRow = { tenantId: string; id: string; nextRunAt: Date };

async function runAll(deps: DueDeps, due: DueRow[]) {
  const runs: ReportRunRow[] = [];
  for (const row of due) {
    const claimed = await claim(deps, row.tenantId, row.id, row.nextRunAt);
    if (claimed) runs.push(await produce(deps, claimed.schedule, claimed.run));
  }
  return runs;
}

/**
 * The scheduled-job form: due schedules of every active tenant, oldest first, at most `limit` per
 * pass. A suspended tenant's schedules wait (their slots stay due until it is reactivated): counted
 * in, they would head every pass, and enough of them would crowd out every other tenant's reports.
 */
export async function runDueSchedules(deps: DueDeps & { system: SystemAccess }, limit = 200) {
  const now = deps.now?.() ?? new Date();
  const due = await deps.system.crossTenantJob('reports.run_due', async (tx) => {
    const tenants = await activeTenantIds(tx);
    if (!tenants.length) return [];
    return tx.db
      .select({
        tenantId: reportSchedules.tenantId,
        id: reportSchedules.id,
        nextRunAt: reportSchedules.nextRunAt,
      })
      .from(reportSchedules)
      .where(
        and(
          eq(reportSchedules.isActive, true),
          lte(reportSchedules.nextRunAt, now),
          inArray(reportSchedules.tenantId, tenants),
        ),
      )
      .orderBy(asc(reportSchedules.nextRunAt))
      .limit(limit);
  });
  return runAll(deps, due);
}

/** `POST /reports/run-scheduled`: the due schedules of the caller's tenant within their data scope. */
export async function runDueInTenant(deps: DueDeps, principal: Principal, tenantId: string, limit = 200) {
  const now = deps.now?.() ?? new Date();
  const due = await deps.db.withTenant({ tenantId }, (tx) =>
    tx.db
      .select({
        tenantId: reportSchedules.tenantId,
        id: reportSchedules.id,
        nextRunAt: reportSchedules.nextRunAt,
      })
      .from(reportSchedules)
      .where(
        and(
          eq(reportSchedules.tenantId, tenantId),
          eq(reportSchedules.isActive, true),
          lte(reportSchedules.nextRunAt, now),
          scopePredicate(principal, reportSchedules.createdBy) ?? sql`true`,
        ),
      )
      .orderBy(asc(reportSchedules.nextRunAt))
      .limit(limit),
  );
  return { due: due.length, runs: await runAll(deps, due) };
}
