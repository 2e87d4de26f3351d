import { Type } from 'typebox';

/**
 * `null` first: with Ajv's type coercion a string or number branch tried first would turn an
 * explicit `null` (clear the field) into `""` or `0`.
 */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

export const Code = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: 'Unique per tenant',
});
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Text = (maxLength = 2000) => Type.String({ maxLength });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
export const BoolQuery = Type.Boolean({ default: false });
