import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { FakeData } from './data.js';
import { errorBody, type Json, type Reply } from './envelope.js';
import { FakeApiError } from './query.js';
import type { FakeRateLimiter } from './rate.js';
import type { FakeStock } from './reports.js';
import { route } from './routes.js';
import type { FakeStorm } from './storm.js';
import type { FakeWebhooks } from './webhooks.js';
import type { Wire } from './wire.js';

const gzip = promisify(gzipCallback);
export const API_PREFIX = '/api/remap/1.2';
const RATE_LIMITED = 'Превышено ограничение на количество запросов в единицу времени';
const TOO_PARALLEL = 'Превышено ограничение на одновременное количество запросов';

export interface FakeCredentials {
  login: string;
  password: string;
  /** A token valid from the start (`Bearer`), besides those issued by `POST /security/token`. */
  token?: string;
}

/** A failure the fake answers with instead of the real response, for the next `count` requests. */
export interface InjectedFailure {
  status: number;
  count: number;
  /** Only requests whose path (after `/api/remap/1.2`) starts with this. */
  path?: string;
  /** Delay before answering (a slow response), ms. */
  delayMs?: number;
}

export interface RequestRecord {
  at: number;
  method: string;
  path: string;
  status: number;
}

export interface ServerState {
  data: FakeData;
  wire: () => Wire;
  stock: FakeStock;
  webhooks: FakeWebhooks;
  limiter: FakeRateLimiter;
  /** Refuses or fails a share of requests (`storm` option), or null. */
  storm: FakeStorm | null;
  credentials: FakeCredentials;
  tokens: Map<string, string>;
  failures: InjectedFailure[];
  latencyMs: number;
  /** Rows of an expanded positions collection (MoySklad's nested collections are capped). */
  expandPositionsLimit: number;
  log: RequestRecord[];
  /** Control API over HTTP (`/__fake/…`), or null when disabled. */
  control: ((method: string, path: string, body: unknown) => Promise<unknown>) | null;
  /** Changes made through PUT/DELETE go through the same routines as the control API. */
  update: (type: string, id: string, patch: Json) => void;
  remove: (type: string, id: string) => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP request to the fake, in the order MoySklad checks: encoding, auth, limits (a storm's
 * refusal first), route. Injected and storm failures answer after the limiter let the request in.
 */
export async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = req.method ?? 'GET';
  const record = (status: number) => {
    if (state.log.length < 200_000)
      state.log.push({ at: Date.now(), method, path: url.pathname + url.search, status });
  };
  const raw = await readBody(req);

  if (url.pathname.startsWith('/__fake/') && state.control) {
    try {
      const body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
      const result = await state.control(method, url.pathname.slice('/__fake'.length), body);
      return sendPlain(res, 200, result ?? { ok: true });
    } catch (error) {
      return sendPlain(res, 400, { error: (error as Error).message });
    }
  }
  if (!url.pathname.startsWith(API_PREFIX)) {
    record(404);
    return sendPlain(res, 404, errorBody(1002, `Неопознанный путь: ${url.pathname}`));
  }
  const path = url.pathname.slice(API_PREFIX.length) || '/';
  const accept = String(req.headers['accept-encoding'] ?? '');
  const user = authenticate(state, req.headers.authorization);
  const userKey = typeof user === 'string' ? user : 'anonymous';

  if (!/\bgzip\b/i.test(accept)) {
    // MoySklad: any other encoding, or none, is 415 with an empty body.
    record(415);
    return send(res, 415, undefined, state.limiter.peek(userKey));
  }
  if (typeof user !== 'string') {
    record(401);
    return send(res, 401, errorBody(1056, user.message), state.limiter.peek(userKey));
  }
  const weight = state.limiter.weightOf(path);
  const storm = state.storm?.draw() ?? null;
  if (storm === 'rate-limited') {
    record(429);
    const retryAfter = state.storm!.retryAfterMs(state.limiter.options.intervalMs);
    return send(res, 429, errorBody(1049, RATE_LIMITED), state.limiter.refuse(userKey, weight, retryAfter));
  }
  const admission = state.limiter.admit(userKey, weight);
  if (!admission.ok) {
    record(429);
    const message = admission.code === 1049 ? RATE_LIMITED : TOO_PARALLEL;
    return send(res, 429, errorBody(admission.code, message), admission.headers);
  }
  try {
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const failed = await failureFor(state, path, storm);
    if (failed !== null) {
      record(failed);
      state.limiter.noteServerError();
      const code = failed === 503 ? 1074 : 1000;
      return await send(res, failed, errorBody(code, 'Внутренняя ошибка сервера'), admission.headers);
    }
    let reply: Reply;
    try {
      const body = raw.length > 0 ? parseJson(raw) : undefined;
      reply = route(state, method, path, url.searchParams, body, user);
    } catch (error) {
      if (!(error instanceof FakeApiError)) throw error;
      reply = { status: error.status, body: errorBody(error.code, error.message), headers: error.headers };
    }
    record(reply.status);
    await send(res, reply.status, reply.body, { ...admission.headers, ...reply.headers });
  } finally {
    admission.release();
  }
}

/**
 * The 5xx status this request fails with, or null: an injected failure matching the path comes
 * first (one with a status below 400 is only a delay), then the storm's draw.
 */
async function failureFor(state: ServerState, path: string, storm: string | null): Promise<number | null> {
  const failure = state.failures.find((f) => f.count > 0 && (!f.path || path.startsWith(f.path)));
  if (failure) {
    failure.count--;
    if (failure.delayMs) await sleep(failure.delayMs);
    if (failure.status >= 400) return failure.status;
  }
  return storm === 'server-error' ? state.storm!.nextServerErrorStatus() : null;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new FakeApiError(400, 2000, 'Ошибка формата JSON');
  }
}

function authenticate(state: ServerState, header: string | undefined): string | { message: string } {
  const wrong = {
    message: 'Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации',
  };
  if (!header) return { message: 'Ошибка аутентификации: Неверный формат имени пользователя: null' };
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') {
    return state.tokens.get(value.trim()) ?? wrong;
  }
  if (scheme?.toLowerCase() !== 'basic') return wrong;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!login.includes('@'))
    return { message: `Ошибка аутентификации: Неверный формат имени пользователя: ${login}` };
  return login === state.credentials.login && password === state.credentials.password ? login : wrong;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): Promise<void> {
  const out: Record<string, string | number> = { ...headers };
  let payload: Buffer | undefined;
  if (body !== undefined) {
    payload = await gzip(Buffer.from(JSON.stringify(body)), { level: 1 });
    out['Content-Type'] = 'application/json;charset=utf-8';
    out['Content-Encoding'] = 'gzip';
  }
  out['Content-Length'] = payload?.length ?? 0;
  res.writeHead(status, out);
  res.end(payload);
}

/** Control routes answer plain JSON (no gzip, no auth): they are not MoySklad. */
function sendPlain(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': payload.length,
  });
  res.end(payload);
}
