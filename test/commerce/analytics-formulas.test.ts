import { describe, expect, it } from 'vitest';
import {
  abcClasses,
  coefficientOfVariation,
  xyzClass,
} from '../../src/modules/commerce/analytics/abc-xyz.js';
import {
  daysOfCover,
  divideMoney,
  growthPercent,
  marginPercent,
  stockStatus,
} from '../../src/modules/commerce/analytics/formulas.js';
import { dashboardPeriod, previousPeriod, periodStart } from '../../src/modules/commerce/analytics/period.js';
import { quintileScores, rfmSegment, scoreCustomers } from '../../src/modules/commerce/analytics/rfm.js';
import { bucketStarts, lastTwelveMonths } from '../../src/modules/commerce/analytics/abc-xyz.service.js';

describe('growth %', () => {
  it.each([
    [0, 0, 0], // both zero
    [50, 0, 100], // only the previous is zero
    [-50, 0, 100],
    [150, 100, 50],
    [75, 100, -25],
    [0, 100, -100],
    [-50, -100, 50], // from a negative figure: divided by its magnitude
    [-150, -100, -50],
    [50, -100, 150],
    [1, 3, -66.67], // two decimals
  ])('current %d against previous %d is %d', (cur, prev, expected) => {
    expect(growthPercent(cur, prev)).toBe(expected);
  });
});

describe('margin, average, cover, stock status', () => {
  it('margin is gross profit over revenue, 0 without revenue', () => {
    expect(marginPercent(60, 150)).toBe(40);
    expect(marginPercent(0, 0)).toBe(0);
    expect(marginPercent(-10, 0)).toBe(0);
    expect(marginPercent(-20, 100)).toBe(-20);
    expect(marginPercent(1, 3)).toBe(33.33);
  });

  it('divides money to the cent, half away from zero', () => {
    expect(divideMoney('150.00', 2)).toBe('75.00');
    expect(divideMoney('100.00', 3)).toBe('33.33');
    expect(divideMoney('0.05', 2)).toBe('0.03');
    expect(divideMoney('-0.05', 2)).toBe('-0.03');
    expect(divideMoney('10.00', 0)).toBe('0.00');
  });

  it('days of cover: available ÷ daily sales of the window; null when nothing shipped', () => {
    expect(daysOfCover(4, 5, 30)).toBe(24);
    expect(daysOfCover(50, 1, 30)).toBe(1500);
    expect(daysOfCover(10, 3, 7)).toBe(23.3);
    expect(daysOfCover(10, 0, 30)).toBeNull();
    expect(daysOfCover(0, 5, 30)).toBe(0);
    expect(daysOfCover(-3, 5, 30)).toBe(0);
  });

  it('low is 0 < available ≤ min, out is available ≤ 0', () => {
    expect(stockStatus(0, 10)).toBe('out');
    expect(stockStatus(-1, 10)).toBe('out');
    expect(stockStatus(0.001, 10)).toBe('low');
    expect(stockStatus(10, 10)).toBe('low');
    expect(stockStatus(10.001, 10)).toBe('ok');
    expect(stockStatus(1, 0)).toBe('ok');
  });
});

