import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from './errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const kebab = (code: string) => code.toLowerCase().replace(/_/g, '-');

export interface ProblemInput {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  extensions?: Record<string, unknown>;
}

/** The RFC 9457 problem document; the one place that shapes error responses. */
export function problemBody(problem: ProblemInput, requestId: string): Record<string, unknown> {
  return {
    ...problem.extensions,
    type: `urn:salesops:problem:${kebab(problem.code)}`,
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
    request_id: requestId,
  };
}

/** Sends a problem document (with Retry-After when the problem says when to retry). */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemInput,
): FastifyReply {
  if (problem.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  }
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(problem, request.id));
}
