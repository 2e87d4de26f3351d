import { Format } from 'typebox/format';

/**
 * The string formats request schemas use, defined once. Two validators read the same TypeBox
 * schemas: Fastify's Ajv (request input) and TypeBox's compiler (import rows, `bulk/validate.ts`).
 * Each ships its own idea of `email`, `uuid` or `date-time` (TypeBox took `bad@example`, Ajv a
 * `urn:uuid:` prefix PostgreSQL cannot store), so a value one accepted the other could refuse.
 * Both are given these checks instead: `installAjvFormats` on Fastify's Ajv (after ajv-formats, so
 * these win), `installTypeBoxFormats` on TypeBox's registry.
 */

/** An address with a dotted domain (`bad@example` is refused), as ajv-formats' full mode has it. */
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
/** A plain UUID, what a PostgreSQL `uuid` column stores (no `urn:uuid:` prefix, no braces). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * RFC 3339 with a time zone; a space for the `T` and `+0100` for `+01:00` are accepted, as before.
 * An offset of hours alone (`+05`) is not: JavaScript's Date cannot read it.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;

function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Year 0 does not exist in PostgreSQL's calendar (1 BC comes before AD 1).
  if (year < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match || !isDate(match[1]!)) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  const [offsetHour, offsetMinute] = [Number(match[5] ?? 0), Number(match[6] ?? 0)];
  // A leap second (:60) is refused: JavaScript's Date cannot hold one, and every handler parses the
  // value into a Date (an invalid one would fail later, as a 500).
  return (
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59 &&
    // Whatever passes must make a valid Date: every handler turns the value into one.
    !Number.isNaN(Date.parse(value))
  );
}

export const STRING_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  email: (value) => EMAIL.test(value),
  uuid: (value) => UUID.test(value),
  date: isDate,
  'date-time': isDateTime,
};

/** Fastify's `ajv.onCreate`: runs after ajv-formats, so these replace its definitions. */
export function installAjvFormats(ajv: {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown;
}): void {
  for (const [name, validate] of Object.entries(STRING_FORMATS))
    ajv.addFormat(name, { type: 'string', validate });
}

/** TypeBox's process-wide format registry (what `Compile` and `Value.Check` consult). */
export function installTypeBoxFormats(): void {
  for (const [name, check] of Object.entries(STRING_FORMATS)) Format.Set(name, check);
}
