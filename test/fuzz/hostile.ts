import type { Rng } from './random.js';

/** Strings that have broken servers before: empty, huge, control characters, odd Unicode, injections. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '   padded   ',
  'x'.repeat(5_000),
  'é'.repeat(5_001),
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u0007\b\t\n\v\f\r\u001b\u001f\u007f',
  '\r\nX-Injected: 1',
  '\ud800',
  'lone \udfff low',
  '\ufeff\u200b\u202e\u2028\u2029',
  '😀👍🏽‍🔥',
  'ｆｕｌｌｗｉｄｔｈ',
  'e\u0301\u0301\u0301',
  '%00',
  '%',
  '%zz',
  '../../../../etc/passwd',
  "'; drop table users; --",
  '" or 1=1 --',
  '\\',
  '$1',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '=cmd|" /C calc"!A0',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x1F',
  '9'.repeat(40),
  '-1',
  '2147483648',
  '9007199254740993',
  '1.5',
  ' 1',
  'true',
  '[]',
  '{}',
  '{"a":1}',
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '99999-01-01',
  '-4713-01-01',
  '2024-01-01T25:00:00Z',
  '2024-06-30T23:59:60Z',
  '1970-01-01T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  '0192a1b2c3d47e5f8a9b0c1d2e3f4a5b',
  '{0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}',
  '0192A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B',
  '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b0',
  'YWJj',
  'W10',
];

/** Byte sequences that are not UTF-8: a lone continuation, a truncated sequence, an encoded surrogate, an overlong NUL. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0x80]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];

export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  1,
  -0,
  0.5,
  -0.000001,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 63),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Deeply nested arrays: a stack-depth test for every parser and validator on the way. */
export function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function wideObject(keys: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < keys; i++) out[`k${i}`] = i;
  return out;
}

/** Any JSON value of a type a schema probably did not ask for. */
export function hostileJson(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [6, () => rng.pick(HOSTILE_STRINGS)],
    [4, () => rng.pick(HOSTILE_NUMBERS)],
    [2, () => rng.pick([true, false])],
    [3, () => null],
    [2, () => []],
    [2, () => ({})],
    [1, () => [rng.pick(HOSTILE_STRINGS), rng.pick(HOSTILE_NUMBERS), null]],
    [1, () => JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}') as unknown],
    [1, () => deepArray(rng.pick([64, 1_000, 2_500]))],
    [1, () => Array.from({ length: rng.pick([1_000, 20_000]) }, (_, i) => i)],
    [1, () => wideObject(rng.pick([200, 5_000]))],
  ])();
}

/**
 * Cursors a list never issued but that pass the base64url check: forged sort keys of every kind
 * (impossible dates, 30-digit numbers, NUL), wrong shapes, and real cursors from other lists.
 */
export function hostileCursor(rng: Rng, realCursors: readonly string[]): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  if (realCursors.length && rng.chance(0.3)) return rng.pick(realCursors);
  const real = realCursors.length ? rng.pick(realCursors) : undefined;
  let sort = '-created_at';
  try {
    if (real) sort = (JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as string[])[0] ?? sort;
  } catch {
    // a cursor that is not ours stays opaque
  }
  const id = rng.uuid();
  const value = rng.pick<unknown>([
    '2024-02-31 00:00:00',
    '2024-02-31',
    '2024-01-01 23:59:59.999999+14:59',
    '9999-12-31 23:59:59Z',
    '0000-01-01',
    '9'.repeat(30),
    `${'9'.repeat(30)}.${'9'.repeat(30)}`,
    '-0',
    'a\u0000b',
    '\ud800',
    'x'.repeat(1_000),
    'not a key',
    null,
    7,
    { a: 1 },
  ]);
  return rng.weighted<() => string>([
    [6, () => encode([sort, value, id])],
    [1, () => encode([sort, value, rng.pick(HOSTILE_STRINGS)])],
    [1, () => encode([rng.pick(HOSTILE_STRINGS), value, id])],
    [1, () => encode(hostileJson(rng))],
    [1, () => encode([sort, value, id, 'extra'])],
    [1, () => rng.pick(['garbage', '_', 'A'.repeat(512), 'A'.repeat(513), '-'])],
  ])();
}
