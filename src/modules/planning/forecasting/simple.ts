/**
 * The simple baseline methods and the helpers every method shares. A series is an array of monthly
 * values, oldest first, with no gaps (a month without sales is 0). Forecasts here are raw: they
 * are neither clamped at zero nor rounded (the selection in `baseline.ts` does both).
 */

/** Months in a season: monthly data with a yearly pattern. */
export const MONTHS_PER_YEAR = 12;

/** Default moving-average window, in months. */
export const DEFAULT_WINDOW = 3;

/** Throws a RangeError unless every value is a finite number. */
export function assertFiniteSeries(series: readonly number[], name = 'series'): void {
  for (let i = 0; i < series.length; i++) {
    if (!Number.isFinite(series[i]))
      throw new RangeError(`${name}[${i}] is not a finite number: ${series[i]}`);
  }
}

/** Throws a RangeError unless `value` is an integer ≥ `min`. */
export function assertInteger(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}: ${value}`);
  }
}

/**
 * Seasonal naive: each future month repeats the same calendar month of the last observed year,
 * ŷ(n+k) = y(n + k − m·⌈k/m⌉) with m = 12, so months 13–24 ahead repeat that year again.
 * Needs at least one full season (`period` values); throws a RangeError otherwise.
 */
export function seasonalNaive(
  series: readonly number[],
  horizon: number,
  period = MONTHS_PER_YEAR,
): number[] {
  assertFiniteSeries(series);
  assertInteger(horizon, 'horizon', 0);
  assertInteger(period, 'period', 1);
  if (series.length < period) {
    throw new RangeError(`seasonal naive needs ${period} months of history, got ${series.length}`);
  }
  const lastYear = series.length - period;
  const forecast: number[] = [];
  for (let k = 1; k <= horizon; k++) forecast.push(series[lastYear + ((k - 1) % period)]!);
  return forecast;
}

/**
 * Moving average: the mean of the last `window` months (default 3), repeated flat over the
 * horizon, ŷ(n+k) = (y(n−w+1) + … + y(n)) ÷ w. Needs at least `window` values.
 */
export function movingAverage(series: readonly number[], horizon: number, window = DEFAULT_WINDOW): number[] {
  assertFiniteSeries(series);
  assertInteger(horizon, 'horizon', 0);
  assertInteger(window, 'window', 1);
  if (series.length < window) {
    throw new RangeError(`moving average needs ${window} months of history, got ${series.length}`);
  }
  let sum = 0;
  for (let i = series.length - window; i < series.length; i++) sum += series[i]!;
  return new Array<number>(horizon).fill(sum / window);
}

/** The mean of the whole history repeated flat (the fallback for a history shorter than the window). */
export function historyMean(series: readonly number[], horizon: number): number[] {
  assertFiniteSeries(series);
  assertInteger(horizon, 'horizon', 0);
  if (series.length === 0) throw new RangeError('the mean needs at least one month of history');
  let sum = 0;
  for (const value of series) sum += value;
  return new Array<number>(horizon).fill(sum / series.length);
}

/** Mean absolute error of two equally long arrays: Σ|F − A| ÷ n (null when empty). */
export function meanAbsoluteError(forecast: readonly number[], actual: readonly number[]): number | null {
  if (forecast.length !== actual.length) throw new RangeError('forecast and actual differ in length');
  if (actual.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(forecast[i]! - actual[i]!);
  return sum / actual.length;
}

/** Rounds half away from zero to `decimals` places, and turns −0 into 0. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
  return rounded === 0 ? 0 : rounded;
}
