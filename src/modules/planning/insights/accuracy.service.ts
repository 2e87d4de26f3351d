import { sql, type SQL } from 'drizzle-orm';
import { anyId, selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { planningContext } from '../common.js';
import { addMonths } from '../cycles/window.js';
import {
  baselineForMonths,
  compareWithBaseline,
  compareWithBaselineBy,
  type Accuracy,
  type BaselineComparison,
  type BaselineSetting,
} from '../forecasting/index.js';
import { repScope } from '../scope.js';
import type {
  AccuracyFigures,
  AccuracyGroup,
  AccuracyGroupRow,
  AccuracyQuery,
  AccuracyReport,
} from './accuracy.schemas.js';

/** One forecast month with its actual: what accuracy is computed over. */
export interface ActualPair {
  forecastId: string;
  cycleId: string;
  cycleName: string;
  anchor: string;
  customerId: string;
  customerName: string;
  productId: string;
  productName: string;
  repId: string;
  repName: string;
  month: string;
  forecast: number;
  actual: number;
}

export interface AccuracyFilters {
  cycleId?: string | undefined;
  repId?: string | undefined;
  customerId?: string | undefined;
  productId?: string | undefined;
}

/**
 * The month counted as actual: before the tenant's current month and with sales history loaded for
 * it (any row of the tenant in that month), so a month not yet imported is not read as zero sales.
 * The actual of a pair is the customer × product's quantity that month (0 without a row).
 */
export async function actualPairs(
  tx: Tx,
  tenantId: string,
  scope: SQL | undefined,
  filters: AccuracyFilters,
  timeZone: string,
): Promise<ActualPair[]> {
  const where = [
    sql`f.tenant_id = ${tenantId}`,
    sql`f.status in ('submitted', 'approved')`,
    filters.cycleId ? sql`f.cycle_id = ${filters.cycleId}` : undefined,
    filters.repId ? sql`f.rep_id = ${filters.repId}` : undefined,
    filters.customerId ? sql`f.customer_id = ${filters.customerId}` : undefined,
    filters.productId ? sql`f.product_id = ${filters.productId}` : undefined,
    scope,
  ].filter((s): s is SQL => s !== undefined);
  const rows = await selectRows<
    Omit<ActualPair, 'forecast' | 'actual'> & { forecast: string; actual: string }
  >(
    tx,
    sql`select f.id as "forecastId", f.cycle_id as "cycleId", c.name as "cycleName",
        to_char(c.anchor_month, 'YYYY-MM') as anchor,
        f.customer_id as "customerId", cu.name as "customerName", f.product_id as "productId",
        p.name as "productName", f.rep_id as "repId",
        coalesce(nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''), u.email) as "repName",
        to_char(l.month, 'YYYY-MM') as month, l.quantity::text as forecast,
        coalesce((select sum(s.quantity) from sales_history s where s.tenant_id = f.tenant_id
          and s.customer_id = f.customer_id and s.product_id = f.product_id and s.month = l.month), 0)::text as actual
      from forecasts f
      join forecast_lines l on l.tenant_id = f.tenant_id and l.forecast_id = f.id
      join sop_cycles c on c.tenant_id = f.tenant_id and c.id = f.cycle_id
      join customers cu on cu.tenant_id = f.tenant_id and cu.id = f.customer_id
      join products p on p.tenant_id = f.tenant_id and p.id = f.product_id
      join users u on u.tenant_id = f.tenant_id and u.id = f.rep_id
      where ${sql.join(where, sql` and `)}
        and l.month < date_trunc('month', now() at time zone ${timeZone})::date
        and exists (select 1 from sales_history h where h.tenant_id = f.tenant_id and h.month = l.month)
      order by c.anchor_month, c.id, f.rep_id, f.customer_id, f.product_id, l.month`,
  );
  return rows.map((r) => ({ ...r, forecast: Number(r.forecast), actual: Number(r.actual) }));
}

/**
 * The statistical baseline each pair is compared with: the forecasting library's baseline of the
 * customer × product's sales history up to the month before the cycle's anchor (what the rep saw
 * when the cycle opened), with the tenant's baseline method. Computed at read time, one fit per
 * (cycle anchor, customer, product), from one read of the series' history.
 */
export async function baselinesFor(
  tx: Tx,
  tenantId: string,
  pairs: readonly ActualPair[],
  method: BaselineSetting,
): Promise<number[]> {
  if (!pairs.length) return [];
  const customers = [...new Set(pairs.map((p) => p.customerId))];
  const products = [...new Set(pairs.map((p) => p.productId))];
  const lastAnchor = pairs.reduce((max, p) => (p.anchor > max ? p.anchor : max), pairs[0]!.anchor);
  const history = await selectRows<{ customer_id: string; product_id: string; month: string; value: string }>(
    tx,
    sql`select customer_id, product_id, to_char(month, 'YYYY-MM') as month, sum(quantity)::text as value
      from sales_history where tenant_id = ${tenantId}
        and ${anyId(sql`customer_id`, customers)} and ${anyId(sql`product_id`, products)}
        and month < ${`${lastAnchor}-01`}::date
      group by customer_id, product_id, month order by month`,
  );
  const series = new Map<string, { month: string; value: number }[]>();
  for (const h of history) {
    const key = `${h.customer_id}|${h.product_id}`;
    const list = series.get(key) ?? [];
    list.push({ month: h.month, value: Number(h.value) });
    series.set(key, list);
  }
  const fits = new Map<string, Map<string, number>>();
  const groups = new Map<string, { anchor: string; key: string; months: Set<string> }>();
  for (const p of pairs) {
    const fit = `${p.anchor}|${p.customerId}|${p.productId}`;
    const g = groups.get(fit) ?? {
      anchor: p.anchor,
      key: `${p.customerId}|${p.productId}`,
      months: new Set(),
    };
    g.months.add(p.month);
    groups.set(fit, g);
  }
  for (const [fit, g] of groups) {
    const historyEnd = addMonths(g.anchor, -1);
    const rows = (series.get(g.key) ?? []).filter((r) => r.month <= historyEnd);
    const months = [...g.months].filter((m) => m > historyEnd).sort();
    const values = new Map<string, number>();
    if (months.length) {
      const result = baselineForMonths(rows, { historyEnd, months, method, decimals: 3 });
      for (const m of result.months) values.set(m.month, m.value);
    }
    fits.set(fit, values);
  }
  // A forecast month before the anchor (the window's past months) has no baseline of its own: it
  // is compared with what the baseline would say from the history before the anchor as well.
  return pairs.map((p) => fits.get(`${p.anchor}|${p.customerId}|${p.productId}`)?.get(p.month) ?? 0);
}

const round = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 10_000) / 10_000;

