import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  baseline,
  fitHoltWinters,
  runHoltWinters,
} from '../../../src/modules/planning/forecasting/index.js';

const quantities = fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 40 });
const fractional = fc.array(fc.double({ min: 0, max: 1_000, noNaN: true }), { maxLength: 40 });
const setting = fc.constantFrom('auto', 'seasonal_naive', 'moving_average', 'holt_winters') as fc.Arbitrary<
  'auto' | 'seasonal_naive' | 'moving_average' | 'holt_winters'
>;

describe('baseline properties', () => {
  it('forecasts are finite, non-negative and as long as the horizon, whatever the history and setting', () => {
    fc.assert(
      fc.property(
        fc.oneof(quantities, fractional),
        fc.integer({ min: 0, max: 18 }),
        setting,
        (series, horizon, method) => {
          const result = baseline(series, { horizon, method });
          expect(result.forecast).toHaveLength(horizon);
          for (const value of result.forecast) {
            expect(Number.isFinite(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(0);
          }
          if (result.backtestError !== null) expect(result.backtestError).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('histories with negative months (returns) still give non-negative forecasts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 30, maxLength: 36 }),
        (series) => {
          expect(baseline(series, { horizon: 12 }).forecast.every((value) => value >= 0)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a constant series forecasts the constant with zero backtest error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 9, max: 40 }),
        setting,
        (level, length, method) => {
          const result = baseline(new Array(length).fill(level), { horizon: 12, method });
          expect(result.forecast).toEqual(new Array(12).fill(level));
          if (method === 'auto') {
            expect(result.backtestError).toBe(0);
            expect(result.method).toBe('moving_average'); // every candidate ties at 0: the simplest wins
          }
          for (const candidate of result.candidates) expect([0, null]).toContain(candidate.backtestError);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('auto picks a candidate with the lowest backtest error', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 9, maxLength: 36 }), (series) => {
        const result = baseline(series, { horizon: 6 });
        const errors = result.candidates.flatMap((candidate) =>
          candidate.backtestError === null ? [] : [candidate.backtestError],
        );
        expect(result.backtestError).toBe(Math.min(...errors));
      }),
      { numRuns: 60 },
    );
  });
});

describe('Holt-Winters properties', () => {
  it('the fit never does worse than the grid point (0.25, 0.25, 0.25) and stays in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 24, maxLength: 36 }),
        (series) => {
          const fit = fitHoltWinters(series);
          expect(fit.sse).toBeLessThanOrEqual(
            runHoltWinters(series, { alpha: 0.25, beta: 0.25, gamma: 0.25 }, 0).sse,
          );
          for (const value of Object.values(fit.params)) expect(value >= 0 && value <= 1).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a repeating yearly pattern (no trend) is forecast exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 12, maxLength: 12 }), (year) => {
        const series = [...year, ...year, ...year];
        const run = runHoltWinters(series, fitHoltWinters(series).params, 12);
        run.forecast.forEach((value, i) => expect(value).toBeCloseTo(year[i]!, 6));
      }),
      { numRuns: 30 },
    );
  });
});

describe('accuracy properties', () => {
  const pairs = fc.array(
    fc.record({ forecast: fc.integer({ min: 0, max: 1_000 }), actual: fc.integer({ min: 0, max: 1_000 }) }),
    { maxLength: 30 },
  );

  it('MAPE counts add up, WAPE is non-negative, and forecasting the actuals scores zero', () => {
    fc.assert(
      fc.property(pairs, (rows) => {
        const result = accuracy(rows);
        expect(result.mapeUsed + result.mapeSkipped).toBe(rows.length);
        expect(result.mapeUsed).toBe(rows.filter((row) => row.actual !== 0).length);
        if (result.wape !== null) expect(result.wape).toBeGreaterThanOrEqual(0);
        const perfect = accuracy(rows.map((row) => ({ forecast: row.actual, actual: row.actual })));
        expect([0, null]).toContain(perfect.wape);
        expect([0, null]).toContain(perfect.bias);
      }),
      { numRuns: 100 },
    );
  });
});
