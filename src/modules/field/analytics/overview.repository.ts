import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate } from '../../identity/index.js';
import { fieldDailyTenantTotals, fieldDailyTotals } from '../tables/daily-totals.tables.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Period } from './period.js';

/** The overview's visit, photo and shelf-share measures of one period. */
export interface PeriodTotals {
  planned: number;
  completed: number;
  surveys_completed: number;
  geofence_verified: number;
  geofence_inside: number;
  photos: number;
  share_own: number;
  share_all: number;
}

/**
 * Both periods' measures from the daily totals (kept by triggers, see `daily-totals.tables.ts`), in
 * the caller's data scope: the tenant's 16 buckets per day when the scope is the tenant, else the
 * rows of the agents in scope, instead of every visit, photo and shelf mark of the two periods,
 * summed as integers in one pass that yields one row per period. Visits count on their planned date; a completed visit is inside the geofence
 * when its completion fix is and its check-in fix is not outside, and visits at outlets without
 * coordinates are left out of the geofence ratio. Shares come back in percent.
 */
export async function periodTotals(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  current: Period,
  previous: Period,
): Promise<{ current: PeriodTotals; previous: PeriodTotals }> {
  const scope = scopePredicate(principal, fieldDailyTotals.agentId);
  const t = scope ? fieldDailyTotals : fieldDailyTenantTotals;
  const rows = await selectRows<Record<keyof PeriodTotals | 'is_current', number | string | boolean>>(
    tx,
    sql`select ${t.day} >= ${current.from} as is_current,
        sum(${t.visitsPlanned}) as planned, sum(${t.visitsCompleted}) as completed,
        sum(${t.surveysCompleted}) as surveys_completed, sum(${t.geofenceVerified}) as geofence_verified,
        sum(${t.geofenceInside}) as geofence_inside, sum(${t.photos}) as photos,
        sum(${t.shareOwnBp}) as share_own, sum(${t.shareAllBp}) as share_all
      from ${t}
      where ${t.tenantId} = ${tenantId} and ${t.day} between ${previous.from} and ${current.to}
        ${scope ? sql`and ${scope}` : sql``}
      group by 1`,
  );
  const totals = (isCurrent: boolean): PeriodTotals => {
    const row = rows.find((r) => r.is_current === isCurrent);
    const n = (key: keyof PeriodTotals) => Number(row?.[key] ?? 0);
    return {
      planned: n('planned'),
      completed: n('completed'),
      surveys_completed: n('surveys_completed'),
      geofence_verified: n('geofence_verified'),
      geofence_inside: n('geofence_inside'),
      photos: n('photos'),
      share_own: n('share_own') / 100,
      share_all: n('share_all') / 100,
    };
  };
  return { current: totals(true), previous: totals(false) };
}
