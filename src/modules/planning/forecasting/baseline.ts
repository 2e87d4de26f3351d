/**
 * The statistical baseline of one (customer, product) monthly series: each applicable method is
 * backtested on a single holdout of the last 6 months (fitted on the months before it), the one
 * with the lowest mean absolute error wins (ties go to the simpler method), and short histories
 * fall back to simpler methods. A method can also be forced (the tenant's baseline setting).
 */
import { type HoltWintersParams, holtWinters } from './holt-winters.js';
import { type MonthValue, addMonths, denseSeries, firstMonth, monthsBetween } from './months.js';
import {
  DEFAULT_WINDOW,
  MONTHS_PER_YEAR,
  assertFiniteSeries,
  assertInteger,
  historyMean,
  meanAbsoluteError,
  movingAverage,
  roundTo,
  seasonalNaive,
} from './simple.js';

/** The backtested methods, simplest first: that order breaks ties. */
export const BASELINE_METHODS = ['moving_average', 'seasonal_naive', 'holt_winters'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

/** What a tenant may set: automatic selection or one method. */
export const BASELINE_SETTINGS = ['auto', ...BASELINE_METHODS] as const;
export type BaselineSetting = (typeof BASELINE_SETTINGS)[number];

/** What a baseline can come out as: a method, or a fallback for (almost) no history. */
export type ForecastMethod = BaselineMethod | 'mean' | 'zero';

/** Default holdout of the backtest, in months. */
export const DEFAULT_HOLDOUT = 6;

export interface BaselineOptions {
  /** Months to forecast after the last month of history. */
  horizon: number;
  /** `auto` (default) or a forced method. */
  method?: BaselineSetting;
  /** Moving-average window in months (default 3). */
  window?: number;
  /** Backtest holdout in months (default 6). */
  holdout?: number;
  /** Decimals of the published numbers; default 0 when every history value is an integer, else 2. */
  decimals?: number;
  /** Fixed Holt-Winters parameters; fitted on each training part when absent. */
  holtWinters?: HoltWintersParams;
}

export interface CandidateError {
  method: BaselineMethod;
  /** Mean absolute error over the holdout (rounded to 4 decimals), or null when not backtestable. */
  backtestError: number | null;
  /** Why there is no backtest error (too short a history), or null. */
  reason: string | null;
}

export interface BaselineResult {
  requested: BaselineSetting;
  method: ForecastMethod;
  /** The chosen method's backtest MAE (rounded to 4 decimals), or null when it was not backtested. */
  backtestError: number | null;
  errorMetric: 'mae';
  holdout: number;
  /** The forecast: `horizon` numbers, never negative, rounded to `decimals`. */
  forecast: number[];
  decimals: number;
  /** Every backtested method's error, for transparency. */
  candidates: CandidateError[];
  /** Why the method is not the requested one (or why it has no backtest error), or null. */
  fallback: string | null;
  /** Holt-Winters' parameters of the final fit, when it is the method. */
  params: HoltWintersParams | null;
}

/** Months of history a method needs to forecast at all. */
export function minimumHistory(method: BaselineMethod, window = DEFAULT_WINDOW): number {
  if (method === 'moving_average') return window;
  if (method === 'seasonal_naive') return MONTHS_PER_YEAR;
  return 2 * MONTHS_PER_YEAR;
}

/** The raw (unclamped, unrounded) forecast of a method; the history must be long enough. */
function forecastWith(
  method: BaselineMethod,
  series: readonly number[],
  horizon: number,
  options: { window: number; holtWinters: HoltWintersParams | undefined },
): { forecast: number[]; params: HoltWintersParams | null } {
  if (method === 'moving_average')
    return { forecast: movingAverage(series, horizon, options.window), params: null };
  if (method === 'seasonal_naive') return { forecast: seasonalNaive(series, horizon), params: null };
  const run = holtWinters(series, horizon, options.holtWinters ? { params: options.holtWinters } : {});
  return { forecast: run.forecast, params: run.params };
}

const clamp = (values: readonly number[]) => values.map((value) => (value > 0 ? value : 0));

/** Errors within this relative distance are a tie (so float noise never beats simplicity). */
const TIE = 1e-9;

/**
 * The baseline of `series` (monthly values, oldest first, no gaps) for the next `horizon` months.
 *
 * Backtest: for each method with at least its minimum history + `holdout` months, fit on all but
 * the last `holdout` months, forecast them (clamped at zero) and take the mean absolute error.
 * `auto` picks the lowest error (ties: moving average, then seasonal naive, then Holt-Winters).
 * No backtestable method: moving average when the history covers the window, else the mean of the
 * history, else zeros. A forced method is used whenever the history is long enough to forecast
 * with it (its backtest error when it has one); otherwise the next simpler one that can
 * (Holt-Winters → seasonal naive → moving average → mean → zero), saying so in `fallback`.
 */
export function baseline(series: readonly number[], options: BaselineOptions): BaselineResult {
  assertFiniteSeries(series);
  const { horizon } = options;
  const requested = options.method ?? 'auto';
  const window = options.window ?? DEFAULT_WINDOW;
  const holdout = options.holdout ?? DEFAULT_HOLDOUT;
  assertInteger(horizon, 'horizon', 0);
  assertInteger(window, 'window', 1);
  assertInteger(holdout, 'holdout', 1);
  if (!(BASELINE_SETTINGS as readonly string[]).includes(requested)) {
    throw new RangeError(`unknown baseline method: ${JSON.stringify(requested)}`);
  }
  const decimals = options.decimals ?? (series.every(Number.isInteger) ? 0 : 2);
  assertInteger(decimals, 'decimals', 0);
  const methodOptions = { window, holtWinters: options.holtWinters };
  const n = series.length;

  const candidates: CandidateError[] = BASELINE_METHODS.map((method) => {
    const needed = minimumHistory(method, window) + holdout;
    if (n < needed)
      return { method, backtestError: null, reason: `needs ${needed} months of history, has ${n}` };
    const training = series.slice(0, n - holdout);
    const { forecast } = forecastWith(method, training, holdout, methodOptions);
    const error = meanAbsoluteError(clamp(forecast), series.slice(n - holdout))!;
    return { method, backtestError: error, reason: null };
  });

  let method: ForecastMethod;
  let fallback: string | null = null;
  if (requested === 'auto') {
    let best: CandidateError | null = null;
    for (const candidate of candidates) {
      if (candidate.backtestError === null) continue;
      const limit = best?.backtestError;
      if (limit == null || candidate.backtestError < limit - TIE * (1 + limit)) best = candidate;
    }
    if (best) method = best.method;
    else {
      method = n >= window ? 'moving_average' : n > 0 ? 'mean' : 'zero';
      fallback = `no method can be backtested on ${n} months (moving average needs ${window + holdout})`;
    }
  } else {
    const chain = BASELINE_METHODS.slice(0, BASELINE_METHODS.indexOf(requested) + 1).reverse();
    const usable = chain.find((candidate) => n >= minimumHistory(candidate, window));
    method = usable ?? (n > 0 ? 'mean' : 'zero');
    if (method !== requested) {
      fallback = `${requested} needs ${minimumHistory(requested, window)} months of history, has ${n}`;
    } else if (candidates.find((candidate) => candidate.method === method)?.backtestError === null) {
      fallback = `${requested} is forced but cannot be backtested on ${n} months`;
    }
  }

  let raw: number[];
  let params: HoltWintersParams | null = null;
  if (method === 'zero') raw = new Array<number>(horizon).fill(0);
  else if (method === 'mean') raw = historyMean(series, horizon);
  else ({ forecast: raw, params } = forecastWith(method, series, horizon, methodOptions));

  const chosen = candidates.find((candidate) => candidate.method === method);
  return {
    requested,
    method,
    backtestError: chosen?.backtestError == null ? null : roundTo(chosen.backtestError, 4),
    errorMetric: 'mae',
    holdout,
    forecast: clamp(raw).map((value) => roundTo(value, decimals)),
    decimals,
    candidates: candidates.map((candidate) => ({
      ...candidate,
      backtestError: candidate.backtestError === null ? null : roundTo(candidate.backtestError, 4),
    })),
    fallback,
    params,
  };
}

export interface MonthlyBaselineOptions extends Omit<BaselineOptions, 'horizon'> {
  /** The last month of history (`YYYY-MM`); rows after it are ignored. */
  historyEnd: string;
  /** The months to forecast (`YYYY-MM`), each after `historyEnd`. */
  months: readonly string[];
  /** First month of the series; default the earliest row's month (no leading zeros before it). */
  historyStart?: string;
}

export interface MonthlyBaselineResult extends BaselineResult {
  /** The forecast of each requested month, in the order asked. */
  months: { month: string; value: number }[];
  /** The months of history used, `from`–`to`, or null when there was none. */
  history: { from: string; to: string; length: number } | null;
}

/**
 * The baseline for given calendar months from sales rows: the rows become a dense series from
 * `historyStart` (default their first month) to `historyEnd` (gaps are 0), the baseline is
 * computed up to the latest requested month, and each requested month gets its value.
 */
export function baselineForMonths(
  rows: readonly MonthValue[],
  options: MonthlyBaselineOptions,
): MonthlyBaselineResult {
  const { historyEnd, months, historyStart, ...rest } = options;
  let horizon = 0;
  for (const month of months) {
    const ahead = monthsBetween(historyEnd, month);
    if (ahead < 1) throw new RangeError(`month ${month} is not after the history's end ${historyEnd}`);
    horizon = Math.max(horizon, ahead);
  }
  const start = historyStart ?? firstMonth(rows);
  const series = start && monthsBetween(start, historyEnd) >= 0 ? denseSeries(rows, start, historyEnd) : [];
  const result = baseline(series, { ...rest, horizon });
  return {
    ...result,
    months: months.map((month) => ({ month, value: result.forecast[monthsBetween(historyEnd, month) - 1]! })),
    history:
      series.length > 0
        ? { from: addMonths(historyEnd, 1 - series.length), to: historyEnd, length: series.length }
        : null,
  };
}
