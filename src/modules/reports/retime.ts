import { and, eq, gt } from 'drizzle-orm';
import type { TenantSettingsHook } from '../../platform/module.js';
import { tenantFacts } from '../identity/index.js';
import { nextRunAfter } from './next-run.js';
import { reportSchedules } from './reports.tables.js';

/**
 * A tenant's time zone changed: each schedule's next run moves to its next slot in the new zone, so a
 * daily 08:00 report runs at 08:00 there. A slot already due stays as it is: that report is owed and
 * runs on the next pass (a paused schedule's next run is set when it is resumed).
 */
export const retimeSchedules: TenantSettingsHook = async (tx, { tenantId, before, after }) => {
  if (before.time_zone === after.time_zone) return;
  const timeZone = (await tenantFacts(tx, tenantId))?.timeZone ?? 'UTC';
  const now = new Date();
  const upcoming = await tx.db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.tenantId, tenantId), gt(reportSchedules.nextRunAt, now)))
    .for('update');
  for (const schedule of upcoming)
    await tx.db
      .update(reportSchedules)
      .set({ nextRunAt: nextRunAfter(schedule, timeZone, now), updatedAt: now })
      .where(and(eq(reportSchedules.tenantId, tenantId), eq(reportSchedules.id, schedule.id)));
};
