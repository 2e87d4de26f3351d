import type { TenantDatabase } from '../../../platform/db/types.js';
import { tenantSettingsOf } from '../../identity/index.js';
import type { RiskLevel } from '../tables/health.tables.js';
import { clockOf } from './clock.js';
import { healthDropOf, type HealthDrop } from './drop-reasons.js';
import { raiseCheckAlerts } from '../../notify/index.js';
import {
  HEALTH_DROP,
  healthDropAlert,
  parsedJson,
  type AlertDeps,
  type AlertedCustomer,
} from './health-drop.js';
import { scoreBatch } from './score-sql.js';
import { refreshHealthSnapshot } from './snapshots.js';

/** Customers scored per transaction: a tenant of 100,000 never holds one long transaction. */
export const SCORE_BATCH_SIZE = 5_000;
/** Health-drop alerts raised (set-based) per transaction once the scores are written. */
const ALERTS_PER_TRANSACTION = 5_000;

interface Drop {
  customer: AlertedCustomer;
  score: { overall: number; risk: RiskLevel };
  drop: HealthDrop;
}

/**
 * Scores every current account of a tenant with the set-based statement, `batchSize` customers
 * (in id order) per transaction, then raises the health drops those scores call for. The alerts
 * come after the scores rather than inside each batch, so the scores are all written first, and
 * are raised set-based (the people each concerns, their inbox rows and events, a few statements
 * per thousand alerts). Should the process stop in
 * between, the hourly `success.health-drop` check raises them from the stored scores. The weights
 * and the clock are read once, so every score of the run shares them.
 */
export async function scoreAllCustomers(
  deps: AlertDeps & { db: TenantDatabase },
  tenantId: string,
  now = new Date(),
  batchSize = SCORE_BATCH_SIZE,
): Promise<{ scored: number; alerted: number }> {
  const settings = await deps.db.readTenant({ tenantId }, (tx) => tenantSettingsOf(tx, tenantId));
  const clock = clockOf(now, settings.time_zone);
  const drops: Drop[] = [];
  let afterId: string | null = null;
  let scored = 0;
  for (;;) {
    const rows = await deps.db.withTenant({ tenantId }, (tx) =>
      scoreBatch(tx, tenantId, clock, settings.health_weights, { afterId, limit: batchSize }),
    );
    for (const row of rows) {
      const drop = healthDropOf(row, parsedJson(row.previous));
      if (drop)
        drops.push({
          customer: { id: row.customerId, name: row.name, ownerId: row.ownerId },
          score: row,
          drop,
        });
    }
    scored += rows.length;
    if (rows.length < batchSize) break;
    afterId = rows[rows.length - 1]!.customerId;
  }
  await deps.db.withTenant({ tenantId }, (tx) => refreshHealthSnapshot(tx, tenantId, clock.today));
  let alerted = 0;
  for (let i = 0; i < drops.length; i += ALERTS_PER_TRANSACTION)
    alerted += await deps.db.withTenant({ tenantId }, async (tx) => {
      const found = drops
        .slice(i, i + ALERTS_PER_TRANSACTION)
        .map(({ customer, score, drop }) => healthDropAlert(customer, score, drop));
      return (await raiseCheckAlerts(deps, tx, HEALTH_DROP, { tenantId, today: clock.today }, found)).length;
    });
  return { scored, alerted };
}
