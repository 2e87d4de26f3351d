/**
 * Forecasting mathematics of planning: statistical baselines of monthly sales series (seasonal
 * naive, moving average, Holt-Winters additive, selection by backtest) and forecast accuracy
 * (MAPE, WAPE, bias, the rep against the baseline). Pure functions, no I/O; see README.md.
 */
export {
  BASELINE_METHODS,
  BASELINE_SETTINGS,
  DEFAULT_HOLDOUT,
  baseline,
  baselineForMonths,
  minimumHistory,
  type BaselineMethod,
  type BaselineOptions,
  type BaselineResult,
  type BaselineSetting,
  type CandidateError,
  type ForecastMethod,
  type MonthlyBaselineOptions,
  type MonthlyBaselineResult,
} from './baseline.js';
export {
  accuracy,
  accuracyBy,
  compareWithBaseline,
  compareWithBaselineBy,
  groupBy,
  type Accuracy,
  type BaselineComparison,
  type ForecastBaselineActual,
  type ForecastPair,
} from './accuracy.js';
export {
  fitHoltWinters,
  holtWinters,
  initialStates,
  runHoltWinters,
  type HoltWintersParams,
  type HoltWintersRun,
  type HoltWintersStates,
} from './holt-winters.js';
export {
  addMonths,
  denseSeries,
  firstMonth,
  isMonthKey,
  monthRange,
  monthsBetween,
  type MonthValue,
} from './months.js';
export {
  DEFAULT_WINDOW,
  MONTHS_PER_YEAR,
  historyMean,
  meanAbsoluteError,
  movingAverage,
  roundTo,
  seasonalNaive,
} from './simple.js';
