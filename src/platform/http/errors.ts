export interface FieldError {
  /** JSON Pointer into the request part that failed ("/body/email", "/query/limit"). */
  path: string;
  message: string;
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
