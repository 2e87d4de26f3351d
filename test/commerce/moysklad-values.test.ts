import { describe, expect, it } from 'vitest';
import {
  decimalToMinor,
  formatMoscowTime,
  idFromHref,
  minorToDecimal,
  numberToDecimal,
  parseMoscowTime,
} from '../../src/modules/commerce/moysklad/values.js';

describe('kopecks → decimal strings', () => {
  it.each([
    [123050, '1230.50'],
    [0, '0.00'],
    [-0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
    [100, '1.00'],
    [99, '0.99'],
    [3353.0, '33.53'],
    [346347237000.0, '3463472370.00'],
    [2 ** 53 + 2, '90071992547409.94'], // beyond 2^53: the float's integer value, exactly
    [1e21, '10000000000000000000.00'],
    [0.5, '0.005'],
    [123050.25, '1230.5025'],
    [1e-7, '0.000000001'],
    [-0.5, '-0.005'],
  ])('%s → %s', (kopecks, decimal) => {
    expect(minorToDecimal(kopecks)).toBe(decimal);
  });

  it.each([[null], [undefined], ['100'], [Number.NaN], [Infinity]])('%s is not money', (value) => {
    expect(minorToDecimal(value)).toBeNull();
  });

  it('never drifts: every kopeck amount survives the round trip', () => {
    for (let k = -100_000; k <= 100_000; k += 7) expect(decimalToMinor(minorToDecimal(k)!)).toBe(k);
  });

  it.each([
    [46.5, '46.5'],
    [-30, '-30'],
    [0.1, '0.1'],
    [1.5e21, '1500000000000000000000'],
    [2.5e-7, '0.00000025'],
  ])('quantity %s → %s', (value, decimal) => {
    expect(numberToDecimal(value)).toBe(decimal);
  });
});

describe('Moscow time', () => {
  it.each([
    ['2024-04-13 12:57:00.000', '2024-04-13T09:57:00.000Z'],
    ['2024-04-13 12:57:00', '2024-04-13T09:57:00.000Z'],
    ['2024-04-13 12:57', '2024-04-13T09:57:00.000Z'],
    ['2020-06-18 01:10:14.316', '2020-06-17T22:10:14.316Z'],
    ['2024-01-01 02:59:59.999', '2023-12-31T23:59:59.999Z'],
    ['1970-01-01 03:00:00', '1970-01-01T00:00:00.000Z'],
    // No DST: summer and winter are both UTC+3.
    ['2024-07-01 03:00:00.000', '2024-07-01T00:00:00.000Z'],
    ['2024-12-01 03:00:00.000', '2024-12-01T00:00:00.000Z'],
    ['2024-02-29 10:00:00.5', '2024-02-29T07:00:00.500Z'],
  ])('%s (MSK) → %s', (msk, iso) => {
    expect(parseMoscowTime(msk)?.toISOString()).toBe(iso);
    expect(formatMoscowTime(new Date(iso))).toBe(
      msk.length === 16 ? `${msk}:00.000` : msk.length === 19 ? `${msk}.000` : msk.padEnd(23, '0'),
    );
  });

  it.each([
    ['2024-02-30 10:00:00'],
    ['2023-02-29 10:00:00'],
    ['2024-13-01 10:00:00'],
    ['2024-04-13T12:57:00'],
    ['2024-04-13 24:00:00'],
    ['yesterday'],
    [''],
    [1713002220000],
    [null],
  ])('%s is not a MoySklad datetime', (value) => {
    expect(parseMoscowTime(value)).toBeNull();
  });
});

describe('ids from hrefs', () => {
  it.each([
    [
      'https://api.moysklad.ru/api/remap/1.2/entity/product/26b36824-2c83-11e6-8a84-bae50000001b',
      '26b36824-2c83-11e6-8a84-bae50000001b',
    ],
    [
      'https://api.moysklad.ru/api/remap/1.2/entity/product/c02e3a5c-007e-11e6-9464-e4de00000006?expand=supplier',
      'c02e3a5c-007e-11e6-9464-e4de00000006',
    ],
    ['https://api.moysklad.ru/api/remap/1.2/entity/variant/9a1b?expand=product.supplier', '9a1b'],
    [
      'https://api.moysklad.ru/api/remap/1.2/entity/store/850ee995-f504-11e5-8a84-bae500000160/',
      '850ee995-f504-11e5-8a84-bae500000160',
    ],
    ['https://api.moysklad.ru/api/remap/1.2/entity/customerorder/34ef/positions/34f6#x', '34f6'],
    ['http://127.0.0.1:4000/api/remap/1.2/entity/store/abc', 'abc'],
  ])('%s → %s', (href, id) => {
    expect(idFromHref(href)).toBe(id);
  });

  it.each([[''], ['no-slash'], ['https://x/entity/product/a b'], [undefined], [42]])(
    '%s has no id',
    (href) => {
      expect(idFromHref(href)).toBeNull();
    },
  );
});
