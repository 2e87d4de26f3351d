import { describe, expect, it } from 'vitest';
import {
  accuracy,
  accuracyBy,
  compareWithBaseline,
  compareWithBaselineBy,
  groupBy,
} from '../../../src/modules/planning/forecasting/index.js';

describe('accuracy', () => {
  it('MAPE skips zero actuals, WAPE and bias do not', () => {
    const result = accuracy([
      { forecast: 110, actual: 100 },
      { forecast: 90, actual: 100 },
      { forecast: 50, actual: 0 },
      { forecast: 0, actual: 20 },
    ]);
    // |F − A| = 10, 10, 50, 20 → Σ 90; ΣA = Σ|A| = 220; ΣF = 250.
    // MAPE over the three non-zero actuals: (10/100 + 10/100 + 20/20) ÷ 3 = 1.2 ÷ 3 = 40 %.
    expect(result.mape).toBeCloseTo(40, 10);
    expect(result).toMatchObject({ count: 4, mapeUsed: 3, mapeSkipped: 1, sumForecast: 250, sumActual: 220 });
    expect(result.sumAbsoluteError).toBe(90);
    expect(result.wape).toBeCloseTo((90 / 220) * 100, 10); // 40.909 %
    expect(result.bias).toBeCloseTo((30 / 220) * 100, 10); // +13.636 %: over-forecast
    expect(result.meanError).toBe(7.5); // 30 ÷ 4
    expect(result.mae).toBe(22.5); // 90 ÷ 4
  });

  it('a perfect forecast scores zero everywhere', () => {
    expect(accuracy([{ forecast: 5, actual: 5 }])).toMatchObject({
      mape: 0,
      wape: 0,
      bias: 0,
      meanError: 0,
      mae: 0,
    });
  });

  it('under-forecasting gives a negative bias', () => {
    const result = accuracy([
      { forecast: 80, actual: 100 },
      { forecast: 40, actual: 50 },
    ]);
    expect(result.bias).toBe(-20); // (120 − 150) ÷ 150
    expect(result.wape).toBe(20);
    expect(result.mape).toBe(20); // (20 % + 20 %) ÷ 2
  });

  it('only zero actuals: MAPE, WAPE and bias are null, the errors in units are not', () => {
    const result = accuracy([
      { forecast: 3, actual: 0 },
      { forecast: 0, actual: 0 },
    ]);
    expect(result).toMatchObject({ mape: null, mapeUsed: 0, mapeSkipped: 2, wape: null, bias: null });
    expect(result.meanError).toBe(1.5);
    expect(result.mae).toBe(1.5);
  });

  it('no pairs: every figure is null', () => {
    expect(accuracy([])).toMatchObject({
      count: 0,
      mape: null,
      wape: null,
      bias: null,
      meanError: null,
      mae: null,
    });
  });

  it('WAPE uses |A| while bias uses ΣA (returns booked as negative actuals)', () => {
    const result = accuracy([
      { forecast: 10, actual: 10 },
      { forecast: 0, actual: -10 },
    ]);
    expect(result.wape).toBe(50); // 10 ÷ 20
    expect(result.bias).toBeNull(); // ΣA = 0
    expect(result.mape).toBe(50); // (0 + 100 %) ÷ 2
  });

  it('rejects non-finite values', () => {
    expect(() => accuracy([{ forecast: Number.NaN, actual: 1 }])).toThrow(/forecast of pair 0/);
    expect(() => accuracy([{ forecast: 1, actual: Infinity }])).toThrow(/actual of pair 0/);
  });
});

describe('grouping', () => {
  const rows = [
    { rep: 'ana', product: 'P1', forecast: 110, baseline: 100, actual: 100 },
    { rep: 'ana', product: 'P2', forecast: 50, baseline: 70, actual: 60 },
    { rep: 'ben', product: 'P1', forecast: 200, baseline: 150, actual: 150 },
    { rep: 'ben', product: 'P2', forecast: 5, baseline: 5, actual: 0 },
  ];

  it('groups in first-appearance order', () => {
    expect([...groupBy(rows, (row) => row.product).keys()]).toEqual(['P1', 'P2']);
    expect(groupBy([], () => 'x').size).toBe(0);
  });

  it('accuracy per rep and per product', () => {
    const byRep = accuracyBy(rows, (row) => row.rep);
    expect(byRep.map((group) => group.key)).toEqual(['ana', 'ben']);
    // ana: |F − A| = 10 + 10 over ΣA = 160 → WAPE 12.5 %; MAPE (10 % + 16.67 %) ÷ 2.
    expect(byRep[0]!.accuracy.wape).toBe(12.5);
    expect(byRep[0]!.accuracy.mape).toBeCloseTo((10 + 100 / 6) / 2, 10);
    // ben: 50 + 5 over 150 → 36.67 %; MAPE only on P1 (the zero actual is skipped): 33.33 %.
    expect(byRep[1]!.accuracy.wape).toBeCloseTo((55 / 150) * 100, 10);
    expect(byRep[1]!.accuracy).toMatchObject({ mapeUsed: 1, mapeSkipped: 1 });
    const byProduct = accuracyBy(rows, (row) => row.product);
    expect(byProduct[0]!.accuracy.wape).toBe(24); // (10 + 50) ÷ 250
  });
});

describe('the rep against the baseline', () => {
  it('answers whether the rep beat the statistics, with the differences', () => {
    const comparison = compareWithBaseline([
      { forecast: 95, baseline: 80, actual: 100 },
      { forecast: 105, baseline: 130, actual: 100 },
    ]);
    // Rep: 10 ÷ 200 = 5 %; baseline: 50 ÷ 200 = 25 %.
    expect(comparison.forecast.wape).toBe(5);
    expect(comparison.baseline.wape).toBe(25);
    expect(comparison.wapeDifference).toBe(-20);
    expect(comparison.mapeDifference).toBe(-20);
    expect(comparison.absoluteBiasDifference).toBe(-5); // |0 %| − |+5 %|
    expect(comparison.maeDifference).toBe(-20); // 5 − 25
    expect(comparison.forecastBeatBaseline).toBe(true);
  });

  it('a worse or equal rep did not beat it; without actual sales there is no answer', () => {
    expect(compareWithBaseline([{ forecast: 150, baseline: 110, actual: 100 }]).forecastBeatBaseline).toBe(
      false,
    );
    expect(compareWithBaseline([{ forecast: 90, baseline: 110, actual: 100 }]).forecastBeatBaseline).toBe(
      false,
    );
    const none = compareWithBaseline([{ forecast: 4, baseline: 2, actual: 0 }]);
    expect(none).toMatchObject({ forecastBeatBaseline: null, wapeDifference: null, mapeDifference: null });
    expect(none.maeDifference).toBe(2);
  });

  it('per key (rep, cycle, …)', () => {
    const rows = [
      { cycle: '2026-01', forecast: 100, baseline: 90, actual: 100 },
      { cycle: '2026-02', forecast: 70, baseline: 100, actual: 100 },
    ];
    const byCycle = compareWithBaselineBy(rows, (row) => row.cycle);
    expect(byCycle.map(({ key, comparison }) => [key, comparison.forecastBeatBaseline])).toEqual([
      ['2026-01', true],
      ['2026-02', false],
    ]);
  });
});
