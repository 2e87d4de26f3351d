import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound, validationFailed } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { checkReferences, planningContext } from '../common.js';
import { addMonths, firstDayOf, futureMonths, monthOf } from '../cycles/window.js';
import { baselineForMonths, type BaselineSetting, type MonthlyBaselineResult } from '../forecasting/index.js';
import { repScope } from '../scope.js';
import { productCustomerMatrix as matrix, sopCycles } from '../tables/planning.tables.js';
import type { BaselineQuery, BaselineView } from './forecasts.schemas.js';

export type SeriesRows = Map<string, { month: string; value: number }[]>;
export const pairKey = (customerId: string, productId: string) => `${customerId}:${productId}`;

/**
 * Monthly sales quantities up to `historyEnd` (YYYY-MM) of the given pairs (or, with `repId`, of the
 * pairs on that rep's active matrix rows), keyed by `customer:product`. The whole pair's history
 * counts, whoever sold.
 */
export async function salesSeries(
  tx: Tx,
  tenantId: string,
  historyEnd: string,
  filter: { customerId: string; productId: string } | { repId: string },
): Promise<SeriesRows> {
  const pairs =
    'repId' in filter
      ? sql`(s.customer_id, s.product_id) in (select m.customer_id, m.product_id from product_customer_matrix m
          where m.tenant_id = ${tenantId} and m.rep_id = ${filter.repId} and m.is_active)`
      : sql`s.customer_id = ${filter.customerId} and s.product_id = ${filter.productId}`;
  const rows = await selectRows<{ customer_id: string; product_id: string; month: string; value: number }>(
    tx,
    sql`select s.customer_id, s.product_id, to_char(s.month, 'YYYY-MM') as month, s.quantity::float8 as value
      from sales_history s
      where s.tenant_id = ${tenantId} and s.month <= ${firstDayOf(historyEnd)}::date and ${pairs}
      order by s.month`,
  );
  const series: SeriesRows = new Map();
  for (const row of rows) {
    const key = pairKey(row.customer_id, row.product_id);
    const list = series.get(key) ?? [];
    list.push({ month: row.month, value: Number(row.value) });
    series.set(key, list);
  }
  return series;
}

/**
 * The baseline of one series for a cycle's forecast months (the anchor and the 11 after it): the
 * history ends the month before the anchor.
 */
export function cycleBaseline(
  rows: readonly { month: string; value: number }[],
  anchor: string,
  method: BaselineSetting,
): MonthlyBaselineResult {
  return baselineForMonths(rows, { historyEnd: addMonths(anchor, -1), months: futureMonths(anchor), method });
}

export function createBaselineService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    /**
     * GET /forecasts/baseline: tenant-wide callers for any pair of the tenant; others for a pair on
     * a matrix row in their scope (404 otherwise).
     */
    get(ctx: CallContext, query: BaselineQuery): Promise<BaselineView> {
      return tenantTx(ctx, async (tx) => {
        const [cycle] = await tx.db
          .select()
          .from(sopCycles)
          .where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.id, query.cycle_id)));
        if (!cycle) throw validationFailed([{ path: '/query/cycle_id', message: 'no such S&OP cycle' }]);
        await checkReferences(
          tx,
          ctx.tenantId,
          { customer_id: query.customer_id, product_id: query.product_id },
          '/query',
        );
        const scope = repScope(ctx, matrix.repId);
        if (scope) {
          const [visible] = await tx.db
            .select({ id: matrix.id })
            .from(matrix)
            .where(
              and(
                eq(matrix.tenantId, ctx.tenantId),
                eq(matrix.customerId, query.customer_id),
                eq(matrix.productId, query.product_id),
                scope,
              ),
            );
          if (!visible) throw notFound('Customer–product pair');
        }
        const method = query.method ?? (await planningContext(tx, ctx.tenantId)).planning.baseline_method;
        const anchor = monthOf(cycle.anchorMonth);
        const series = await salesSeries(tx, ctx.tenantId, addMonths(anchor, -1), {
          customerId: query.customer_id,
          productId: query.product_id,
        });
        const result = cycleBaseline(
          series.get(pairKey(query.customer_id, query.product_id)) ?? [],
          anchor,
          method,
        );
        return {
          cycle_id: cycle.id,
          customer_id: query.customer_id,
          product_id: query.product_id,
          requested: result.requested,
          method: result.method,
          backtest_error: result.backtestError,
          error_metric: result.errorMetric,
          fallback: result.fallback,
          candidates: result.candidates.map((c) => ({
            method: c.method,
            backtest_error: c.backtestError,
            reason: c.reason,
          })),
          history: result.history,
          months: result.months.map((m) => ({ month: m.month, quantity: m.value })),
        };
      });
    },
  };
}

export type BaselineService = ReturnType<typeof createBaselineService>;
