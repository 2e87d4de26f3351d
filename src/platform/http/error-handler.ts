import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translateDbError } from '../db/pg-errors.js';
import { AppError, type FieldError } from './errors.js';
import { sendProblem, type ProblemInput } from './problem.js';

interface AjvError {
  instancePath: string;
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

/** Ajv errors → `[{path, message}]` with JSON Pointers into the request part that failed. */
export function validationErrors(context: string | undefined, errors: AjvError[]): FieldError[] {
  const prefix = CONTEXT_PREFIX[context ?? 'body'] ?? `/${context}`;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    let path = prefix + error.instancePath;
    let message = error.message ?? 'is not valid';
    if (error.keyword === 'required' && typeof error.params?.missingProperty === 'string') {
      path += `/${error.params.missingProperty}`;
      message = 'is required';
    } else if (
      error.keyword === 'additionalProperties' &&
      typeof error.params?.additionalProperty === 'string'
    ) {
      path += `/${error.params.additionalProperty}`;
      message = 'is not an allowed property';
    } else if (error.keyword === 'enum' && Array.isArray(error.params?.allowedValues)) {
      message = `must be one of ${error.params.allowedValues.join(', ')}`;
    }
    const key = `${path} ${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  }
  return out;
}

/** Fastify's own 4xx errors, by their stable codes. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail?: string }> = {
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

const GENERIC_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function toProblem(error: FastifyError | AppError | Error): ProblemInput | undefined {
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
  if (known) return { status: known.status, code: known.code, detail: known.detail ?? error.message };
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { status: 400, code: 'MALFORMED_JSON', detail: 'The body is not valid JSON.' };
  }
  const db = translateDbError(error);
  if (db) return db;
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return { status, code: GENERIC_CODES[status] ?? 'BAD_REQUEST', detail: error.message };
  }
  return undefined;
}

/** The one error handler: every error leaves as a problem document; a 500 never shows internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(error);
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
  });
}
