import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { fromCents, toCents } from '../common.js';
import { firstDayOf, planningWindow } from '../cycles/window.js';
import { forecastLines } from '../tables/planning.tables.js';

/** A month's line as given: quantity and an optional price override (money text). */
export interface LineDraft {
  month: string;
  quantity: number;
  price_override?: string | null;
}

/** Decimals of a number as written ("1.25" → 2); Infinity for exponent forms of tiny numbers. */
export function decimalsOf(value: number): number {
  const text = String(value);
  if (/e-/i.test(text)) return Infinity;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The largest quantity (as the API's Quantity schema). */
export const MAX_QUANTITY = 1e12;
/** Revenue is numeric(18,2): below 10^16 whole units. */
const MAX_REVENUE_CENTS = 10n ** 18n;

/** Quantity in thousandths (quantities keep three decimals). */
const milli = (quantity: number): bigint => BigInt(Math.round(quantity * 1000));

/**
 * Line revenue = round(quantity × price, 2), half away from zero, exactly: quantity in thousandths
 * × price in cents, rounded to whole cents.
 */
export function lineRevenue(quantity: number, price: string): string {
  const product = milli(quantity) * toCents(price);
  return fromCents((product + 500n) / 1000n);
}

/** A quantity as the decimal text stored (three decimals at most). */
export const quantityText = (quantity: number): string => {
  const m = milli(quantity);
  return `${m / 1000n}.${String(m % 1000n).padStart(3, '0')}`;
};

/**
 * Checks a forecast's lines against the cycle's window (months inside the 16 months, each once),
 * quantities (≥ 0, at most 3 decimals). 422 naming each failing member under `base`.
 */
export function checkLines(lines: readonly LineDraft[], anchor: string, base = '/body/lines'): void {
  const window = new Set(planningWindow(anchor));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  lines.forEach((line, i) => {
    if (!window.has(line.month))
      errors.push({
        path: `${base}/${i}/month`,
        message: `outside the cycle's window ${[...window][0]}–${[...window].at(-1)}`,
      });
    else if (seen.has(line.month))
      errors.push({ path: `${base}/${i}/month`, message: 'this month is given twice' });
    seen.add(line.month);
    if (!(line.quantity >= 0))
      errors.push({ path: `${base}/${i}/quantity`, message: 'must not be negative' });
    else if (decimalsOf(line.quantity) > 3)
      errors.push({ path: `${base}/${i}/quantity`, message: 'at most three decimals' });
    else if (line.quantity > MAX_QUANTITY)
      errors.push({ path: `${base}/${i}/quantity`, message: `at most ${MAX_QUANTITY}` });
  });
  if (errors.length) throw validationFailed(errors);
}

/** The pair's matrix price (the active row first), or null when the pair has no matrix row. */
export async function matrixPrice(
  tx: Tx,
  tenantId: string,
  customerId: string,
  productId: string,
): Promise<string | null> {
  const [row] = await selectRows<{ price: string }>(
    tx,
    sql`select price::text as price from product_customer_matrix
      where tenant_id = ${tenantId} and customer_id = ${customerId} and product_id = ${productId}
      order by is_active desc limit 1`,
  );
  return row?.price ?? null;
}

/**
 * Replaces a forecast's lines (delete + insert in the caller's transaction): price = the override
 * or the matrix price; revenue = round(quantity × price, 2). A line without an override when the
 * pair has no matrix price is 422 at its price_override.
 */
export async function replaceLines(
  tx: Tx,
  tenantId: string,
  forecastId: string,
  lines: readonly LineDraft[],
  price: string | null,
  base = '/body/lines',
): Promise<void> {
  const errors: FieldError[] = [];
  const values = lines.map((line, i) => {
    const used = line.price_override ?? price;
    if (used === null)
      errors.push({
        path: `${base}/${i}/price_override`,
        message: 'the customer–product pair has no matrix price: give a price override',
      });
    const revenue = lineRevenue(line.quantity, used ?? '0');
    if (toCents(revenue) >= MAX_REVENUE_CENTS)
      errors.push({ path: `${base}/${i}/quantity`, message: 'quantity × price is too large' });
    return {
      tenantId,
      forecastId,
      month: firstDayOf(line.month)!,
      quantity: quantityText(line.quantity),
      priceOverride: line.price_override ?? null,
      price: used ?? '0',
      revenue,
    };
  });
  if (errors.length) throw validationFailed(errors);
  await tx.db
    .delete(forecastLines)
    .where(and(eq(forecastLines.tenantId, tenantId), eq(forecastLines.forecastId, forecastId)));
  if (values.length) await tx.db.insert(forecastLines).values(values);
}
