import { DrizzleQueryError } from 'drizzle-orm';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../../config.js';

const CENSOR = '[redacted]';
/** Members never written to logs, in any object a log line carries (`{ body: { password } }`). */
const SECRET_MEMBERS = new Set([
  'password',
  'current_password',
  'new_password',
  'refresh_token',
  'access_token',
  'token',
  'secret',
]);
/** Request headers never written to logs. */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key'];
const isSecretMember = (member: string) => SECRET_MEMBERS.has(member);
const isSecretHeader = (name: string) => SECRET_HEADERS.includes(name.toLowerCase());

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A copy to censor; an error stays an error of its class, with its message and stack. */
const copyOf = (value: Record<string, unknown>): Record<string, unknown> =>
  value instanceof Error
    ? Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>, value, {
        message: value.message,
        stack: value.stack,
      })
    : { ...value };

/** The object with its secret members censored, or the object itself when it holds none. */
function censored(value: Record<string, unknown>, secret: (member: string) => boolean) {
  let out: Record<string, unknown> | undefined;
  for (const member in value) {
    if (secret(member) && value[member] !== undefined) (out ??= copyOf(value))[member] = CENSOR;
  }
  return out ?? value;
}

/**
 * A failed statement as logged: its SQL stays (it says what failed), its parameter values go — from
 * the message and the stack that repeats it, too. They may be personal data or a password's hash.
 */
function withoutParams(error: DrizzleQueryError): Record<string, unknown> {
  const message = `Failed query: ${error.query}`;
  return Object.assign(copyOf(error as unknown as Record<string, unknown>), {
    message,
    stack: error.stack?.replace(error.message, `${message}\nparams: ${CENSOR}`),
    params: CENSOR,
  });
}

/**
 * A log line's object with secrets censored: the secret members of each object it carries, a failed
 * statement's parameter values, and `req.headers`' credentials. It copies only what it censors, and a line that carries no object
 * (every access-log line) costs a glance at its members: pino's own `redact` with wildcard paths
 * cloned and walked every line, a few per cent of a request's CPU.
 */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    const value = object[key];
    if (!isRecord(value)) continue;
    let next = value instanceof DrizzleQueryError ? withoutParams(value) : censored(value, isSecretMember);
    if (key === 'req' && isRecord(next.headers)) {
      const headers = censored(next.headers, isSecretHeader);
      if (headers !== next.headers) next = { ...next, headers };
    }
    if (next !== value) (out ??= { ...object })[key] = next;
  }
  return out ?? object;
}

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    formatters: { log: redactSecrets },
    ...(config.logPretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

/**
 * One access-log line per answered request, with its outcome and duration. Fastify's default writes
 * two: one on arrival, one on answer; the first repeats what the second says, and on a busy server
 * logging is a fair share of each request's cost.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