describe('periods', () => {
  it('calendar periods up to today and the previous one of equal length', () => {
    expect(periodStart('2026-05-14', 'week')).toBe('2026-05-11'); // a Thursday → Monday
    expect(periodStart('2026-05-14', 'quarter')).toBe('2026-04-01');
    expect(periodStart('2026-05-14', 'year')).toBe('2026-01-01');
    const month = dashboardPeriod({ period: 'month' }, '2026-03-10');
    expect(month).toEqual({ from: '2026-03-01', to: '2026-03-10', days: 10 });
    expect(previousPeriod(month)).toEqual({ from: '2026-02-19', to: '2026-02-28', days: 10 });
    expect(dashboardPeriod({}, '2026-03-10').from).toBe('2026-03-01');
    expect(dashboardPeriod({ period: 'day' }, '2026-03-10')).toEqual({
      from: '2026-03-10',
      to: '2026-03-10',
      days: 1,
    });
  });

  it('refuses from after to, half a range, and period with dates', () => {
    expect(() => dashboardPeriod({ from: '2026-03-10', to: '2026-03-01' }, '2026-03-10')).toThrow();
    expect(() => dashboardPeriod({ from: '2026-03-01' }, '2026-03-10')).toThrow();
    expect(() =>
      dashboardPeriod({ period: 'year', from: '2026-01-01', to: '2026-01-02' }, '2026-03-10'),
    ).toThrow();
  });

  it('buckets of the XYZ series and the default twelve whole months', () => {
    expect(lastTwelveMonths('2026-03-10')).toEqual({ from: '2025-03-01', to: '2026-02-28' });
    expect(lastTwelveMonths('2026-01-31')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(bucketStarts('2025-11-15', '2026-02-01', 'month')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
    expect(bucketStarts('2026-03-04', '2026-03-16', 'week')).toEqual([
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
    ]);
  });
});

describe('RFM', () => {
  it('scores distinct values 1…5 by quintile', () => {
    expect(quintileScores([10, 20, 30, 40, 50], true)).toEqual([1, 2, 3, 4, 5]);
    expect(quintileScores([10, 20, 30, 40, 50], false)).toEqual([5, 4, 3, 2, 1]);
    // Ten customers: two per quintile.
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('gives tied values one score: the quintile of their span’s midpoint', () => {
    // 1 1 1 1 5: the four 1s span 0–80 % (midpoint 40 % → 3); the 5 has four below (90 % → 5).
    expect(quintileScores([1, 1, 1, 1, 5], true)).toEqual([3, 3, 3, 3, 5]);
    // Everyone equal, and a single customer, sit in the middle.
    expect(quintileScores([7, 7, 7], true)).toEqual([3, 3, 3]);
    expect(quintileScores([7], false)).toEqual([3]);
    // Two customers: the better 4, the worse 2 (recency: fewer days is better).
    expect(quintileScores([2, 9], false)).toEqual([4, 2]);
    expect(quintileScores([], true)).toEqual([]);
  });

  it('maps every (R, F) pair to its segment', () => {
    const table: Record<number, string[]> = {
      5: ['new', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'],
      4: ['promising', 'potential_loyalists', 'potential_loyalists', 'loyal', 'loyal'],
      3: ['about_to_sleep', 'about_to_sleep', 'needs_attention', 'loyal', 'loyal'],
      2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
      1: ['lost', 'lost', 'at_risk', 'at_risk', 'cant_lose'],
    };
    for (const r of [1, 2, 3, 4, 5])
      for (const f of [1, 2, 3, 4, 5]) expect(rfmSegment(r, f), `R${r} F${f}`).toBe(table[r]![f - 1]);
  });

  it('scores customers against each other', () => {
    const scored = scoreCustomers([
      { recencyDays: 2, frequency: 3, monetary: 240 },
      { recencyDays: 9, frequency: 1, monetary: 50 },
    ]);
    expect(scored).toEqual([
      { r: 4, f: 4, m: 4, segment: 'loyal' },
      { r: 2, f: 2, m: 2, segment: 'hibernating' },
    ]);
    expect(scoreCustomers([{ recencyDays: 0, frequency: 1, monetary: 1 }])[0]!.segment).toBe(
      'needs_attention',
    );
  });
});

describe('ABC / XYZ', () => {
  const t = { a: 80, b: 95 };
  it('classes by the cumulative share before each product', () => {
    const rows = abcClasses([50, 30, 10, 6, 4], t);
    expect(rows.map((r) => r.abc)).toEqual(['A', 'A', 'B', 'B', 'C']);
    expect(rows.map((r) => Math.round(r.cumulativeShare))).toEqual([50, 80, 90, 96, 100]);
    expect(rows.map((r) => Math.round(r.share))).toEqual([50, 30, 10, 6, 4]);
    // One dominant product is A.
    expect(abcClasses([90, 10], t).map((r) => r.abc)).toEqual(['A', 'B']);
    // Returns outweighing sales: no share, C.
    expect(abcClasses([100, 0, -5], t).map((r) => [r.abc, r.share])).toEqual([
      ['A', 100],
      ['C', 0],
      ['C', 0],
    ]);
    expect(abcClasses([0], t)[0]!.abc).toBe('C');
    // Thresholds are parameters.
    expect(abcClasses([50, 30, 20], { a: 50, b: 80 }).map((r) => r.abc)).toEqual(['A', 'B', 'C']);
  });

  it('CV is the population standard deviation over the mean', () => {
    expect(coefficientOfVariation([10, 10, 10, 10])).toBe(0);
    // mean 10, population sd 2 → 20 %.
    expect(coefficientOfVariation([8, 12, 8, 12])).toBeCloseTo(20, 10);
    // mean 2.5, sd √(((2.5)²·3 + 7.5²) ÷ 4) = 4.33 → 173.2 %.
    expect(coefficientOfVariation([0, 0, 0, 10])).toBeCloseTo(173.205, 3);
    expect(coefficientOfVariation([0, 0, 0])).toBeNull(); // zero mean
    expect(coefficientOfVariation([5, -5])).toBeNull();
    expect(coefficientOfVariation([])).toBeNull();
  });

  it('X ≤ 10 %, Y ≤ 25 %, Z above or without demand', () => {
    const x = { x: 10, y: 25 };
    expect(xyzClass(0, x)).toBe('X');
    expect(xyzClass(10, x)).toBe('X');
    expect(xyzClass(10.01, x)).toBe('Y');
    expect(xyzClass(25, x)).toBe('Y');
    expect(xyzClass(25.01, x)).toBe('Z');
    expect(xyzClass(null, x)).toBe('Z');
  });
});
