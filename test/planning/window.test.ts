import { describe, expect, it } from 'vitest';
import {
  addMonths,
  completionPercent,
  firstDayOf,
  futureMonths,
  localTimeToInstant,
  planningWindow,
  submissionDeadline,
} from '../../src/modules/planning/cycles/window.js';

describe('planning window (pure)', () => {
  it.each([
    [
      '2026-01',
      ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04'],
      '2026-12',
    ],
    [
      '2025-12',
      ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'],
      '2026-11',
    ],
    [
      '2024-02',
      ['2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03', '2024-04', '2024-05'],
      '2025-01',
    ],
  ])('anchor %s: 4 past, the anchor, 11 ahead', (anchor, firstEight, last) => {
    const window = planningWindow(anchor);
    expect(window).toHaveLength(16);
    expect(window.slice(0, 8)).toEqual(firstEight);
    expect(window[4]).toBe(anchor);
    expect(window[15]).toBe(last);
    expect(new Set(window).size).toBe(16);
    expect(futureMonths(anchor)).toEqual(window.slice(4));
    expect(futureMonths(anchor)).toHaveLength(12);
  });

  it.each([
    ['2026-01', -1, '2025-12'],
    ['2025-12', 1, '2026-01'],
    ['2025-12', 13, '2027-01'],
    ['2026-03', -15, '2024-12'],
    ['2026-05', 0, '2026-05'],
  ])('addMonths(%s, %i) = %s', (month, delta, expected) => {
    expect(addMonths(month, delta)).toBe(expected);
  });

  it.each([
    ['2026-01', '2026-01-01'],
    ['2026-12', '2026-12-01'],
    ['2026-13', undefined],
    ['2026-00', undefined],
    ['2026-1', undefined],
    ['26-01', undefined],
    ['2026-01-15', undefined],
  ])('firstDayOf(%s) = %s', (month, expected) => {
    expect(firstDayOf(month)).toBe(expected);
  });

  it.each([
    // end date, zone, deadline (end − 7 days at 23:59:59 local) as UTC
    ['2026-01-31', 'UTC', '2026-01-24T23:59:59.000Z'],
    ['2026-01-31', 'Asia/Tashkent', '2026-01-24T18:59:59.000Z'],
    ['2026-01-05', 'America/New_York', '2025-12-30T04:59:59.000Z'],
    // Berlin: winter (UTC+1) before the last Sunday of March 2026 (29 March), summer (UTC+2) after.
    ['2026-04-04', 'Europe/Berlin', '2026-03-28T22:59:59.000Z'],
    ['2026-04-05', 'Europe/Berlin', '2026-03-29T21:59:59.000Z'],
    ['2026-04-06', 'Europe/Berlin', '2026-03-30T21:59:59.000Z'],
    // And back to UTC+1 after the last Sunday of October 2026 (25 October).
    ['2026-10-31', 'Europe/Berlin', '2026-10-24T21:59:59.000Z'],
    ['2026-11-01', 'Europe/Berlin', '2026-10-25T22:59:59.000Z'],
  ])('deadline of a cycle ending %s in %s is %s', (endDate, zone, expected) => {
    expect(submissionDeadline(endDate, zone).toISOString()).toBe(expected);
  });

  it('converts a wall-clock time on the DST change days itself', () => {
    // 29 March 2026, Berlin: 01:59 is still UTC+1, 03:00 already UTC+2.
    expect(localTimeToInstant('2026-03-29', '01:30:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
    expect(localTimeToInstant('2026-03-29', '12:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T10:00:00.000Z',
    );
    expect(localTimeToInstant('2026-10-25', '12:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-10-25T11:00:00.000Z',
    );
  });

  it.each([
    [0, 0, 0],
    [0, 5, 0],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [3, 3, 100],
    [1, 8, 12.5],
    [7, 9, 77.8],
  ])('completion %i of %i = %d %', (submitted, total, expected) => {
    expect(completionPercent(submitted, total)).toBe(expected);
  });
});
