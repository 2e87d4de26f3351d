import { and, eq } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { defineJob } from '../../../platform/jobs/index.js';
import type { Platform } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { bonusRunItems, bonusRuleSets, bonusRuns } from '../tables/bonus.tables.js';
import { fromMinor } from './money.js';
import { activeRulesOf } from './rule-sets.service.js';
import { computePeriod, itemWriter, periodBounds } from './run-compute.js';

/** Computes one pending bonus run (queued by `POST /bonus-runs` and by a rerun). */
export const bonusRunJob = defineJob<{ tenantId: string; runId: string }>('leads.bonus-run');

/** A failure the run's requester can act on; its message becomes the run's error. */
export class RunFailure extends Error {}

type RunRow = typeof bonusRuns.$inferSelect;
const byId = (tenantId: string, runId: string) =>
  and(eq(bonusRuns.tenantId, tenantId), eq(bonusRuns.id, runId));

/** The rule set (as it is now) and its active rules: what the run computes with and records. */
export async function snapshotOf(tx: Tx, tenantId: string, setId: string) {
  const [set] = await tx.db
    .select()
    .from(bonusRuleSets)
    .where(and(eq(bonusRuleSets.tenantId, tenantId), eq(bonusRuleSets.id, setId)));
  if (!set) throw new RunFailure('The rule set no longer exists.');
  const rules = await activeRulesOf(tx, tenantId, setId);
  if (!rules.length) throw new RunFailure('The rule set has no active rules.');
  return {
    rule_set: {
      id: set.id,
      name: set.name,
      currency: set.currency,
      active: set.active,
      valid_from: set.validFrom,
      valid_to: set.validTo,
    },
    rules,
  };
}

async function compute(tx: Tx, run: RunRow) {
  await tx.db
    .delete(bonusRunItems)
    .where(and(eq(bonusRunItems.tenantId, run.tenantId), eq(bonusRunItems.runId, run.id)));
  const snapshot = await snapshotOf(tx, run.tenantId, run.ruleSetId!);
  // Deactivated after the run was queued: a run pays out, so it uses active sets only.
  if (!snapshot.rule_set.active) throw new RunFailure('The rule set is inactive.');
  const { time_zone } = await tenantSettingsOf(tx, run.tenantId);
  const bounds = await periodBounds(tx, run.periodStart, run.periodEnd, time_zone);
  const totals = await computePeriod(
    tx,
    { tenantId: run.tenantId, currency: snapshot.rule_set.currency, bounds, rules: snapshot.rules },
    itemWriter(tx, run.tenantId, run.id),
  );
  await tx.db
    .update(bonusRuns)
    .set({
      status: 'completed',
      currency: snapshot.rule_set.currency,
      snapshot,
      totalAmount: fromMinor(totals.total),
      itemCount: totals.itemCount,
      agentCount: totals.agentCount,
      inputDigest: totals.digest,
      completedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(byId(run.tenantId, run.id));
}

/**
 * Claims the run (pending → running), computes it in one transaction (items and totals appear
 * together or not at all), and records a failure as `failed` with its reason instead of retrying:
 * the same inputs would fail the same way. A run no longer pending (a repeated job) is left alone.
 */
export async function executeRun(
  db: TenantDatabase,
  data: { tenantId: string; runId: string },
): Promise<void> {
  const ctx = { tenantId: data.tenantId };
  const run = await db.withTenant(ctx, async (tx) => {
    const [row] = await tx.db
      .update(bonusRuns)
      .set({ status: 'running', startedAt: new Date(), error: null, updatedAt: new Date() })
      .where(and(byId(data.tenantId, data.runId), eq(bonusRuns.status, 'pending')))
      .returning();
    return row;
  });
  if (!run) return;
  try {
    await db.withTenant(ctx, (tx) => compute(tx, run));
  } catch (error) {
    const reason = error instanceof RunFailure ? error.message : 'The computation failed; retry the run.';
    await db.withTenant(ctx, (tx) =>
      tx.db
        .update(bonusRuns)
        .set({ status: 'failed', error: reason, updatedAt: new Date() })
        .where(byId(data.tenantId, data.runId)),
    );
    if (!(error instanceof RunFailure)) throw error;
  }
}

export function registerBonusJobs(platform: Pick<Platform, 'jobs' | 'db'>): void {
  platform.jobs.register(bonusRunJob, (data) => executeRun(platform.db, data), {
    retryLimit: 0,
    expireInSeconds: 60 * 60,
  });
}
