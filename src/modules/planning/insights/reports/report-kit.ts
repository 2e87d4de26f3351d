import { sql, type SQL } from 'drizzle-orm';
import { Type } from 'typebox';
import { selectRows } from '../../../../platform/db/rows.js';
import { notFound, validationFailed } from '../../../../platform/http/errors.js';
import { localToday } from '../../../../platform/reports/period.js';
import type { ReportColumn, ReportQueryContext } from '../../../../platform/reports/types.js';
import { scopePredicate } from '../../../../platform/resource/index.js';
import { Month } from '../../common.js';
import { addMonths } from '../../cycles/window.js';

export const Uuid = Type.String({ format: 'uuid' });

export const CycleParameters = Type.Object(
  {
    cycle_id: Type.Optional({
      ...Uuid,
      description: 'Default: the open cycle, else the latest by anchor month',
    }),
  },
  { additionalProperties: false },
);

export const MonthRangeParameters = Type.Object(
  {
    from: Type.Optional({ ...Month, description: 'First month (default: 12 months before `to`, inclusive)' }),
    to: Type.Optional({ ...Month, description: 'Last month (default: the month before the current one)' }),
  },
  { additionalProperties: false },
);

/** `true` where the caller's data scope covers the rep column (undefined: tenant-wide). */
export const scopeOf = (ctx: ReportQueryContext, rep: SQL): SQL =>
  scopePredicate(ctx.principal, rep) ?? sql`true`;

export interface ReportCycle {
  id: string;
  name: string;
  anchor: string;
  status: string;
}

/** The cycle asked for (404 when not the tenant's), else the open one, else the latest; 404 when none. */
export async function reportCycle(ctx: ReportQueryContext, cycleId?: string): Promise<ReportCycle> {
  const [cycle] = await selectRows<ReportCycle>(
    ctx.tx,
    sql`select id, name, to_char(anchor_month, 'YYYY-MM') as anchor, status from sop_cycles
      where tenant_id = ${ctx.tenantId} ${cycleId ? sql`and id = ${cycleId}` : sql``}
      order by (status = 'open') desc, anchor_month desc, created_at desc limit 1`,
  );
  if (!cycle) throw notFound('S&OP cycle', 'SOP_CYCLE_NOT_FOUND');
  return cycle;
}

/** 422 at `/parameters/to` when the range is reversed or longer than 60 months. */
export function checkMonthRange(params: { from?: string | undefined; to?: string | undefined }): void {
  if (params.from && params.to && params.from > params.to)
    throw validationFailed([{ path: '/parameters/to', message: 'must not be before from' }]);
  if (params.from && params.to && params.from < addMonths(params.to, -59))
    throw validationFailed([{ path: '/parameters/from', message: 'the range is at most 60 months' }]);
}

/** The month range: given, or the 12 months up to the month before the current one (tenant time). */
export function monthRange(
  ctx: ReportQueryContext,
  params: { from?: string | undefined; to?: string | undefined },
) {
  const current = localToday(ctx.now, ctx.timeZone).slice(0, 7);
  const to = params.to ?? addMonths(current, -1);
  const from = params.from ?? addMonths(to, -11);
  return { from, to, label: `${from} – ${to}` };
}

export const MONTH_COLUMN: ReportColumn = { key: 'month', label: 'Month', kind: 'text' };
export const CUSTOMER_COLUMNS: readonly ReportColumn[] = [
  { key: 'customer_code', label: 'Customer code', kind: 'text' },
  { key: 'customer', label: 'Customer', kind: 'text', width: 2 },
];
export const PRODUCT_COLUMNS: readonly ReportColumn[] = [
  { key: 'product_code', label: 'Product code', kind: 'text' },
  { key: 'product', label: 'Product', kind: 'text', width: 2 },
];
export const REP_COLUMNS: readonly ReportColumn[] = [{ key: 'rep', label: 'Rep', kind: 'text', width: 2 }];

/** A user's display name from `users u`. */
export const REP_NAME = sql`coalesce(nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''), u.email, '(no rep)')`;

/** The dimension's select list and group-by, over aliases cu (customers), p (products), u (users). */
export const DIMENSIONS = {
  customer: {
    select: sql`cu.code as customer_code, cu.name as customer`,
    group: sql`cu.code, cu.name`,
    columns: CUSTOMER_COLUMNS,
  },
  product: {
    select: sql`p.code as product_code, p.name as product`,
    group: sql`p.code, p.name`,
    columns: PRODUCT_COLUMNS,
  },
  rep: {
    select: sql`${REP_NAME} as rep`,
    group: sql`u.id, u.first_name, u.last_name, u.email`,
    columns: REP_COLUMNS,
  },
} as const;
export type Dimension = keyof typeof DIMENSIONS;
