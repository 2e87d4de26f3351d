import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { selectRows } from '../../../platform/db/rows.js';
import { healthScores } from '../tables/health.tables.js';
import { currentAccountSql, type ScoreClock } from './clock.js';
import { raiseHealthDrop, type AlertDeps } from './health-drop.js';
import { latestScores, type ScoredCustomer } from './inputs.js';
import { refreshHealthSnapshot } from './snapshots.js';
import type { HealthScore } from './score.js';
import { statusAfterScoreSql } from './status.js';

export type HealthScoreRow = typeof healthScores.$inferSelect;

export interface WrittenScore {
  row: HealthScoreRow;
  /** The customer's status before and after (customer-level scores; unchanged for deployment scores). */
  status: { before: string; after: string };
  alerted: boolean;
}

/**
 * Stores one computed score in the caller's transaction. A customer-level score also becomes the
 * customer's current health (`health_score`, `health_risk`, `health_scored_at`), moves its status
 * (`statusAfterScoreSql`, on the row as it is when written), refreshes its account manager's row
 * of the day's health snapshot and, for a current account, raises the health-drop alert its
 * reasons call for.
 */
export async function writeScore(
  deps: AlertDeps,
  tx: Tx,
  tenantId: string,
  customer: ScoredCustomer,
  clock: ScoreClock,
  score: HealthScore,
  options: { deploymentId: string | null; calculatedBy: string | null },
): Promise<WrittenScore> {
  const customerLevel = options.deploymentId === null;
  const previous = customerLevel ? await latestScores(tx, tenantId, customer.id) : [];
  const [row] = await tx.db
    .insert(healthScores)
    .values({
      tenantId,
      customerId: customer.id,
      deploymentId: options.deploymentId,
      overallScore: score.overall,
      adoptionScore: score.adoption,
      supportScore: score.support,
      engagementScore: score.engagement,
      financialScore: score.financial,
      riskLevel: score.risk,
      trend: score.trend,
      factors: score.factors,
      weights: score.factors.weights,
      calculatedAt: clock.now,
      calculatedBy: options.calculatedBy,
    })
    .returning();
  if (!customerLevel)
    return { row: row!, status: { before: customer.status, after: customer.status }, alerted: false };
  // The status moves from the row as it is now, not as it was read before the inputs: a customer
  // churned meanwhile stays churned (the SQL form calculate-all uses). The row is locked first, so
  // `before` and whether it is a current account are that same row.
  const next = statusAfterScoreSql(sql`c.status`, sql`${score.risk}::text`);
  const [moved] = await selectRows<{ before: string; after: string; current: boolean }>(
    tx,
    sql`with was as materialized (
        select status from customers where tenant_id = ${tenantId} and id = ${customer.id} for update)
      update customers c set health_score = ${score.overall}, health_risk = ${score.risk},
        health_scored_at = ${clock.now.toISOString()}::timestamptz, status = ${next},
        updated_at = case when ${next} = c.status then c.updated_at else now() end
      from was
      where c.tenant_id = ${tenantId} and c.id = ${customer.id}
      returning was.status as before, c.status as after, ${currentAccountSql('c')} as current`,
  );
  await refreshHealthSnapshot(tx, tenantId, clock.today, [customer.ownerId]);
  const alerted = moved!.current
    ? await raiseHealthDrop(deps, tx, { tenantId, today: clock.today }, customer, { ...score }, previous)
    : false;
  return { row: row!, status: { before: moved!.before, after: moved!.after }, alerted };
}
