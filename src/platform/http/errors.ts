export interface FieldError {
  /** JSON Pointer into the request part that failed ("/body/email", "/query/limit"). */
  path: string;
  message: string;
}

/** How much of one client-supplied name (an unknown property, a map key) a pointer repeats. */
const MAX_TOKEN_LENGTH = 64;

/** Cuts an escaped token, never inside an escape (`~0`, `~1`). */
const clip = (token: string) =>
  token.length > MAX_TOKEN_LENGTH ? `${token.slice(0, MAX_TOKEN_LENGTH).replace(/~$/, '')}…` : token;

/**
 * A JSON Pointer (RFC 6901) from a base pointer and reference tokens (`~` and `/` escaped). Tokens
 * can be client input, so each one, in the base too, is cut to a safe length.
 */
export function jsonPointer(base: string, ...tokens: (string | number)[]): string {
  const escaped = tokens.map((t) => String(t).replace(/~/g, '~0').replace(/\//g, '~1'));
  return [...base.split('/').slice(1), ...escaped].map((t) => `/${clip(t)}`).join('');
}

export interface AppErrorOptions {
  errors?: FieldError[];
  cause?: unknown;
  /** Sent as Retry-After on 429 and 503. */
  retryAfterSeconds?: number;
  /** Extra members for the problem document (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
}

/**
 * The one error type business code throws. The error handler turns it into an RFC 9457 problem
 * document; `code` is the stable, documented machine-readable reason.
 */
export class AppError extends Error {
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions;
  }
}

export const notFound = (what = 'Resource', code = 'NOT_FOUND') =>
  new AppError(404, code, `${what} not found.`);

export const conflict = (code: string, detail: string) => new AppError(409, code, detail);

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new AppError(422, 'VALIDATION_FAILED', detail, { errors });

export const unauthenticated = (detail = 'Authentication is required.', code = 'UNAUTHENTICATED') =>
  new AppError(401, code, detail);

export const forbidden = (detail = 'You do not have permission to do this.', code = 'FORBIDDEN') =>
  new AppError(403, code, detail);
