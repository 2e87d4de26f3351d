/**
 * Holt-Winters with additive trend and additive seasonality (ETS(A,A,A) point forecasts), in the
 * component form of Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" (§7.3 of the
 * 2nd edition, §8.3 of the 3rd), the form statsmodels' ExponentialSmoothing also uses:
 *
 *   ŷ(t+h|t) = ℓ(t) + h·b(t) + s(t+h−m(k+1)),  k = ⌊(h−1)/m⌋
 *   ℓ(t) = α(y(t) − s(t−m)) + (1 − α)(ℓ(t−1) + b(t−1))
 *   b(t) = β(ℓ(t) − ℓ(t−1)) + (1 − β)b(t−1)
 *   s(t) = γ(y(t) − ℓ(t−1) − b(t−1)) + (1 − γ)s(t−m)
 *
 * β here is the book's β*. Initial states come from the first two seasons (`initialStates`), or
 * are given; α, β, γ ∈ [0, 1] are given or fitted by minimising the in-sample SSE of the one-step
 * errors (`fitHoltWinters`).
 */
import { MONTHS_PER_YEAR, assertFiniteSeries, assertInteger } from './simple.js';

export interface HoltWintersParams {
  /** Level smoothing α ∈ [0, 1]. */
  alpha: number;
  /** Trend smoothing β (the book's β*) ∈ [0, 1]. */
  beta: number;
  /** Seasonal smoothing γ ∈ [0, 1]. */
  gamma: number;
}

/** States at time 0, just before the first observation. */
export interface HoltWintersStates {
  level: number;
  trend: number;
  /** s(1−m) … s(0), oldest first: `seasonal[i]` applies to observations i, i + m, i + 2m, … */
  seasonal: number[];
}

export interface HoltWintersRun {
  params: HoltWintersParams;
  initial: HoltWintersStates;
  /** States after the last observation. */
  final: HoltWintersStates;
  /** One-step-ahead fitted values ŷ(t|t−1), one per observation. */
  fitted: number[];
  /** Σ (y(t) − ŷ(t|t−1))² over every observation. */
  sse: number;
  /** ŷ(n+1) … ŷ(n+h). */
  forecast: number[];
}

/**
 * Initial states from the first two seasons (classical decomposition, as in the textbook method):
 * with A1, A2 the means of seasons 1 and 2 and c = (m + 1) ÷ 2 the centre of a season,
 *   b(0) = (A2 − A1) ÷ m                       (= Σᵢ (y(m+i) − y(i)) ÷ m²)
 *   ℓ(0) = A1 − c·b(0)                          (season 1's mean moved from its centre back to t = 0)
 *   s(i−m) = ½ Σⱼ (y(jm+i) − (Aⱼ₊₁ + (i − c)·b(0)))   for i = 1…m, j = 0, 1 (detrended, averaged)
 * The seasonal states sum to zero, and a series that is exactly a line plus a repeating pattern
 * gets exactly its line and pattern. Needs 2m values.
 */
export function initialStates(series: readonly number[], period = MONTHS_PER_YEAR): HoltWintersStates {
  assertFiniteSeries(series);
  assertInteger(period, 'period', 1);
  if (series.length < 2 * period) {
    throw new RangeError(`Holt-Winters needs ${2 * period} months of history, got ${series.length}`);
  }
  let sum1 = 0;
  let sum2 = 0;
  for (let i = 0; i < period; i++) {
    sum1 += series[i]!;
    sum2 += series[period + i]!;
  }
  const mean1 = sum1 / period;
  const mean2 = sum2 / period;
  const trend = (mean2 - mean1) / period;
  const centre = (period + 1) / 2;
  const seasonal: number[] = [];
  for (let i = 0; i < period; i++) {
    const offset = (i + 1 - centre) * trend;
    seasonal.push((series[i]! - (mean1 + offset) + (series[period + i]! - (mean2 + offset))) / 2);
  }
  return { level: mean1 - centre * trend, trend, seasonal };
}

function assertParams(params: HoltWintersParams): void {
  for (const name of ['alpha', 'beta', 'gamma'] as const) {
    const value = params[name];
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw new RangeError(`Holt-Winters ${name} must lie in [0, 1]: ${value}`);
    }
  }
}

/** SSE of the one-step errors only: the inner loop of the fit, with no arrays but the seasonal one. */
function sumOfSquares(
  series: readonly number[],
  initial: HoltWintersStates,
  alpha: number,
  beta: number,
  gamma: number,
  seasonal: number[],
): number {
  const period = initial.seasonal.length;
  for (let i = 0; i < period; i++) seasonal[i] = initial.seasonal[i]!;
  let level = initial.level;
  let trend = initial.trend;
  let sse = 0;
  for (let t = 0, p = 0; t < series.length; t++, p = p + 1 === period ? 0 : p + 1) {
    const y = series[t]!;
    const season = seasonal[p]!;
    const base = level + trend;
    const error = y - base - season;
    sse += error * error;
    const next = alpha * (y - season) + (1 - alpha) * base;
    trend = beta * (next - level) + (1 - beta) * trend;
    seasonal[p] = gamma * (y - base) + (1 - gamma) * season;
    level = next;
  }
  return sse;
}

