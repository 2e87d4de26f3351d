import { DrizzleQueryError } from 'drizzle-orm';
import { AppError, jsonPointer, validationFailed, type FieldError } from '../http/errors.js';

interface PgLikeError {
  code?: string;
  detail?: string;
  constraint?: string;
  column?: string;
  table?: string;
  message?: string;
}

/** SQLSTATEs after which the whole transaction may simply be run again. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Connection exceptions, the server shutting down or starting, too many connections or no resources. */
const CONNECTION_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[0-9A-Z]|53[0-9A-Z]{3})$/;

/** Socket failures on the way to the server (refused, reset, unreachable, unresolvable). */
const SOCKET_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What node-postgres says, without a SQLSTATE, when a connection ended under a query, was already
 * broken, or could not be had from the pool in time. Its own fixed texts, not the server's.
 */
const CLIENT_CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
];

/** The PostgreSQL error itself: Drizzle wraps driver errors (DrizzleQueryError) and keeps them as `cause`. */
export function pgErrorOf(error: unknown): PgLikeError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as PgLikeError).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as PgLikeError;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * An error's message fit to keep in a record or show an administrator: for a failed statement, what
 * the database or the driver said, without what Drizzle's wrapper adds (the statement's text and
 * every parameter value, which may be personal data or a password's hash).
 */
export function errorMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; current instanceof DrizzleQueryError && depth < 5; depth++) current = current.cause;
  if (current instanceof DrizzleQueryError) return 'a database statement failed';
  if (current instanceof Error) return current.message;
  return String(current ?? 'a database statement failed');
}

export function sqlState(error: unknown): string | undefined {
  return pgErrorOf(error)?.code;
}

/** True when `error` (or what it wraps) says the database cannot be reached or the connection is gone. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_ERRNOS.has(code) || CONNECTION_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && CLIENT_CONNECTION_MESSAGES.some((m) => message.startsWith(m)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** 503 `DATABASE_UNAVAILABLE`: the request may succeed when retried a little later. */
export const databaseUnavailable = (cause: unknown): AppError =>
  new AppError(503, 'DATABASE_UNAVAILABLE', 'The database is not reachable.', {
    cause,
    retryAfterSeconds: 5,
  });

/**
 * Names the columns of a violated key without echoing the values: "Key (tenant_id, code)=(…, A1)
 * already exists." → tenant_id, code. An expression index names the column it reads:
 * "Key (lower(email::text))=(…)" → email.
 */
function keyColumns(detail: string | undefined): string[] {
  const list = detail?.match(/^Key \((.*?)\)=\(/)?.[1];
  if (!list) return [];
  // Split at the commas between elements, not those inside an expression's parentheses.
  const elements: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= list.length; i++) {
    const c = list[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      elements.push(list.slice(start, i));
      start = i + 1;
    }
  }
  return elements.map(columnOf).filter((c) => c !== undefined);
}

/** The column an index element reads: the element itself, or the first name in it that is no function or type. */
function columnOf(element: string): string | undefined {
  const bare = element.replace(/'(?:[^']|'')*'/g, '').replace(/::\s*"?[\w .]+"?(\[\])?/g, '');
  const match = /"((?:[^"]|"")+)"(?!\s*\()|([a-z_][\w$]*)(?![\w$]*\s*\()/i.exec(bare);
  return match ? (match[1]?.replace(/""/g, '"') ?? match[2]) : undefined;
}

/**
 * A foreign-key violation of one of the given constraints (by name) as 422 `VALIDATION_FAILED` at the
 * request member that carried the reference; undefined for any other error. PostgreSQL leaves the
 * key's columns out of the error when the table is under row-level security (every tenant table),
 * so `translateDbError` cannot point at the member; the constraint's name still says which key
 * failed. For references a service cannot check itself (another module's table) or as the last word
 * after its own check (a row deleted meanwhile):
 * `await write.catch((e) => { throw missingReference(e, { users_tenant_primary_outlet_fk: … }) ?? e; })`.
 */
export function missingReference(error: unknown, keys: Record<string, FieldError>): AppError | undefined {
  const pg = pgErrorOf(error);
  const field = pg?.code === '23503' && pg.constraint ? keys[pg.constraint] : undefined;
  return field ? validationFailed([field]) : undefined;
}

/**
 * Turns a PostgreSQL error into the API error it means. Returns undefined for anything that is a
 * programming error (bad SQL), which the error handler reports as a 500 without internals.
 */
export function translateDbError(error: unknown): AppError | undefined {
  if (isConnectionFailure(error)) return databaseUnavailable(error);
  const pg = pgErrorOf(error);
  const state = pg?.code;
  if (!pg || !state) return undefined;
  const columns = keyColumns(pg.detail).filter((c) => c !== 'tenant_id');
  const errors = columns.map((column) => ({ path: jsonPointer('', column), message: '' }));
  switch (state) {
    case '23505':
      return new AppError(409, 'DUPLICATE', 'A record with the same unique value already exists.', {
        errors: errors.map((e) => ({ ...e, message: 'must be unique' })),
        cause: error,
      });
    case '23503':
      return new AppError(
        422,
        'REFERENCE_NOT_FOUND',
        'A referenced record does not exist or is still in use.',
        {
          errors: errors.map((e) => ({ ...e, message: 'must reference an existing record' })),
          cause: error,
        },
      );
    case '23502':
      return new AppError(422, 'VALIDATION_FAILED', 'A required value is missing.', {
        errors: pg.column ? [{ path: jsonPointer('', pg.column), message: 'is required' }] : [],
        cause: error,
      });
    case '23514':
    case '22P02':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22009':
      return new AppError(422, 'VALIDATION_FAILED', 'A value is not valid.', { cause: error });
    case '42501':
      return new AppError(403, 'FORBIDDEN', 'This operation is not allowed.', { cause: error });
    case '40001':
    case '40P01':
      return new AppError(
        503,
        'CONCURRENT_UPDATE',
        'The request conflicted with concurrent changes; retry it.',
        {
          cause: error,
          retryAfterSeconds: 1,
        },
      );
    case '57014':
      return new AppError(503, 'QUERY_TIMEOUT', 'The database took too long to answer.', { cause: error });
    default:
      return undefined;
  }
}
