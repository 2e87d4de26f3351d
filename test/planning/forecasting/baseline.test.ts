import { describe, expect, it } from 'vitest';
import { baseline, baselineForMonths } from '../../../src/modules/planning/forecasting/index.js';

const repeat = (pattern: number[], years: number) =>
  Array.from({ length: 12 * years }, (_, t) => pattern[t % 12]!);
const errorOf = (result: ReturnType<typeof baseline>, method: string) =>
  result.candidates.find((candidate) => candidate.method === method)!.backtestError;

describe('baseline selection (auto)', () => {
  it('a pure yearly pattern: seasonal naive wins (tied with Holt-Winters at 0, the simpler wins)', () => {
    const series = repeat([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], 3);
    const result = baseline(series, { horizon: 3 });
    // Moving average: trained on months 1–30, the mean of months 28–30 (40, 50, 60) = 50, against
    // the holdout 70 … 120: MAE = (20 + 30 + 40 + 50 + 60 + 70) ÷ 6 = 45.
    expect(errorOf(result, 'moving_average')).toBe(45);
    expect(errorOf(result, 'seasonal_naive')).toBe(0);
    expect(errorOf(result, 'holt_winters')).toBe(0);
    expect(result).toMatchObject({
      requested: 'auto',
      method: 'seasonal_naive',
      backtestError: 0,
      errorMetric: 'mae',
      holdout: 6,
      forecast: [10, 20, 30],
      decimals: 0,
      fallback: null,
      params: null,
    });
  });

  it('a trend plus a yearly pattern: Holt-Winters wins and continues both', () => {
    const pattern = [-30, -20, -10, 0, 10, 20, 30, 20, 10, 0, -10, -20];
    const series = Array.from({ length: 36 }, (_, t) => 100 + 5 * (t + 1) + pattern[t % 12]!);
    const result = baseline(series, { horizon: 3 });
    // Seasonal naive repeats last year's months: every holdout month is 12 × 5 = 60 short.
    expect(errorOf(result, 'seasonal_naive')).toBe(60);
    expect(errorOf(result, 'holt_winters')).toBe(0);
    expect(result.method).toBe('holt_winters');
    expect(result.backtestError).toBe(0);
    // Months 37–39: 100 + 5·37 − 30 = 255, 100 + 190 − 20 = 270, 100 + 195 − 10 = 285.
    expect(result.forecast).toEqual([255, 270, 285]);
    expect(result.params).not.toBeNull();
  });

  it('a level shift: the moving average wins, Holt-Winters cannot be backtested on 24 months', () => {
    const series = [...new Array(12).fill(100), ...new Array(12).fill(50)];
    const result = baseline(series, { horizon: 2 });
    // Seasonal naive, trained on months 1–18, forecasts months 19–24 from months 7–12 (100): MAE 50.
    expect(result.candidates).toEqual([
      { method: 'moving_average', backtestError: 0, reason: null },
      { method: 'seasonal_naive', backtestError: 50, reason: null },
      { method: 'holt_winters', backtestError: null, reason: 'needs 30 months of history, has 24' },
    ]);
    expect(result).toMatchObject({ method: 'moving_average', backtestError: 0, forecast: [50, 50] });
  });

  it('honours the window and the holdout', () => {
    const series = [0, 0, 0, 0, 10, 20, 30, 40];
    // Window 2, holdout 2: trained on 0 … 20 → mean(10, 20) = 15 against 30, 40: MAE 20.
    const result = baseline(series, { horizon: 1, window: 2, holdout: 2 });
    expect(result.method).toBe('moving_average');
    expect(result.backtestError).toBe(20);
    expect(result.forecast).toEqual([35]);
  });
});

describe('short histories', () => {
  it('no history: zeros', () => {
    expect(baseline([], { horizon: 3 })).toMatchObject({
      method: 'zero',
      forecast: [0, 0, 0],
      backtestError: null,
    });
  });

  it('shorter than the window: the mean of the history', () => {
    expect(baseline([4, 7], { horizon: 2 })).toMatchObject({
      method: 'mean',
      forecast: [6, 6],
      backtestError: null,
    });
  });

  it('the window but no backtest (3–8 months): the moving average, saying why there is no error', () => {
    const result = baseline([10, 20, 30, 40, 50], { horizon: 2 });
    expect(result).toMatchObject({ method: 'moving_average', forecast: [40, 40], backtestError: null });
    expect(result.fallback).toMatch(/no method can be backtested on 5 months/);
    expect(result.candidates.every((candidate) => candidate.backtestError === null)).toBe(true);
  });

  it('9–17 months: only the moving average is backtested', () => {
    const result = baseline([5, 5, 5, 5, 5, 5, 5, 5, 8], { horizon: 1 });
    // Trained on 5, 5, 5 → 5 against 5, 5, 5, 5, 5, 8: MAE 0.5.
    expect(result).toMatchObject({ method: 'moving_average', backtestError: 0.5, forecast: [6] });
    expect(errorOf(result, 'seasonal_naive')).toBeNull();
  });
});

