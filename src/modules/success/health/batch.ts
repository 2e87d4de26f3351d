import type { TenantDatabase } from '../../../platform/db/types.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { clockOf } from './clock.js';
import { parsedJson, raiseHealthDrop, type AlertDeps } from './health-drop.js';
import { scoreBatch } from './score-sql.js';

/** Customers scored per transaction: a tenant of 100,000 never holds one long transaction. */
export const SCORE_BATCH_SIZE = 5_000;

/**
 * Scores every current account of a tenant with the set-based statement, `batchSize` customers
 * (in id order) per transaction, and raises each batch's health-drop alerts in its transaction.
 * The weights and the clock are read once, so every score of the run shares them.
 */
export async function scoreAllCustomers(
  deps: AlertDeps & { db: TenantDatabase },
  tenantId: string,
  now = new Date(),
  batchSize = SCORE_BATCH_SIZE,
): Promise<{ scored: number; alerted: number }> {
  const settings = await deps.db.readTenant({ tenantId }, (tx) => tenantSettingsOf(tx, tenantId));
  const clock = clockOf(now, settings.time_zone);
  let afterId: string | null = null;
  let scored = 0;
  let alerted = 0;
  for (;;) {
    const rows = await deps.db.withTenant({ tenantId }, async (tx) => {
      const batch = await scoreBatch(tx, tenantId, clock, settings.health_weights, {
        afterId,
        limit: batchSize,
      });
      for (const row of batch) {
        const customer = { id: row.customerId, name: row.name, ownerId: row.ownerId };
        if (
          await raiseHealthDrop(
            deps,
            tx,
            { tenantId, today: clock.today },
            customer,
            row,
            parsedJson(row.previous),
          )
        )
          alerted += 1;
      }
      return batch;
    });
    scored += rows.length;
    if (rows.length < batchSize) return { scored, alerted };
    afterId = rows[rows.length - 1]!.customerId;
  }
}
