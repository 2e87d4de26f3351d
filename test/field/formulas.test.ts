import { describe, expect, it } from 'vitest';
import { aggregateShelfShare, geofenceCheck, photoShelfShare } from '../../src/modules/field/formulas.js';
import {
  answerProblem,
  checkAnswers,
  type AnswerableQuestion,
} from '../../src/modules/field/surveys/question-rules.js';

// 1° of latitude = 6 371 008.8 m × π / 180 = 111 195.08 m on the mean-radius sphere.
const OUTLET = { latitude: 41.2995, longitude: 69.2401, radiusM: 100 };

describe('geofenceCheck', () => {
  it.each([
    ['at the outlet', 0, 0, 0, true],
    ['44.5 m north', 0.0004, 0, 44.5, true],
    ['99.5 m north (inside 100 m)', 0.000895, 0, 99.5, true],
    ['100.1 m north (outside 100 m)', 0.0009, 0, 100.1, false],
    ['1112 m north', 0.01, 0, 1112, false],
    // Along a parallel a degree is shorter: 111 195.08 × cos(41.2995°) = 83 539.6 m.
    ['83.5 m east', 0, 0.001, 83.5, true],
  ])('%s', (_label, dLat, dLng, distance, within) => {
    const point = { latitude: OUTLET.latitude + dLat, longitude: OUTLET.longitude + dLng };
    expect(geofenceCheck(point, OUTLET)).toEqual({ distanceM: distance, withinGeofence: within });
  });

  it('uses the default 100 m radius and knows nothing without outlet coordinates', () => {
    const point = { latitude: OUTLET.latitude + 0.0009, longitude: OUTLET.longitude };
    expect(geofenceCheck(point, { ...OUTLET, radiusM: null }).withinGeofence).toBe(false);
    expect(geofenceCheck(point, { ...OUTLET, radiusM: 150 }).withinGeofence).toBe(true);
    expect(geofenceCheck(point, { latitude: null, longitude: null })).toEqual({
      distanceM: null,
      withinGeofence: null,
    });
  });
});

describe('photoShelfShare', () => {
  /** The first `n` cells of the grid in reading order. */
  const cells = (grid: { rows: number; cols: number }, n: number) =>
    Array.from({ length: n }, (_, i) => ({ row: Math.floor(i / grid.cols), col: i % grid.cols }));
  it.each([
    ['1 of 4 quadrants', { rows: 2, cols: 2 }, 1, null, 25],
    ['3 of 4 quadrants', { rows: 2, cols: 2 }, 3, null, 75],
    ['1 of 3 cells', { rows: 1, cols: 3 }, 1, null, 33.33],
    ['2 of 3 cells', { rows: 3, cols: 1 }, 2, null, 66.67],
    ['area % wins over cells', { rows: 2, cols: 2 }, 4, 12.5, 12.5],
    ['area % alone', { rows: 2, cols: 2 }, 0, 40, 40],
    ['no marks', { rows: 2, cols: 2 }, 0, null, 0],
  ])('%s', (_label, grid, marked, area, expected) => {
    expect(photoShelfShare(grid, { cells: cells(grid, marked), areaPercent: area })).toBe(expected);
  });

  it('counts a repeated cell once', () => {
    const cell = { row: 0, col: 0 };
    expect(photoShelfShare({ rows: 2, cols: 2 }, { cells: [cell, cell, { ...cell }] })).toBe(25);
  });
});

