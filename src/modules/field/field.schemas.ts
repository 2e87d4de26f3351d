import { Type } from 'typebox';

/**
 * `null` first: with Ajv's type coercion a string or number branch tried first would turn an
 * explicit `null` (clear the field) into `""` or `0`.
 */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });
export const AccuracyM = Type.Number({ minimum: 0, maximum: 100_000, description: 'GPS accuracy, metres' });
