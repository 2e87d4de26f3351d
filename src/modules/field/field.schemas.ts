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

/*
 * The two shelf shares answer different questions, so the same photo reads differently in each:
 * two brands on one cell each of a 2×2 grid are 25 % / 25 % of the photo, and 50 % / 50 % of the
 * marked shelf. Both texts go into the OpenAPI descriptions of the endpoints that show them.
 */
export const PER_PHOTO_SHARE =
  'Shares here are per photo, a share of the whole grid: a brand’s `area_percent` when given, else its ' +
  'marked cells ÷ (grid_rows × grid_cols) × 100. Unmarked cells (empty shelf, unknown products) belong to ' +
  'no brand, so the shares add up to 100 % or less: two brands on one cell each of a 2×2 grid read 25 % and ' +
  '25 %. `GET /analytics/shelf-share` normalises the same shares so that the brands sum to 100 % (50 % and ' +
  '50 % for that photo).';

export const AGGREGATED_SHARE =
  'Shares here are aggregated and normalised: a brand’s share = Σ its per-photo shares ÷ Σ every brand’s ' +
  'per-photo shares × 100 over the photos selected, so the brands sum to 100 % (up to rounding) and the ' +
  'unmarked part of each grid is left out. A photo whose two brands cover one cell each of a 2×2 grid reads ' +
  '25 % and 25 % on `GET /photos/{id}/shelf-quadrants` (a share of the grid) and 50 % and 50 % here.';
