import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import type { ResourceCaller } from '../../../platform/resource/index.js';
import { abcClasses, coefficientOfVariation, xyzClass } from './abc-xyz.js';
import { type AnalyticsContext, dayEnd, dayStart, ownerScope, SALES_KINDS, SIGN } from './context.js';
import { fromCents, num, toCents } from './formulas.js';
import { addDays, periodStart, reportPeriod } from './period.js';
import type { AbcXyzProduct, AbcXyzQuery, AbcXyzReport } from './schemas.js';

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** The first day of every month (or ISO week) bucket from the one holding `from` to the one holding `to`. */
export function bucketStarts(from: string, to: string, unit: 'month' | 'week'): string[] {
  const out: string[] = [];
  let bucket = periodStart(from, unit);
  while (bucket <= to) {
    out.push(bucket);
    if (unit === 'week') bucket = addDays(bucket, 7);
    else {
      const y = Number(bucket.slice(0, 4));
      const m = Number(bucket.slice(5, 7));
      bucket = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    }
  }
  return out;
}

/** The twelve whole months before the current one: the default, so every bucket is a full month. */
export function lastTwelveMonths(today: string): { from: string; to: string } {
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  const y = Number(to.slice(0, 4));
  const m = Number(to.slice(5, 7));
  const from = m === 12 ? `${y}-01-01` : `${y - 1}-${String(m + 1).padStart(2, '0')}-01`;
  return { from, to };
}

/** Every product with sales in the period (in the caller's scope), classified; filters do not change the classes. */
export async function abcXyzProducts(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  query: AbcXyzQuery,
) {
  const t = { a: query.a ?? 80, b: query.b ?? 95, x: query.x ?? 10, y: query.y ?? 25 };
  const errors = [];
  if (t.a > t.b) errors.push({ path: '/query/a', message: 'must not be above b' });
  if (t.x > t.y) errors.push({ path: '/query/x', message: 'must not be above y' });
  if (errors.length) throw validationFailed(errors);
  const period = reportPeriod(query.from || query.to ? query : lastTwelveMonths(a.today), a.today, 365);
  const unit = query.xyz_period ?? 'month';
  const rows = await selectRows<{
    product_id: string;
    code: string;
    name: string;
    bucket: string;
    revenue: string;
    quantity: string;
  }>(
    tx,
    sql`with b as (
        select p.product_id, date_trunc(${unit}, p.moment at time zone ${a.timeZone})::date as bucket,
          ${SIGN(sql`p.kind`)} * p.sum as revenue, ${SIGN(sql`p.kind`)} * p.quantity as quantity
        from commerce_document_positions p
        where p.tenant_id = ${a.tenantId} and p.active and p.kind in ${SALES_KINDS}
          and p.moment >= ${dayStart(period.from, a.timeZone)} and p.moment < ${dayEnd(period.to, a.timeZone)}
          and ${ownerScope(caller, sql`p.owner_id`)}),
      g as (select product_id, bucket, sum(revenue) as revenue, sum(quantity) as quantity from b group by product_id, bucket)
      select g.product_id, pr.code, pr.name, to_char(g.bucket, 'YYYY-MM-DD') as bucket,
        g.revenue::numeric(18, 2)::text as revenue, g.quantity::numeric(18, 3)::text as quantity
      from g join products pr on pr.tenant_id = ${a.tenantId} and pr.id = g.product_id`,
  );
  const buckets = bucketStarts(period.from, period.to, unit);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const products = new Map<string, { code: string; name: string; revenue: bigint; series: number[] }>();
  for (const r of rows) {
    const p = products.get(r.product_id) ?? {
      code: r.code,
      name: r.name,
      revenue: 0n,
      series: buckets.map(() => 0),
    };
    p.revenue += toCents(r.revenue);
    p.series[index.get(r.bucket)!]! += num(r.quantity);
    products.set(r.product_id, p);
  }
  const ordered = [...products.entries()].sort(
    ([ia, x], [ib, y]) =>
      (y.revenue > x.revenue ? 1 : y.revenue < x.revenue ? -1 : 0) ||
      x.code.localeCompare(y.code) ||
      ia.localeCompare(ib),
  );
  const abc = abcClasses(
    ordered.map(([, p]) => Number(p.revenue) / 100),
    t,
  );
  const total = ordered.reduce((s, [, p]) => (p.revenue > 0n ? s + p.revenue : s), 0n);
  const classified: AbcXyzProduct[] = ordered.map(([id, p], i) => {
    const cv = coefficientOfVariation(p.series);
    const xyz = xyzClass(cv, t);
    const quantity = p.series.reduce((s, v) => s + v, 0);
    return {
      product_id: id,
      code: p.code,
      name: p.name,
      revenue: fromCents(p.revenue),
      quantity: quantity.toFixed(3),
      share_percent: round4(abc[i]!.share),
      cumulative_share_percent: round4(abc[i]!.cumulativeShare),
      abc: abc[i]!.abc,
      cv_percent: cv === null ? null : round4(cv),
      xyz,
      class: `${abc[i]!.abc}${xyz}`,
    };
  });
  return {
    thresholds: t,
    period,
    unit,
    buckets: buckets.length,
    products: classified,
    revenue: fromCents(total),
  };
}

export async function abcXyzReport(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  query: AbcXyzQuery,
): Promise<AbcXyzReport> {
  const r = await abcXyzProducts(tx, a, caller, query);
  const matrix = { A: { X: 0, Y: 0, Z: 0 }, B: { X: 0, Y: 0, Z: 0 }, C: { X: 0, Y: 0, Z: 0 } };
  for (const p of r.products) matrix[p.abc as 'A' | 'B' | 'C'][p.xyz as 'X' | 'Y' | 'Z'] += 1;
  const filtered = r.products.filter(
    (p) => (!query.abc || p.abc === query.abc) && (!query.xyz || p.xyz === query.xyz),
  );
  const limit = query.limit ?? 100;
  const offset = query.offset ?? 0;
  return {
    currency: a.currency,
    period: r.period,
    thresholds: r.thresholds,
    xyz_period: r.unit,
    buckets: r.buckets,
    products: filtered.slice(offset, offset + limit),
    total: filtered.length,
    limit,
    offset,
    matrix,
    revenue: r.revenue,
  };
}
