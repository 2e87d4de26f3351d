/**
 * Forecast accuracy over paired (forecast, actual) values, e.g. one pair per forecast line month
 * whose actual sales are known. All ratios are percentages (12.5 means 12.5 %), unrounded.
 */

export interface ForecastPair {
  forecast: number;
  actual: number;
}

export interface Accuracy {
  /** Pairs counted. */
  count: number;
  /** MAPE = 100 ÷ k · Σ |F − A| ÷ |A| over the k pairs with A ≠ 0; null when k = 0. */
  mape: number | null;
  /** Pairs used by MAPE (k) and skipped because their actual is 0. */
  mapeUsed: number;
  mapeSkipped: number;
  /** WAPE = 100 · Σ|F − A| ÷ Σ|A|; null when Σ|A| = 0. */
  wape: number | null;
  /** Bias = 100 · Σ(F − A) ÷ ΣA (positive: over-forecast); null when ΣA = 0. */
  bias: number | null;
  /** Mean error = Σ(F − A) ÷ n, in units (positive: over-forecast); null when n = 0. */
  meanError: number | null;
  /** Mean absolute error = Σ|F − A| ÷ n, in units; null when n = 0. */
  mae: number | null;
  sumForecast: number;
  sumActual: number;
  sumAbsoluteError: number;
}

function assertFinite(value: number, name: string, index: number): void {
  if (!Number.isFinite(value))
    throw new RangeError(`${name} of pair ${index} is not a finite number: ${value}`);
}

/** MAPE, WAPE, bias, mean error and MAE of the pairs (see `Accuracy` for each formula). */
export function accuracy(pairs: readonly ForecastPair[]): Accuracy {
  let sumForecast = 0;
  let sumActual = 0;
  let sumAbsoluteActual = 0;
  let sumAbsoluteError = 0;
  let sumPercentage = 0;
  let mapeUsed = 0;
  pairs.forEach(({ forecast, actual }, index) => {
    assertFinite(forecast, 'forecast', index);
    assertFinite(actual, 'actual', index);
    const absoluteError = Math.abs(forecast - actual);
    sumForecast += forecast;
    sumActual += actual;
    sumAbsoluteActual += Math.abs(actual);
    sumAbsoluteError += absoluteError;
    if (actual !== 0) {
      sumPercentage += absoluteError / Math.abs(actual);
      mapeUsed++;
    }
  });
  const count = pairs.length;
  const sumError = sumForecast - sumActual;
  return {
    count,
    mape: mapeUsed > 0 ? (100 * sumPercentage) / mapeUsed : null,
    mapeUsed,
    mapeSkipped: count - mapeUsed,
    wape: sumAbsoluteActual !== 0 ? (100 * sumAbsoluteError) / sumAbsoluteActual : null,
    bias: sumActual !== 0 ? (100 * sumError) / sumActual : null,
    meanError: count > 0 ? sumError / count : null,
    mae: count > 0 ? sumAbsoluteError / count : null,
    sumForecast,
    sumActual,
    sumAbsoluteError,
  };
}

/**
 * Rows grouped by a key (rep, customer, product, cycle, or a composite such as `rep|month`), in
 * the order each key first appears.
 */
export function groupBy<Row>(rows: readonly Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const name = key(row);
    const group = groups.get(name);
    if (group) group.push(row);
    else groups.set(name, [row]);
  }
  return groups;
}

/** Accuracy per key of rows that carry a forecast and an actual, in first-appearance order. */
export function accuracyBy<Row extends ForecastPair>(
  rows: readonly Row[],
  key: (row: Row) => string,
): { key: string; accuracy: Accuracy }[] {
  return [...groupBy(rows, key)].map(([name, group]) => ({ key: name, accuracy: accuracy(group) }));
}

/** One month of a forecast line beside the statistical baseline of the same month and the actual. */
export interface ForecastBaselineActual {
  forecast: number;
  baseline: number;
  actual: number;
}

export interface BaselineComparison {
  /** The rep's (or submitted forecast's) accuracy. */
  forecast: Accuracy;
  /** The statistical baseline's accuracy over the same months. */
  baseline: Accuracy;
  /** forecast.wape − baseline.wape in percentage points (negative: the rep did better); null if either is null. */
  wapeDifference: number | null;
  /** forecast.mape − baseline.mape in percentage points; null if either is null. */
  mapeDifference: number | null;
  /** |forecast.bias| − |baseline.bias| in percentage points; null if either is null. */
  absoluteBiasDifference: number | null;
  /** forecast.mae − baseline.mae in units; null when there are no rows. */
  maeDifference: number | null;
  /**
   * Did the rep beat the statistics? By WAPE: true when the forecast's is lower, false when it is
   * equal or higher, null when WAPE is undefined (no actual sales: nothing to beat).
   */
  forecastBeatBaseline: boolean | null;
}

const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** The forecast's and the baseline's accuracy on the same rows, and whether the forecast did better. */
export function compareWithBaseline(rows: readonly ForecastBaselineActual[]): BaselineComparison {
  const forecast = accuracy(rows.map((row) => ({ forecast: row.forecast, actual: row.actual })));
  const baselineAccuracy = accuracy(rows.map((row) => ({ forecast: row.baseline, actual: row.actual })));
  const wapeDifference = difference(forecast.wape, baselineAccuracy.wape);
  return {
    forecast,
    baseline: baselineAccuracy,
    wapeDifference,
    mapeDifference: difference(forecast.mape, baselineAccuracy.mape),
    absoluteBiasDifference: difference(
      forecast.bias === null ? null : Math.abs(forecast.bias),
      baselineAccuracy.bias === null ? null : Math.abs(baselineAccuracy.bias),
    ),
    maeDifference: difference(forecast.mae, baselineAccuracy.mae),
    forecastBeatBaseline: wapeDifference === null ? null : wapeDifference < 0,
  };
}

/** `compareWithBaseline` per key (rep, customer, product, cycle, …), in first-appearance order. */
export function compareWithBaselineBy<Row extends ForecastBaselineActual>(
  rows: readonly Row[],
  key: (row: Row) => string,
): { key: string; comparison: BaselineComparison }[] {
  return [...groupBy(rows, key)].map(([name, group]) => ({
    key: name,
    comparison: compareWithBaseline(group),
  }));
}
