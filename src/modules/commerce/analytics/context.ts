import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { scopePredicate, type ResourceCaller } from '../../../platform/resource/index.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localToday } from './period.js';

/** What every analytics read needs to know about the tenant: its zone, currency and commerce rules. */
export interface AnalyticsContext {
  tenantId: string;
  timeZone: string;
  currency: string;
  today: string;
  coverWindowDays: number;
  deadStockDays: number;
  defaultMinStock: string;
  salePriceTypeId: string | null;
}

/** The tenant's time zone and currency (identity) with its commerce settings (defaults without a row). */
export async function analyticsContext(
  tx: Tx,
  tenantId: string,
  now = new Date(),
): Promise<AnalyticsContext> {
  const settings = await tenantSettingsOf(tx, tenantId);
  const [row] = await selectRows<{
    cover_window_days: number;
    dead_stock_days: number;
    default_min_stock: string;
    sale_price_type_id: string | null;
  }>(
    tx,
    sql`select cover_window_days, dead_stock_days, default_min_stock::text, sale_price_type_id
      from commerce_settings where tenant_id = ${tenantId}`,
  );
  return {
    tenantId,
    timeZone: settings.time_zone,
    currency: settings.currency,
    today: localToday(now, settings.time_zone),
    coverWindowDays: row?.cover_window_days ?? 30,
    deadStockDays: row?.dead_stock_days ?? 90,
    defaultMinStock: row?.default_min_stock ?? '10',
    salePriceTypeId: row?.sale_price_type_id ?? null,
  };
}

/** The instant a local calendar day starts in the zone: the lower bound of a period. */
export const dayStart = (day: string, timeZone: string): SQL =>
  sql`((${day}::date)::timestamp at time zone ${timeZone})`;

/** The instant the day after `day` starts: the exclusive upper bound of a period. */
export const dayEnd = (day: string, timeZone: string): SQL =>
  sql`((${day}::date + 1)::timestamp at time zone ${timeZone})`;

/**
 * The documents' data scope over their responsible manager (`owner_id`): an agent their own, a team
 * leader their teams', an org-unit manager their subtree's, tenant-wide roles everything (true).
 * A document without an owner is seen by tenant-wide roles only.
 */
export const ownerScope = (caller: ResourceCaller, ownerColumn: SQL): SQL =>
  scopePredicate(caller.principal, ownerColumn) ?? sql`true`;

/** Revenue-bearing position kinds: a shipment adds, a sales return subtracts. */
export const SALES_KINDS = sql`('shipment', 'sales_return')`;
/** +1 for a shipment position, −1 for a sales return's. */
export const SIGN = (kindColumn: SQL): SQL =>
  sql`(case when ${kindColumn} = 'sales_return' then -1 else 1 end)`;