describe('aggregateShelfShare', () => {
  it('sums each brand over photos and divides by the total of all brands', () => {
    // Photo 1: own A 50, rival R 25. Photo 2: A 25, R 50, rival S 25. Σ = 175.
    const result = aggregateShelfShare([
      { brandId: 'A', isOwn: true, share: 50 },
      { brandId: 'R', isOwn: false, share: 25 },
      { brandId: 'A', isOwn: true, share: 25 },
      { brandId: 'R', isOwn: false, share: 50 },
      { brandId: 'S', isOwn: false, share: 25 },
    ]);
    // A: 75/175 = 42.857…%, R: 75/175, S: 25/175 = 14.2857…%.
    expect(result.brands).toEqual([
      { brandId: 'A', isOwn: true, sharePercent: 42.86 },
      { brandId: 'R', isOwn: false, sharePercent: 42.86 },
      { brandId: 'S', isOwn: false, sharePercent: 14.29 },
    ]);
    expect([result.ownPercent, result.competitorPercent]).toEqual([42.86, 57.14]);
  });

  it('is all zero without data and 100 for a single brand', () => {
    expect(aggregateShelfShare([])).toEqual({ brands: [], ownPercent: 0, competitorPercent: 0 });
    expect(aggregateShelfShare([{ brandId: 'A', isOwn: true, share: 0 }]).ownPercent).toBe(0);
    expect(aggregateShelfShare([{ brandId: 'R', isOwn: false, share: 30 }])).toEqual({
      brands: [{ brandId: 'R', isOwn: false, sharePercent: 100 }],
      ownPercent: 0,
      competitorPercent: 100,
    });
  });
});

describe('answer rules', () => {
  const question = (
    type: AnswerableQuestion['type'],
    extra: Partial<AnswerableQuestion> = {},
  ): AnswerableQuestion => ({
    id: `q-${type}`,
    text: type,
    type,
    options: [],
    validation: {},
    required: false,
    ...extra,
  });
  const photos = new Set(['01900000-0000-7000-8000-0000000000aa']);

  it.each([
    ['text', {}, 'hello', undefined],
    ['text', { validation: { max_length: 3 } }, 'hello', 'must be at most 3 characters'],
    ['text', {}, 5, 'must be a string'],
    ['number', { validation: { min: 1, max: 10 } }, 10, undefined],
    ['number', { validation: { min: 1 } }, 0.5, 'must be at least 1'],
    ['number', {}, '7', 'must be a number'],
    ['rating', {}, 5, undefined],
    ['rating', {}, 6, 'must be between 1 and 5'],
    ['rating', { validation: { min: 0, max: 10 } }, 0, undefined],
    ['rating', {}, 2.5, 'must be a whole number'],
    ['yes_no', {}, false, undefined],
    ['yes_no', {}, 'yes', 'must be true or false'],
    ['single_choice', { options: ['a', 'b'] }, 'b', undefined],
    ['single_choice', { options: ['a', 'b'] }, 'c', 'must be one of: a, b'],
    ['multiple_choice', { options: ['a', 'b'] }, ['a', 'b'], undefined],
    ['multiple_choice', { options: ['a', 'b'] }, ['a', 'a'], 'options must not repeat'],
    ['multiple_choice', { options: ['a', 'b'] }, 'a', 'must be a list of options'],
    ['date', {}, '2024-02-29', undefined],
    ['date', {}, '2023-02-29', 'must be a date (YYYY-MM-DD)'],
    ['photo', {}, '01900000-0000-7000-8000-0000000000AA', undefined],
    ['photo', {}, '01900000-0000-7000-8000-0000000000bb', 'must be a photo of this visit'],
  ] as const)('%s %j ← %j', (type, extra, value, problem) => {
    expect(answerProblem(question(type, extra as Partial<AnswerableQuestion>), value, photos)).toBe(problem);
  });

  it('reports unknown, repeated and missing required questions, and drops blank optional answers', () => {
    const required = question('yes_no', { id: 'req', required: true });
    const optional = question('text', { id: 'opt' });
    const result = checkAnswers(
      [required, optional],
      [
        { question_id: 'opt', value: '  ' },
        { question_id: 'zzz', value: 1 },
        { question_id: 'opt', value: 'x' },
      ],
      photos,
    );
    expect(result.errors.map((e) => e.path)).toEqual([
      '/body/answers/1/question_id',
      '/body/answers/2/question_id',
      '/body/answers',
    ]);
    expect(result.values.size).toBe(0);
    const ok = checkAnswers([required, optional], [{ question_id: 'req', value: true }], photos);
    expect(ok).toEqual({ errors: [], values: new Map([['req', true]]) });
  });
});