describe('forced methods', () => {
  const year = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];

  it('uses the forced method with its backtest error even when another would win', () => {
    const result = baseline(repeat(year, 3), { horizon: 1, method: 'moving_average' });
    expect(result).toMatchObject({
      requested: 'moving_average',
      method: 'moving_average',
      backtestError: 45,
    });
    expect(result.forecast).toEqual([110]);
    expect(result.fallback).toBeNull();
  });

  it('falls back to a simpler method when the history is too short for the forced one', () => {
    const result = baseline(repeat(year, 2).slice(0, 20), { horizon: 1, method: 'holt_winters' });
    expect(result).toMatchObject({ requested: 'holt_winters', method: 'seasonal_naive', forecast: [90] });
    expect(result.fallback).toBe('holt_winters needs 24 months of history, has 20');
    expect(baseline([1, 2, 3, 4, 5], { horizon: 1, method: 'seasonal_naive' })).toMatchObject({
      method: 'moving_average',
      forecast: [4],
    });
    expect(baseline([3], { horizon: 1, method: 'moving_average' })).toMatchObject({
      method: 'mean',
      forecast: [3],
    });
    expect(baseline([], { horizon: 1, method: 'holt_winters' })).toMatchObject({
      method: 'zero',
      forecast: [0],
    });
  });

  it('Holt-Winters forced on 24–29 months forecasts without a backtest error', () => {
    const result = baseline(repeat(year, 2), { horizon: 2, method: 'holt_winters' });
    expect(result).toMatchObject({ method: 'holt_winters', backtestError: null, forecast: [10, 20] });
    expect(result.fallback).toBe('holt_winters is forced but cannot be backtested on 24 months');
  });

  it('Holt-Winters with given parameters', () => {
    const params = { alpha: 0.4, beta: 0.1, gamma: 0.2 };
    const result = baseline(repeat(year, 3), { horizon: 1, method: 'holt_winters', holtWinters: params });
    expect(result.params).toEqual(params);
  });

  it('rejects an unknown method and bad numbers', () => {
    expect(() => baseline([1], { horizon: 1, method: 'arima' as never })).toThrow(/unknown baseline method/);
    expect(() => baseline([1], { horizon: 1.5 })).toThrow(RangeError);
    expect(() => baseline([1, Number.NaN], { horizon: 1 })).toThrow(RangeError);
  });
});

describe('published numbers', () => {
  it('never negative: a falling trend is cut at zero', () => {
    const pattern = [-30, -20, -10, 0, 10, 20, 30, 20, 10, 0, -10, -20];
    const series = Array.from({ length: 36 }, (_, t) => 400 - 8 * (t + 1) + pattern[t % 12]!);
    const result = baseline(series, { horizon: 14 });
    expect(result.method).toBe('holt_winters');
    // Month 37: 400 − 8·37 − 30 = 74, …, month 47: 400 − 376 − 10 = 14; month 48 on: −4, −22, −36 → 0.
    expect(result.forecast).toEqual([74, 76, 78, 80, 82, 84, 86, 68, 50, 32, 14, 0, 0, 0]);
  });

  it('two decimals for fractional quantities, integers for whole ones, or as asked', () => {
    expect(baseline([1.5, 2.25, 3.1], { horizon: 1 }).forecast).toEqual([2.28]);
    expect(baseline([1, 2, 4], { horizon: 1 }).forecast).toEqual([2]);
    expect(baseline([1, 2, 4], { horizon: 1, decimals: 3 }).forecast).toEqual([2.333]);
  });
});

describe('baseline for calendar months', () => {
  it('builds the series from the rows (gaps are 0) and answers the months asked', () => {
    const rows = [
      { month: '2026-01', value: 4 },
      { month: '2026-03', value: 8 },
      { month: '2026-04', value: 6 },
      { month: '2026-07', value: 100 },
    ];
    const result = baselineForMonths(rows, { historyEnd: '2026-04', months: ['2026-07', '2026-06'] });
    // Series Jan–Apr: 4, 0, 8, 6 → moving average (0 + 8 + 6) ÷ 3 = 4.67 → 5; the July row is after the end.
    expect(result.history).toEqual({ from: '2026-01', to: '2026-04', length: 4 });
    expect(result.method).toBe('moving_average');
    expect(result.forecast).toEqual([5, 5, 5]);
    expect(result.months).toEqual([
      { month: '2026-07', value: 5 },
      { month: '2026-06', value: 5 },
    ]);
  });

  it('a given start adds leading zeros; no rows give zeros; months must follow the history', () => {
    const rows = [{ month: '2026-03', value: 9 }];
    const result = baselineForMonths(rows, {
      historyEnd: '2026-03',
      historyStart: '2026-01',
      months: ['2026-04'],
    });
    expect(result.months).toEqual([{ month: '2026-04', value: 3 }]);
    const none = baselineForMonths([], { historyEnd: '2026-03', months: ['2026-05'] });
    expect(none).toMatchObject({ method: 'zero', history: null, months: [{ month: '2026-05', value: 0 }] });
    expect(() => baselineForMonths(rows, { historyEnd: '2026-03', months: ['2026-03'] })).toThrow(
      /not after/,
    );
  });
});