export function figures(a: Accuracy): AccuracyFigures {
  return {
    pairs: a.count,
    sum_forecast: round(a.sumForecast)!,
    sum_actual: round(a.sumActual)!,
    mape: round(a.mape),
    mape_used: a.mapeUsed,
    mape_skipped: a.mapeSkipped,
    wape: round(a.wape),
    bias: round(a.bias),
    mae: round(a.mae),
  };
}

const KEYS: Record<AccuracyGroup, (p: ActualPair) => [string, string]> = {
  rep: (p) => [p.repId, p.repName],
  customer: (p) => [p.customerId, p.customerName],
  product: (p) => [p.productId, p.productName],
  cycle: (p) => [p.cycleId, p.cycleName],
};

function groupRow(key: string, label: string, forecasts: number, c: BaselineComparison): AccuracyGroupRow {
  return {
    key,
    label,
    forecasts,
    forecast: figures(c.forecast),
    baseline: figures(c.baseline),
    wape_difference: round(c.wapeDifference),
    forecast_beat_baseline: c.forecastBeatBaseline,
  };
}

/** Accuracy per group and in total, the forecast beside the baseline. */
export function accuracyReport(
  groupBy: AccuracyGroup,
  pairs: readonly ActualPair[],
  baselines: readonly number[],
): AccuracyReport {
  const rows = pairs.map((p, i) => ({ ...p, baseline: baselines[i]! }));
  const labels = new Map(rows.map((r) => KEYS[groupBy](r)));
  // Each group's distinct forecasts, counted in one pass (a filter per group is quadratic).
  const forecastIds = new Map<string, Set<string>>();
  for (const r of rows) {
    const key = KEYS[groupBy](r)[0];
    const ids = forecastIds.get(key) ?? new Set<string>();
    ids.add(r.forecastId);
    forecastIds.set(key, ids);
  }
  const groups = compareWithBaselineBy(rows, (r) => KEYS[groupBy](r)[0]).map(({ key, comparison }) =>
    groupRow(key, labels.get(key) ?? key, forecastIds.get(key)?.size ?? 0, comparison),
  );
  const total = new Set(rows.map((p) => p.forecastId)).size;
  const totalRow = groupRow('total', 'Total', total, compareWithBaseline(rows));
  const through = pairs.reduce<string | null>(
    (max, p) => (max === null || p.month > max ? p.month : max),
    null,
  );
  return { group_by: groupBy, actuals_through: through, groups, total: totalRow };
}

/** Loads the pairs in the caller's scope and their baselines. */
export async function loadAccuracy(
  tx: Tx,
  ctx: Pick<CallContext, 'tenantId' | 'principal'>,
  filters: AccuracyFilters,
) {
  const { timeZone, planning } = await planningContext(tx, ctx.tenantId);
  const pairs = await actualPairs(tx, ctx.tenantId, repScope(ctx, sql`f.rep_id`), filters, timeZone);
  const baselines = await baselinesFor(tx, ctx.tenantId, pairs, planning.baseline_method as BaselineSetting);
  return { pairs, baselines };
}

export function createAccuracyService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    get: (ctx: CallContext, query: AccuracyQuery): Promise<AccuracyReport> =>
      tenantTx(ctx, async (tx) => {
        const { pairs, baselines } = await loadAccuracy(tx, ctx, {
          cycleId: query.cycle_id,
          repId: query.rep_id,
          customerId: query.customer_id,
          productId: query.product_id,
        });
        return accuracyReport(query.group_by ?? 'rep', pairs, baselines);
      }),
  };
}
