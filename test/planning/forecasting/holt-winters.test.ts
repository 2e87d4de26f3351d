import { describe, expect, it } from 'vitest';
import {
  fitHoltWinters,
  holtWinters,
  initialStates,
  runHoltWinters,
} from '../../../src/modules/planning/forecasting/index.js';

/**
 * Published worked example: Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
 * 2nd ed., §7.3 "Holt-Winters' seasonal method", Table 7.4: Holt-Winters' additive method on
 * quarterly international visitor nights in Australia (millions), 2005 Q1 – 2015 Q4
 * (`window(austourists, start = 2005)`, fpp2 R package; the values below are that package's
 * `austourists` from 2005 Q1, as also listed in statsmodels' Holt-Winters test data). The table
 * gives α = 0.3063, β* = 0.0001, γ = 0.4263, the initial states ℓ0 = 32.26, b0 = 0.70,
 * s−3…s0 = 9.70, −9.31, −1.69, 1.31, the first fitted value ŷ1 = 42.66, the forecasts for
 * 2016 Q1–Q4 of 76.10, 51.60, 63.97, 68.37, and RMSE = 1.7627. The published states are rounded
 * to two decimals, so the results here agree to about 0.01 (forecasts) and 0.001 (RMSE).
 */
const austourists2005 = [
  42.20566, 24.64917, 32.66734, 37.25735, 45.24246, 29.35048, 36.34421, 41.78208, 49.2766, 31.2754, 37.85063,
  38.83704, 51.2369, 31.83855, 41.32342, 42.799, 55.70836, 33.40714, 42.31664, 45.15712, 59.57608, 34.83733,
  44.84168, 46.97125, 60.01903, 38.37118, 46.97586, 50.7338, 61.64687, 39.29957, 52.67121, 54.33232, 66.83436,
  40.87119, 51.82854, 57.49191, 65.25147, 43.06121, 54.76076, 59.83447, 73.25703, 47.69662, 61.09777,
  66.05576,
];

describe('Holt-Winters additive: the published worked example (FPP2 Table 7.4)', () => {
  const run = runHoltWinters(austourists2005, { alpha: 0.3063, beta: 0.0001, gamma: 0.4263 }, 4, {
    initial: { level: 32.26, trend: 0.7, seasonal: [9.7, -9.31, -1.69, 1.31] },
  });

  it('reproduces the first row: ŷ1 = ℓ0 + b0 + s−3 = 42.66, ℓ1 = 32.82', () => {
    expect(run.fitted[0]).toBeCloseTo(42.66, 6);
    const secondStep = runHoltWinters(austourists2005.slice(0, 1), run.params, 0, { initial: run.initial });
    expect(secondStep.final.level).toBeCloseTo(32.82, 2);
    expect(secondStep.final.trend).toBeCloseTo(0.7, 3);
  });

  it('reproduces the published forecasts for 2016 Q1–Q4 and the RMSE', () => {
    const published = [76.1, 51.6, 63.97, 68.37];
    run.forecast.forEach((value, i) => expect(Math.abs(value - published[i]!)).toBeLessThan(0.015));
    expect(Math.abs(Math.sqrt(run.sse / austourists2005.length) - 1.7627)).toBeLessThan(0.001);
    expect(run.fitted).toHaveLength(44);
  });

  it('keeps the additive seasonal component summing to about zero', () => {
    const sum = run.final.seasonal.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum)).toBeLessThan(0.5);
  });
});

