import { describe, expect, it } from 'vitest';
import {
  addMonths,
  denseSeries,
  firstMonth,
  historyMean,
  isMonthKey,
  meanAbsoluteError,
  monthRange,
  monthsBetween,
  movingAverage,
  roundTo,
  seasonalNaive,
} from '../../../src/modules/planning/forecasting/index.js';

/** Two years of monthly sales, Jan 2024 – Dec 2025, with a summer peak that grows by 10 a month. */
const twoYears = [5, 6, 8, 12, 20, 30, 40, 35, 20, 10, 6, 4, 6, 7, 9, 13, 22, 33, 44, 38, 22, 11, 7, 5];

describe('seasonal naive', () => {
  it('repeats the same calendar month of the last observed year', () => {
    expect(seasonalNaive(twoYears, 3)).toEqual([6, 7, 9]);
    expect(seasonalNaive(twoYears, 12)).toEqual(twoYears.slice(12));
  });

  it('repeats that year again beyond 12 months ahead', () => {
    const forecast = seasonalNaive(twoYears, 14);
    expect(forecast.slice(12)).toEqual([6, 7]);
  });

  it('works from exactly one season and refuses less', () => {
    expect(seasonalNaive(twoYears.slice(0, 12), 2)).toEqual([5, 6]);
    expect(() => seasonalNaive(twoYears.slice(0, 11), 2)).toThrow(RangeError);
  });

  it('takes a shorter period (quarters)', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6, 7, 8], 5, 4)).toEqual([5, 6, 7, 8, 5]);
  });
});

describe('moving average', () => {
  it('forecasts the mean of the last three months flat by default', () => {
    // (22 + 11 + 7 + 5) → last three: 11, 7, 5 → 23 ÷ 3
    expect(movingAverage(twoYears, 4)).toEqual(new Array(4).fill(23 / 3));
  });

  it('takes a configurable window', () => {
    expect(movingAverage([1, 2, 3, 4, 10], 2, 2)).toEqual([7, 7]);
    expect(movingAverage([1, 2, 3, 4, 10], 1, 5)).toEqual([4]);
  });

  it('needs the window and rejects bad input', () => {
    expect(() => movingAverage([1, 2], 1)).toThrow(RangeError);
    expect(() => movingAverage([1, 2, 3], 1, 0)).toThrow(RangeError);
    expect(() => movingAverage([1, Number.NaN, 3], 1)).toThrow(/series\[1\]/);
    expect(() => movingAverage([1, 2, 3], -1)).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('the mean of the history, mean absolute error and rounding', () => {
    expect(historyMean([2, 4], 3)).toEqual([3, 3, 3]);
    expect(() => historyMean([], 1)).toThrow(RangeError);
    expect(meanAbsoluteError([1, 5, 3], [2, 2, 3])).toBe(4 / 3);
    expect(meanAbsoluteError([], [])).toBeNull();
    expect(roundTo(2.675, 2)).toBe(2.68);
    expect(roundTo(12.5, 0)).toBe(13);
    expect(roundTo(-0.2, 0)).toBe(0);
    expect(Object.is(roundTo(-0.2, 0), -0)).toBe(false);
  });

  it('month keys', () => {
    expect(isMonthKey('2026-01')).toBe(true);
    expect(isMonthKey('2026-13')).toBe(false);
    expect(isMonthKey('2026-1')).toBe(false);
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -13)).toBe('2024-12');
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
    expect(monthsBetween('2026-02', '2025-11')).toBe(-3);
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-02', '2026-01')).toEqual([]);
    expect(() => addMonths('2026-00', 1)).toThrow(RangeError);
  });

  it('dense series: gaps are zero, the same month adds up, rows outside are ignored', () => {
    const rows = [
      { month: '2025-10', value: 4 },
      { month: '2026-01', value: 3 },
      { month: '2026-01', value: 2 },
      { month: '2025-12', value: 1 },
      { month: '2026-03', value: 99 },
    ];
    expect(denseSeries(rows, '2025-10', '2026-02')).toEqual([4, 0, 1, 5, 0]);
    expect(firstMonth(rows)).toBe('2025-10');
    expect(firstMonth([])).toBeNull();
    expect(() => denseSeries([{ month: '2026-01', value: Infinity }], '2026-01', '2026-01')).toThrow(
      RangeError,
    );
  });
});
