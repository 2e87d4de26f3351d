import { Type, type Static, type TSchema } from 'typebox';

/** Shared request/response building blocks. Every module's schemas compose these. */

export const Uuid = Type.String({ format: 'uuid', description: 'UUID (v7 for ids SalesOps creates)' });

export const IdParams = Type.Object({ id: Uuid });
export type IdParams = Static<typeof IdParams>;

export const PaginationQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (1–500)' }),
  offset: Type.Integer({ minimum: 0, default: 0, description: 'Rows to skip (offset paging)' }),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        'Opaque keyset cursor from `next_cursor` (same sort and filters); replaces `offset`. A cursor this list did not issue is 422 `INVALID_CURSOR`, one from another sort 422 `CURSOR_SORT_MISMATCH`.',
    }),
  ),
  include_total: Type.Optional(
    Type.Boolean({
      description:
        'Count the matching rows into `total`. Default: yes with offset paging, no with a cursor (then `total` is null).',
    }),
  ),
});
export type PaginationQuery = Static<typeof PaginationQuery>;

/** Sort parameter: a field name, `-` prefix for descending (`sort=-created_at`). */
export const sortQuery = <const T extends string>(fields: readonly T[], fallback: string) =>
  Type.String({
    pattern: `^-?(${fields.join('|')})$`,
    default: fallback,
    description: `One of ${fields.join(', ')}; prefix with - for descending`,
  });

/**
 * The list envelope of DESIGN.md §4: `{<resource>: [...], total, limit, offset, next_cursor?}`.
 * `key` is the snake_case plural (`call_cycles`). `total` is null when it was not counted (cursor
 * pages unless `include_total=true`, or `include_total=false`); `next_cursor` is null on the last page.
 */
export function ListEnvelope<K extends string, T extends TSchema>(key: K, item: T) {
  return Type.Object({
    [key]: Type.Array(item),
    total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Matching rows; null when not counted (see `include_total`)',
    }),
    limit: Type.Integer({ minimum: 1 }),
    offset: Type.Integer({ minimum: 0 }),
    next_cursor: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'Cursor of the next page (`cursor=`); null on the last page',
      }),
    ),
  } as { [P in K]: ReturnType<typeof Type.Array<T>> } & {
    total: ReturnType<typeof Type.Union>;
    limit: ReturnType<typeof Type.Integer>;
    offset: ReturnType<typeof Type.Integer>;
    next_cursor: ReturnType<typeof Type.Optional<ReturnType<typeof Type.Union>>>;
  });
}

export const FieldErrorSchema = Type.Object({
  path: Type.String({ description: 'JSON Pointer to the offending input, e.g. /body/email' }),
  message: Type.String(),
});

/** RFC 9457 problem document with SalesOps' stable `code`. */
export const ProblemDocument = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable machine-readable reason' }),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
    request_id: Type.String(),
  },
  { $id: 'ProblemDocument', additionalProperties: true },
);
export type ProblemDocument = Static<typeof ProblemDocument>;

/**
 * The file part of a multipart/form-data body (`config.multipartForm`): binary in the document, so
 * the docs UI offers a file picker and client generators a Blob.
 */
export const FilePart = (description: string) => Type.String({ format: 'binary', description });

/** Money: decimal string, never a float; signed (a balance, an adjustment). */
export const Money = Type.String({
  pattern: '^-?\\d{1,16}(\\.\\d{1,2})?$',
  description: 'Decimal amount, e.g. "1250.00"',
});
/**
 * Money that cannot be below zero: prices, contract values, targets, price filters. Input schemas
 * use it wherever a negative amount means nothing, so the API and imports refuse `-5.00` with a
 * pointer instead of storing it.
 */
export const NonNegativeMoney = Type.String({
  pattern: '^\\d{1,16}(\\.\\d{1,2})?$',
  description: 'Decimal amount, not negative, e.g. "1250.00"',
});
export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