describe('Holt-Winters additive: hand-computed (period 4)', () => {
  // A line plus a repeating pattern: y(t) = 22.5 + t + (−13.5, −4.5, 4.5, 13.5).
  const exact = [10, 20, 30, 40, 14, 24, 34, 44];

  it('initial states from the first two seasons', () => {
    // A1 = 25, A2 = 29, b0 = (29 − 25) ÷ 4 = 1, c = 2.5, ℓ0 = 25 − 2.5·1 = 22.5,
    // s(1−4) = ½[(10 − (25 − 1.5)) + (14 − (29 − 1.5))] = ½(−13.5 − 13.5) = −13.5, and so on.
    expect(initialStates(exact, 4)).toEqual({ level: 22.5, trend: 1, seasonal: [-13.5, -4.5, 4.5, 13.5] });
  });

  it('a line plus a pattern is forecast exactly, with zero SSE, whatever the parameters', () => {
    for (const params of [
      { alpha: 0, beta: 0, gamma: 0 },
      { alpha: 0.5, beta: 0.3, gamma: 0.9 },
      { alpha: 1, beta: 1, gamma: 1 },
    ]) {
      const run = runHoltWinters(exact, params, 5, { period: 4 });
      expect(run.sse).toBeCloseTo(0, 10);
      run.forecast.forEach((value, i) => expect(value).toBeCloseTo([18, 28, 38, 48, 22][i]!, 10));
    }
  });

  it('one step of the recursions by hand (α = β = γ = ½)', () => {
    // After the 8 exact values: ℓ8 = 30.5, b8 = 1, s unchanged. y9 = 20, ŷ9 = 30.5 + 1 − 13.5 = 18.
    // ℓ9 = ½(20 + 13.5) + ½(31.5) = 32.5; b9 = ½(32.5 − 30.5) + ½·1 = 1.5;
    // s9 = ½(20 − 31.5) + ½(−13.5) = −12.5.
    // Forecasts: 32.5 + 1.5 − 4.5 = 29.5; 32.5 + 3 + 4.5 = 40; 32.5 + 4.5 + 13.5 = 50.5; 32.5 + 6 − 12.5 = 26.
    const run = runHoltWinters([...exact, 20], { alpha: 0.5, beta: 0.5, gamma: 0.5 }, 4, {
      initial: initialStates(exact, 4),
    });
    expect(run.fitted[8]).toBeCloseTo(18, 10);
    expect(run.sse).toBeCloseTo(4, 10);
    expect(run.final.level).toBeCloseTo(32.5, 10);
    expect(run.final.trend).toBeCloseTo(1.5, 10);
    run.final.seasonal.forEach((value, i) => expect(value).toBeCloseTo([-4.5, 4.5, 13.5, -12.5][i]!, 10));
    run.forecast.forEach((value, i) => expect(value).toBeCloseTo([29.5, 40, 50.5, 26][i]!, 10));
  });

  it('refuses fewer than two seasons and parameters outside [0, 1]', () => {
    expect(() => initialStates(exact.slice(0, 7), 4)).toThrow(/needs 8 months/);
    expect(() => initialStates(new Array(23).fill(1))).toThrow(/needs 24 months/);
    expect(() => runHoltWinters(exact, { alpha: 1.2, beta: 0, gamma: 0 }, 1, { period: 4 })).toThrow(/alpha/);
    expect(() => runHoltWinters(exact, { alpha: 0.2, beta: -0.1, gamma: 0 }, 1, { period: 4 })).toThrow(
      /beta/,
    );
  });
});

describe('Holt-Winters: fitting α, β, γ', () => {
  // Three years of monthly sales: a trend, a yearly pattern and fixed "noise".
  const noise = [3, -2, 5, -4, 1, 0, -3, 4, -1, 2, -5, 3];
  const series = Array.from(
    { length: 36 },
    (_, t) => 100 + 2 * t + 30 * Math.sin((2 * Math.PI * t) / 12) + noise[(t * 7) % 12]!,
  );

  it('finds parameters in [0, 1] whose SSE beats every grid point and a few others', () => {
    const fit = fitHoltWinters(series);
    for (const value of Object.values(fit.params)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    const others = [
      { alpha: 0.3, beta: 0.1, gamma: 0.1 },
      { alpha: 0.5, beta: 0.5, gamma: 0.5 },
      { alpha: 0.1, beta: 0, gamma: 0.3 },
      { alpha: 1, beta: 1, gamma: 1 },
    ];
    for (const params of others) expect(fit.sse).toBeLessThanOrEqual(runHoltWinters(series, params, 0).sse);
    expect(fit.sse).toBeCloseTo(runHoltWinters(series, fit.params, 0).sse, 8);
    expect(fit.evaluations).toBeLessThanOrEqual(2_125);
  });

  it('holtWinters() uses given parameters or fits them', () => {
    const given = holtWinters(series, 12, { params: { alpha: 0.2, beta: 0.1, gamma: 0.3 } });
    expect(given.params).toEqual({ alpha: 0.2, beta: 0.1, gamma: 0.3 });
    expect(given.forecast).toHaveLength(12);
    const fitted = holtWinters(series, 12);
    expect(fitted.params).toEqual(fitHoltWinters(series).params);
    expect(fitted.sse).toBeLessThanOrEqual(given.sse);
  });
});
