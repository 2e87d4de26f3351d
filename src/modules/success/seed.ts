import type { DemoLogin, Platform } from '../../platform/module.js';
import { tenantSettingsOf } from '../identity/index.js';
import { createAlertChecks } from '../notify/index.js';
import { demoBookOwners, writeDemoBook } from './demo/seed.js';
import { scoreAllCustomers } from './health/batch.js';
import { clockOf } from './health/clock.js';
import { scoreBatch } from './health/score-sql.js';
import { refreshHealthSnapshot } from './health/snapshots.js';

const DAY_MS = 86_400_000;
/** Health history: a score every two weeks over the last year, then today's. */
const HISTORY_STEP_DAYS = 14;
const HISTORY_POINTS = 26;

/**
 * Customer-success demo data for the `demo` tenant: 48 accounts (a third managed by the demo
 * agent) with deployments, a year of interactions and CSAT/NPS responses telling each account's
 * story (healthy, declining, silent, renewing soon, new, churned); their health history scored by
 * the module's own set-based scoring at two-week steps over the year (as of each day), today's
 * score with its health-drop alerts, and today's success checks (contract and licence expiry,
 * inactivity, escalations, low scores), so the dashboard means something right after `npm start`.
 * Skipped when the tenant already has these accounts.
 */
export async function seedSuccessDemo(platform: Platform): Promise<DemoLogin[]> {
  const owners = await demoBookOwners(platform);
  if (!owners) return [];
  const { tenantId } = owners;
  const now = new Date();
  const settings = await platform.db.withTenant({ tenantId }, async (tx) => {
    await writeDemoBook(tx, owners, now);
    return tenantSettingsOf(tx, tenantId);
  });
  // Past scores carry no alerts: they are history, not news.
  for (let k = HISTORY_POINTS; k >= 1; k--) {
    const clock = clockOf(new Date(now.getTime() - k * HISTORY_STEP_DAYS * DAY_MS), settings.time_zone);
    await platform.db.withTenant({ tenantId }, async (tx) => {
      await scoreBatch(tx, tenantId, clock, settings.health_weights, { afterId: null, limit: 10_000 });
      await refreshHealthSnapshot(tx, tenantId, clock.today);
    });
  }
  await scoreAllCustomers(platform, tenantId, now);
  await createAlertChecks(platform).runInTenant(tenantId, now);
  return [];
}
