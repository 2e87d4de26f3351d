import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { uuidv7 } from '../../lib/ids.js';
import { translateDbError } from '../db/pg-errors.js';
import { AppError, jsonPointer, type FieldError } from './errors.js';
import { PROBLEM_CONTENT_TYPE, problemBody, sendProblem, type ProblemInput } from './problem.js';

interface AjvError {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

const CONTEXT_PREFIX: Record<string, string> = {
  body: '/body',
  querystring: '/query',
  params: '/params',
  headers: '/headers',
};

/** What a failed `format` asks for, in words. */
const FORMATS: Record<string, string> = {
  email: 'a valid email address',
  uuid: 'a UUID',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time (ISO 8601)',
  time: 'a time (HH:MM:SS)',
  uri: 'a URI',
};

const isUnion = (error: AjvError) => error.keyword === 'anyOf' || error.keyword === 'oneOf';

/** Where the branches of a union error are: Ajv reports `…/anyOf`, TypeBox the schema holding it. */
const branchesOf = (union: AjvError) => {
  const path = union.schemaPath ?? '';
  return path.endsWith(`/${union.keyword}`) ? `${path}/` : `${path}/${union.keyword}/`;
};

const namesProperty = (error: AjvError) =>
  error.keyword === 'required' || error.keyword === 'additionalProperties';

/** One error's message, in the words the API uses. */
function messageOf(error: AjvError): string {
  const { params } = error;
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not an allowed property';
  if (error.keyword === 'enum' && Array.isArray(params?.allowedValues))
    return `must be one of: ${params.allowedValues.join(', ')}`;
  if (error.keyword === 'const' && params && 'allowedValue' in params)
    return `must be ${JSON.stringify(params.allowedValue)}`;
  if (error.keyword === 'format' && typeof params?.format === 'string')
    return `must be ${FORMATS[params.format] ?? `a valid ${params.format}`}`;
  return error.message ?? 'is not valid';
}

/**
 * A union (`anyOf`/`oneOf`) reports every branch's failure and then its own "must match a schema in
 * anyOf"; the client needs one message. Literals (an enum) → "must be one of: a, b, c"; a nullable
 * value → the other branch's message "(or null)"; a nullable object → that object's own errors.
 */
function collapseUnion(union: AjvError, branchErrors: AjvError[]): AjvError[] {
  const at = (e: AjvError) => e.instancePath === union.instancePath;
  const isNull = (e: AjvError) => at(e) && e.keyword === 'type' && e.params?.type === 'null';
  const rest = branchErrors.filter((e) => !isNull(e));
  if (rest.length === 0) return [union];
  const orNull = branchErrors.some(isNull) ? ' (or null)' : '';
  const one = (message: string): AjvError[] => [{ ...union, keyword: 'union', message }];
  const literals = rest.map((e) => (at(e) && e.keyword === 'const' ? e.params?.allowedValue : undefined));
  if (literals.every((value) => value !== undefined))
    return one(`must be one of: ${literals.join(', ')}${orNull}`);
  const own = rest.every((e) => at(e) && !namesProperty(e));
  const branch = (e: AjvError) => (e.schemaPath ?? '').slice(branchesOf(union).length).split('/')[0];
  if (new Set(rest.map(branch)).size === 1) {
    // One candidate left (the other was null): its errors are the answer.
    return own ? one([...new Set(rest.map(messageOf))].join(' and ') + orNull) : collapseUnions(rest);
  }
  if (own) return one([...new Set(rest.map(messageOf))].join(' or ') + orNull);
  return one('does not match any of the allowed forms');
}

/** Replaces every outermost union error and its branches' errors by what `collapseUnion` makes of them. */
function collapseUnions(errors: AjvError[]): AjvError[] {
  const unions = errors.filter(isUnion);
  const inside = (error: AjvError, union: AjvError) =>
    error !== union && (error.schemaPath ?? '').startsWith(branchesOf(union));
  const outermost = unions.filter((u) => !unions.some((other) => inside(u, other)));
  return errors.flatMap((error) => {
    if (outermost.some((u) => inside(error, u))) return [];
    if (!outermost.includes(error)) return [error];
    return collapseUnion(
      error,
      errors.filter((e) => inside(e, error)),
    );
  });
}

/** Ajv errors → `[{path, message}]` with JSON Pointers into the request part that failed. */
export function validationErrors(context: string | undefined, errors: AjvError[]): FieldError[] {
  const prefix = CONTEXT_PREFIX[context ?? 'body'] ?? `/${context}`;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of collapseUnions(errors)) {
    const name = error.params?.missingProperty ?? error.params?.additionalProperty;
    const named = namesProperty(error) && typeof name === 'string';
    const path = jsonPointer(prefix + error.instancePath, ...(named ? [name] : []));
    const message = messageOf(error);
    const key = `${path} ${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  }
  return out;
}

/** Fastify's own 4xx errors, by their stable codes; their messages may quote the input, these do not. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'MALFORMED_URL', detail: 'The URL is not validly encoded.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', detail: 'A path segment is too long.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    detail: 'The body is not valid JSON.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The request body is too large.',
  },
  FST_REQ_FILE_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The uploaded file is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'This content type is not accepted here.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'BAD_REQUEST',
    detail: 'Content-Length does not match the body.',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'A multipart/form-data body is expected.',
  },
};

const MULTIPART_ERRORS =
  /^(Multipart: Boundary not found|Unexpected end of multipart data|\w+ terminated early due to unexpected end of multipart data)$/;

const GENERIC_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Other 4xx messages are passed on, cut to this length: they may quote the request. */
const MAX_DETAIL = 200;

/**
 * A translated database error names columns (`/primary_outlet_id`). Point instead into the part of
 * the request that carried a member of that name — body, then path parameters, then query — so the
 * pointer reads like a schema violation's (`/body/primary_outlet_id`); a column no part carries
 * (a value the service derived) keeps its bare name.
 */
function anchorColumns(problem: AppError, request: FastifyRequest): ProblemInput {
  const parts: [string, unknown][] = [
    ['/body', request.body],
    ['/params', request.params],
    ['/query', request.query],
  ];
  const errors = problem.errors?.map((error) => {
    const column = error.path.slice(1);
    const part = parts.find(
      ([, value]) => typeof value === 'object' && value !== null && Object.hasOwn(value, column),
    );
    return part ? { ...error, path: jsonPointer(part[0], column) } : error;
  });
  const { status, code, detail, retryAfterSeconds, extensions } = problem;
  return { status, code, detail, errors, retryAfterSeconds, extensions };
}

function toProblem(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
): ProblemInput | undefined {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    return {
      status: 422,
      code: 'VALIDATION_FAILED',
      detail: 'The request is not valid.',
      errors: validationErrors(fastifyError.validationContext, fastifyError.validation),
    };
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return known;
  // Busboy (under @fastify/multipart) throws bare Errors, no code, for a multipart type without a
  // boundary and for a body that ends before its closing boundary.
  if (MULTIPART_ERRORS.test(error.message)) {
    return { status: 400, code: 'MALFORMED_MULTIPART', detail: 'The multipart/form-data body is malformed.' };
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { status: 400, code: 'MALFORMED_JSON', detail: 'The body is not valid JSON.' };
  }
  const db = translateDbError(error);
  if (db) return anchorColumns(db, request);
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const detail =
      error.message.length > MAX_DETAIL ? `${error.message.slice(0, MAX_DETAIL)}…` : error.message;
    return { status, code: GENERIC_CODES[status] ?? 'BAD_REQUEST', detail };
  }
  return undefined;
}

/** Every error leaves as a problem document; a 500 never shows internals. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error, request);
  if (problem) {
    if (problem.status >= 500) request.log.warn({ err: error }, problem.detail);
    return sendProblem(request, reply, problem);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(request, reply, {
    status: 500,
    code: 'INTERNAL_ERROR',
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
  });
}

/**
 * What Node's HTTP parser rejects before there is a request to answer (headers over the size limit,
 * malformed HTTP, a client too slow to send its request): a problem document written to the socket
 * (Fastify's `clientErrorHandler` option, app.ts), with a request id of its own for the log.
 */
export function handleClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem: ProblemInput =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers are too large.' }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request did not arrive in time.' }
        : { status: 400, code: 'BAD_REQUEST', detail: 'The request is not valid HTTP.' };
  const requestId = uuidv7();
  this.log.debug({ err: error, reqId: requestId }, 'client error');
  const body = JSON.stringify(problemBody(problem, requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The one error handler. `handleError` is also Fastify's `frameworkErrors` option (app.ts): errors
 * the router raises before any route is found (a bad percent-encoding, a too long path parameter).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
}