/**
 * Runs the recursions over the whole series from the given (or two-season) initial states and
 * forecasts `horizon` months. Needs 2m values when the initial states are not given.
 */
export function runHoltWinters(
  series: readonly number[],
  params: HoltWintersParams,
  horizon: number,
  options: { period?: number; initial?: HoltWintersStates } = {},
): HoltWintersRun {
  assertFiniteSeries(series);
  assertParams(params);
  assertInteger(horizon, 'horizon', 0);
  const initial = options.initial ?? initialStates(series, options.period ?? MONTHS_PER_YEAR);
  const period = initial.seasonal.length;
  if (options.period !== undefined && options.period !== period) {
    throw new RangeError(`the initial seasonal states hold ${period} values, not ${options.period}`);
  }
  const { alpha, beta, gamma } = params;
  const seasonal = [...initial.seasonal];
  let level = initial.level;
  let trend = initial.trend;
  let sse = 0;
  const fitted: number[] = [];
  for (let t = 0; t < series.length; t++) {
    const y = series[t]!;
    const p = t % period;
    const season = seasonal[p]!;
    const base = level + trend;
    fitted.push(base + season);
    sse += (y - base - season) ** 2;
    const next = alpha * (y - season) + (1 - alpha) * base;
    trend = beta * (next - level) + (1 - beta) * trend;
    seasonal[p] = gamma * (y - base) + (1 - gamma) * season;
    level = next;
  }
  const n = series.length;
  const forecast: number[] = [];
  for (let h = 1; h <= horizon; h++) forecast.push(level + h * trend + seasonal[(n + h - 1) % period]!);
  // Rotate so that the final seasonal states read s(n+1−m) … s(n), oldest first, like the initial ones.
  const final = seasonal.map((_, i) => seasonal[(n + i) % period]!);
  return { params: { ...params }, initial, final: { level, trend, seasonal: final }, fitted, sse, forecast };
}

/** Coarse grid of the fit: every combination of these values for α, β and γ. */
const GRID = [0, 0.25, 0.5, 0.75, 1];
/** The compass search stops once its step is below this. */
const MIN_STEP = 1 / 512;
/** A bound on the compass search's evaluations (it normally needs far fewer). */
const MAX_EVALUATIONS = 2_000;

/**
 * Fits α, β, γ ∈ [0, 1] by minimising the in-sample SSE of the one-step errors: the best point of
 * a 5 × 5 × 5 grid (0, ¼, ½, ¾, 1), then a bounded compass search from it (try ± step on each
 * parameter, keep any improvement, halve the step when none helps, from ⅛ down to 1/512).
 * Deterministic; ties keep the earlier point (smaller parameters first). Needs 2m values.
 */
export function fitHoltWinters(
  series: readonly number[],
  options: { period?: number; initial?: HoltWintersStates } = {},
): { params: HoltWintersParams; sse: number; evaluations: number } {
  assertFiniteSeries(series);
  const initial = options.initial ?? initialStates(series, options.period ?? MONTHS_PER_YEAR);
  const scratch = new Array<number>(initial.seasonal.length).fill(0);
  let evaluations = 0;
  const sse = (point: readonly [number, number, number]) => {
    evaluations++;
    return sumOfSquares(series, initial, point[0], point[1], point[2], scratch);
  };
  let best: [number, number, number] = [0, 0, 0];
  let bestSse = Infinity;
  for (const alpha of GRID) {
    for (const beta of GRID) {
      for (const gamma of GRID) {
        const value = sse([alpha, beta, gamma]);
        if (value < bestSse) {
          bestSse = value;
          best = [alpha, beta, gamma];
        }
      }
    }
  }
  for (let step = 0.125; step >= MIN_STEP && evaluations < MAX_EVALUATIONS;) {
    let improved = false;
    for (let axis = 0; axis < 3; axis++) {
      for (const direction of [-1, 1]) {
        const candidate: [number, number, number] = [best[0], best[1], best[2]];
        candidate[axis] = Math.min(1, Math.max(0, candidate[axis]! + direction * step));
        if (candidate[axis] === best[axis]) continue;
        const value = sse(candidate);
        if (value < bestSse) {
          bestSse = value;
          best = candidate;
          improved = true;
        }
      }
    }
    if (!improved) step /= 2;
  }
  return { params: { alpha: best[0], beta: best[1], gamma: best[2] }, sse: bestSse, evaluations };
}

/**
 * Holt-Winters forecast of `horizon` months: the given parameters, or fitted ones when none are
 * given (`fitHoltWinters`), from the two-season initial states. Needs 2m values.
 */
export function holtWinters(
  series: readonly number[],
  horizon: number,
  options: { period?: number; params?: HoltWintersParams } = {},
): HoltWintersRun {
  const period = options.period ?? MONTHS_PER_YEAR;
  const initial = initialStates(series, period);
  const params = options.params ?? fitHoltWinters(series, { initial }).params;
  return runHoltWinters(series, params, horizon, { initial });
}
