import { divRound, money, qty, toUnits } from '../inventory/decimal.js';

/**
 * A position's sums in cents. VAT is always included in the price (as MoySklad's default
 * `vatIncluded`): sum = round(quantity × price × (1 − discount ÷ 100), 2) is the gross amount and
 * vat = round(sum × rate ÷ (100 + rate), 2); no rate (null) or 0 means no VAT.
 */
export function positionSums(p: {
  quantity: string;
  price: string;
  discount?: string | null;
  vatRate?: string | null;
}) {
  const quantity = qty(p.quantity); // thousandths
  const price = money(p.price); // cents
  const discount = toUnits(p.discount ?? '0', 2); // hundredths of a percent, 0–10000
  const sum = divRound(quantity * price * (10_000n - discount), 1_000n * 10_000n);
  const rate = p.vatRate == null ? 0n : toUnits(p.vatRate, 2);
  const vat = rate === 0n ? 0n : divRound(sum * rate, 10_000n + rate);
  return { sum, vat };
}

/** Σ quantity × unit cost, rounded to cents once at the end (cents). */
export function costSum(lines: readonly { quantity: string; unitCost: string }[]): bigint {
  let total = 0n;
  for (const line of lines) total += qty(line.quantity) * money(line.unitCost);
  return divRound(total, 1_000n);
}
