import { describe, expect, it } from 'vitest';
import {
  addDays,
  callCycleAdherence,
  callCycleCoverage,
  daysBetween,
  goalProgress,
  scheduleDates,
  slotsFulfilledBy,
  type OpenSlot,
} from '../../src/modules/field/formulas.js';

describe('goalProgress = min(100, actual ÷ target × 100)', () => {
  it.each([
    [0, 10, 0],
    [5, 10, 50],
    [1, 3, 33.33],
    [2, 3, 66.67],
    [10, 10, 100],
    [15, 10, 100],
    [16.5, 30, 55],
    [75, 80, 93.75],
    [-4, 10, 0],
    [5, 0, 0],
  ])('actual %d of target %d → %d %%', (actual, target, expected) => {
    expect(goalProgress(actual, target)).toBe(expected);
  });
});

describe('callCycleAdherence: each outlet counts at most its planned visits', () => {
  it.each([
    { outlets: [], expected: 0 },
    { outlets: [{ planned: 4, completed: 4 }], expected: 100 },
    { outlets: [{ planned: 4, completed: 3 }], expected: 75 },
    // 6 extra visits at one outlet cannot make up for the other: (4 + 0) ÷ 8.
    {
      outlets: [
        { planned: 4, completed: 10 },
        { planned: 4, completed: 0 },
      ],
      expected: 50,
    },
    {
      outlets: [
        { planned: 2, completed: 1 },
        { planned: 1, completed: 0 },
      ],
      expected: 33.33,
    },
    { outlets: [{ planned: 0, completed: 3 }], expected: 0 },
    {
      outlets: [
        { planned: 3, completed: 5 },
        { planned: 3, completed: 5 },
      ],
      expected: 100,
    },
  ])('$outlets → $expected', ({ outlets, expected }) => {
    expect(callCycleAdherence(outlets)).toBe(expected);
  });
});

describe('callCycleCoverage = outlets visited ÷ outlets × 100', () => {
  it.each([
    [0, 0, 0],
    [0, 4, 0],
    [1, 4, 25],
    [2, 3, 66.67],
    [3, 3, 100],
    [5, 3, 100],
  ])('%d of %d → %d %%', (visited, total, expected) => {
    expect(callCycleCoverage(visited, total)).toBe(expected);
  });
});

describe('date helpers', () => {
  it('adds days across months and leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-03-31', '2026-03-01')).toBe(-30);
  });
});

describe('scheduleDates', () => {
  it.each([
    // 2026-03-02 is a Monday: daily skips Saturday 7th and Sunday 8th.
    [
      '2026-03-02',
      '2026-03-10',
      'daily',
      ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09', '2026-03-10'],
    ],
    // A daily cycle over a weekend only has no working day.
    ['2026-03-07', '2026-03-08', 'daily', []],
    ['2026-03-04', '2026-03-31', 'weekly', ['2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25']],
    ['2026-03-04', '2026-03-25', 'weekly', ['2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25']],
    [
      '2026-03-04',
      '2026-04-30',
      'biweekly',
      ['2026-03-04', '2026-03-18', '2026-04-01', '2026-04-15', '2026-04-29'],
    ],
    ['2026-01-15', '2026-04-14', 'monthly', ['2026-01-15', '2026-02-15', '2026-03-15']],
    // The 31st clamps to shorter months without drifting: Feb 29 (leap year), Mar 31, Apr 30.
    [
      '2024-01-31',
      '2024-05-31',
      'monthly',
      ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31'],
    ],
    ['2026-12-31', '2027-02-28', 'monthly', ['2026-12-31', '2027-01-31', '2027-02-28']],
    ['2026-03-10', '2026-03-09', 'weekly', []],
    ['2026-03-10', '2026-03-10', 'monthly', ['2026-03-10']],
  ] as const)('%s … %s %s', (start, end, frequency, expected) => {
    expect(scheduleDates(start, end, frequency)).toEqual(expected);
  });

  it('plans 261 working days in 2025', () => {
    expect(scheduleDates('2025-01-01', '2025-12-31', 'daily')).toHaveLength(261);
  });
});

describe('slotsFulfilledBy', () => {
  const slot = (id: string, cycleId: string, outletId: string, slotDate: string): OpenSlot => ({
    id,
    cycleId,
    outletId,
    slotDate,
  });
  const open = [
    slot('a1', 'A', 'o1', '2026-03-02'),
    slot('a2', 'A', 'o1', '2026-03-09'),
    slot('a3', 'A', 'o2', '2026-03-09'),
    slot('b1', 'B', 'o1', '2026-03-09'),
  ];
  const visit = (over: Partial<Parameters<typeof slotsFulfilledBy>[0]>) => ({
    outletId: 'o1',
    completedDate: '2026-03-09',
    plannedDate: '2026-03-09',
    callCycleId: null,
    agentCycleIds: new Set<string>(),
    ...over,
  });

  it.each([
    // The agent's own cycles: the slot on the completion day, one per cycle.
    { v: visit({ agentCycleIds: new Set(['A', 'B']) }), expected: ['a2', 'b1'] },
    { v: visit({ agentCycleIds: new Set(['A']) }), expected: ['a2'] },
    // Not the agent's cycle and no cycle id: nothing.
    { v: visit({}), expected: [] },
    // Another outlet's slot is never fulfilled.
    { v: visit({ outletId: 'o3', agentCycleIds: new Set(['A']) }), expected: [] },
    // A day without a slot fulfils nothing, unless the visit was planned for the cycle's slot.
    { v: visit({ completedDate: '2026-03-03', agentCycleIds: new Set(['A']) }), expected: [] },
    {
      v: visit({ completedDate: '2026-03-03', plannedDate: '2026-03-02', callCycleId: 'A' }),
      expected: ['a1'],
    },
    // The completion day wins over the planned day.
    { v: visit({ plannedDate: '2026-03-02', callCycleId: 'A' }), expected: ['a2'] },
  ])('$expected', ({ v, expected }) => {
    expect(slotsFulfilledBy(v, open).map((s) => s.id)).toEqual(expected);
  });
});
