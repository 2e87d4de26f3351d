import { HOSTILE_NUMBERS, HOSTILE_STRINGS, hostileJson } from './hostile.js';
import type { Rng } from './random.js';
import type { Schema } from './spec.js';

/** Where a uuid-valued field or parameter gets a real id from (by its name), if anywhere. */
export type IdLookup = (name: string, rng: Rng) => string | undefined;

/** Samples tried against a pattern the generator cannot otherwise satisfy (the first matches win). */
const PATTERN_SAMPLES = [
  'UZS',
  'UZ',
  'en',
  'en-GB',
  'visits',
  'key_x',
  'fuzz-slug-1',
  'fuzz_user_1',
  'abcd-1234',
  '12.50',
  '-3.25',
  '0',
  '41.3,69.2',
  '1234567890',
  '123456789',
  '1234567890123',
  'Some name',
];

/** `^-?(name|created_at)$` and the like: the sort fields, optionally descending. */
function sortPatternValue(pattern: string, rng: Rng): string | undefined {
  const match = /^\^(-\?)?\(([a-z_|]+)\)\$$/.exec(pattern);
  if (!match) return undefined;
  return `${match[1] && rng.chance(0.5) ? '-' : ''}${rng.pick(match[2]!.split('|'))}`;
}

function patternValue(pattern: string, rng: Rng): string {
  const sort = sortPatternValue(pattern, rng);
  if (sort) return sort;
  const regex = new RegExp(pattern);
  const fits = PATTERN_SAMPLES.filter((s) => regex.test(s));
  return fits.length ? rng.pick(fits) : 'fuzz';
}

const pad = (n: number) => String(n).padStart(2, '0');
export const randomDate = (rng: Rng) =>
  `${rng.int(2024, 2027)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;

function stringValue(schema: Schema, name: string, rng: Rng, ids: IdLookup): string {
  switch (schema.format) {
    case 'uuid':
      return ids(name, rng) ?? rng.uuid();
    case 'date':
      return randomDate(rng);
    case 'date-time':
      return `${randomDate(rng)}T${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:00.000Z`;
    case 'email':
      return `fuzz.${rng.hex(8)}@example.test`;
  }
  if (schema.pattern) return patternValue(schema.pattern, rng);
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  const base = `fuzz ${rng.hex(8)} `;
  return base
    .repeat(Math.ceil(max / base.length))
    .slice(0, rng.int(min, max))
    .trim()
    .padEnd(min, 'x');
}

function numberValue(schema: Schema, integer: boolean, rng: Rng): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const max =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : min + 100);
  const value = min + rng.next() * (max - min);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

/** A value the schema accepts (mostly: uniqueness and cross-field rules are the server's to check). */
export function validValue(schema: Schema, name: string, rng: Rng, ids: IdLookup, depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  if (schema.anyOf) {
    const nonNull = schema.anyOf.filter((s) => s.type !== 'null');
    const branch = nonNull.length && rng.chance(0.85) ? rng.pick(nonNull) : rng.pick(schema.anyOf);
    return validValue(branch, name, rng, ids, depth);
  }
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number':
      return numberValue(schema, type === 'integer', rng);
    case 'string':
      return stringValue(schema, name, rng, ids);
    case 'array': {
      const min = schema.minItems ?? 0;
      const count = rng.int(min, Math.max(min, Math.min(schema.maxItems ?? 3, min + 3)));
      const item = schema.items ?? {};
      return Array.from({ length: count }, () => validValue(item, name, rng, ids, depth + 1));
    }
    case 'object':
      return objectValue(schema, rng, ids, depth);
  }
  return depth > 3 ? null : rng.pick(['fuzz', 1, true]);
}

function objectValue(schema: Schema, rng: Rng, ids: IdLookup, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {}))
    if (required.has(key) || (depth < 3 && rng.chance(0.5)))
      out[key] = validValue(property, key, rng, ids, depth + 1);
  if (typeof schema.additionalProperties === 'object' && depth < 3)
    for (let i = rng.int(0, 2); i > 0; i--)
      out[`key_${rng.hex(4)}`] = validValue(schema.additionalProperties, 'value', rng, ids, depth + 1);
  return out;
}

/** A value at or just past one of the schema's limits, or of a type or shape it refuses. */
export function boundaryValue(schema: Schema, rng: Rng): unknown {
  const branch = schema.anyOf ? rng.pick(schema.anyOf) : schema;
  const candidates: unknown[] = [hostileJson(rng)];
  if (branch.enum) candidates.push(`${String(branch.enum[0])}_x`, String(branch.enum[0]).toUpperCase(), '');
  if (branch.maxLength !== undefined)
    if (branch.maxLength < 200_000)
      candidates.push(
        'x'.repeat(branch.maxLength),
        'x'.repeat(branch.maxLength + 1),
        'é'.repeat(branch.maxLength),
      );
  if (branch.minLength) candidates.push('x'.repeat(branch.minLength - 1));
  if (branch.minimum !== undefined) candidates.push(branch.minimum, branch.minimum - 1, branch.minimum - 0.5);
  if (branch.maximum !== undefined)
    candidates.push(branch.maximum, branch.maximum + 1, String(branch.maximum + 1));
  if (branch.type === 'integer') candidates.push(1.5, '7', '1e3', rng.pick(HOSTILE_NUMBERS));
  if (branch.format === 'date')
    candidates.push('2024-02-30', '2024-2-3', '10000-01-01', '2024-01-01T00:00:00Z');
  if (branch.format === 'date-time')
    candidates.push('2024-01-01', '2024-01-01T24:00:00Z', '275760-09-13T00:00:01Z', '2024-06-30T23:59:60Z');
  if (branch.format === 'uuid')
    candidates.push(rng.pick(HOSTILE_STRINGS.filter((s) => s.length === 36 || s.includes('{'))));
  if (branch.type === 'array')
    candidates.push(
      [hostileJson(rng)],
      Array.from({ length: (branch.maxItems ?? 500) + 1 }, () => 1),
    );
  if (branch.pattern)
    candidates.push(`${patternValue(branch.pattern, rng)}\n`, ` ${patternValue(branch.pattern, rng)}`);
  return rng.pick(candidates);
}
