import { AppError } from '../http/errors.js';

/**
 * Keyset cursors: opaque base64url JSON of the sort name, the last row's sort key (as PostgreSQL
 * prints it, so microsecond timestamps survive) and its id. Decoding checks every part; anything
 * else is 422 `INVALID_CURSOR`, a cursor made under another sort 422 `CURSOR_SORT_MISMATCH`.
 */
export interface CursorPosition {
  sort: string;
  value: string | null;
  id: string;
}

/** What a sort key's values look like, by the column's SQL type. */
export type KeyKind = 'timestamp' | 'date' | 'number' | 'uuid' | 'text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const KEY_PATTERNS: Record<KeyKind, RegExp> = {
  timestamp: new RegExp(
    `^${DATE}[ T]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?([+-]\\d{2}(:?\\d{2})?|Z)?$`,
  ),
  date: new RegExp(`^${DATE}$`),
  number: /^-?\d{1,30}(\.\d{1,30})?$/,
  uuid: UUID,
  text: /^[\s\S]{0,1000}$/,
};

export function keyKindOf(sqlType: string): KeyKind {
  if (sqlType.startsWith('timestamp')) return 'timestamp';
  if (sqlType === 'date') return 'date';
  if (/^(integer|smallint|bigint|numeric|real|double|decimal|serial)/.test(sqlType)) return 'number';
  if (sqlType === 'uuid') return 'uuid';
  return 'text';
}

export const invalidCursor = (detail = 'The cursor is not one this list issued.') =>
  new AppError(422, 'INVALID_CURSOR', detail, {
    errors: [{ path: '/query/cursor', message: 'is not a valid cursor' }],
  });

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, kind: KeyKind): CursorPosition {
  let parts: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 3) throw invalidCursor();
  const [cursorSort, value, id] = parts as unknown[];
  if (typeof cursorSort !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
  if (value !== null && (typeof value !== 'string' || !KEY_PATTERNS[kind].test(value))) throw invalidCursor();
  if (cursorSort !== sort)
    throw new AppError(
      422,
      'CURSOR_SORT_MISMATCH',
      `The cursor belongs to sort "${cursorSort}", not "${sort}"; start again without a cursor.`,
      { errors: [{ path: '/query/cursor', message: 'was issued for another sort' }] },
    );
  return { sort, value, id };
}
