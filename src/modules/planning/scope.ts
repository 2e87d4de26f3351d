import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { scopePredicate, type ResourceCaller } from '../../platform/resource/index.js';

/**
 * Planning records belong to their rep (`rep_id`: the user who sold, who is responsible for a
 * matrix pair, who forecasts): an agent sees their own, a team leader also their teams' members',
 * an area or regional manager everyone under their org unit, tenant-wide roles (national manager,
 * admin, viewer) everything. A row without a rep is seen by tenant-wide roles only. Cycles and
 * settings are the tenant's and have no scope. Undefined for tenant scope (`and()` ignores it).
 */
export function repScope(caller: ResourceCaller, repColumn: AnyPgColumn | SQL): SQL | undefined {
  return scopePredicate(caller.principal, repColumn);
}
