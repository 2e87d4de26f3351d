import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { isDocumentType } from '../entities.js';
import { idFromHref } from '../values.js';
import type { FakeData } from './data.js';
import { FakeApiError, paging, parseFilter, selectRows } from './query.js';
import type { FakeRateLimiter } from './rate.js';
import type { FakeStock } from './reports.js';
import type { FakeWebhooks } from './webhooks.js';
import type { Wire } from './wire.js';

const gzip = promisify(gzipCallback);
export const API_PREFIX = '/api/remap/1.2';
const MEDIA = 'application/json';

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

type Json = Record<string, unknown>;
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ServerState {
  data: FakeData;
  wire: () => Wire;
  stock: FakeStock;
  webhooks: FakeWebhooks;
  limiter: FakeRateLimiter;
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

export function errorBody(code: number, message: string): Json {
  return {
    errors: [{ error: message, code, moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}` }],
  };
}

/** One HTTP request to the fake, in the order MoySklad checks: encoding, auth, limits, route. */
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
  const admission = state.limiter.admit(userKey, state.limiter.weightOf(path));
  if (!admission.ok) {
    record(429);
    const message =
      admission.code === 1049
        ? 'Превышено ограничение на количество запросов в единицу времени'
        : 'Превышено ограничение на одновременное количество запросов';
    return send(res, 429, errorBody(admission.code, message), admission.headers);
  }
  try {
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const failure = state.failures.find((f) => f.count > 0 && (!f.path || path.startsWith(f.path)));
    if (failure) {
      failure.count--;
      if (failure.delayMs) await sleep(failure.delayMs);
      if (failure.status < 400) {
        // A slow but otherwise normal response.
      } else {
        record(failure.status);
        return await send(
          res,
          failure.status,
          errorBody(failure.status === 503 ? 1074 : 1000, 'Внутренняя ошибка сервера'),
          admission.headers,
        );
      }
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

function route(
  state: ServerState,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
  user: string,
): Reply {
  const wire = state.wire();
  const parts = path.split('/').filter(Boolean);
  const [area, type, id, sub] = parts;

  if (area === 'context' && type === 'employee' && parts.length === 2 && method === 'GET') {
    const employee = wire.employee(0);
    return {
      status: 200,
      body: { ...employee, meta: { ...(employee.meta as Json), href: `${wire.base}/context/employee` } },
    };
  }
  if (area === 'security' && type === 'token' && parts.length === 2 && method === 'POST') {
    for (const [token, login] of state.tokens)
      if (login === user && token !== state.credentials.token) state.tokens.delete(token);
    const token = randomBytes(20).toString('hex');
    state.tokens.set(token, user);
    return { status: 200, body: { access_token: token } };
  }
  if (area === 'report' && type === 'stock' && (id === 'all' || id === 'bystore') && method === 'GET') {
    if (sub === 'current' && parts.length === 4) return { status: 200, body: state.stock.current(id, query) };
    if (parts.length !== 3) return notFound(wire, path);
    const { limit, offset } = paging(query);
    const page =
      id === 'bystore'
        ? state.stock.bystore(query.get('filter'), limit, offset)
        : state.stock.all(query.get('filter'), limit, offset);
    const href = `${wire.base}/report/stock/${id}`;
    return {
      status: 200,
      body: {
        context: context(wire),
        meta: listMeta(href, id === 'all' ? 'stock' : 'stockbystore', page.size, limit, offset, query),
        rows: page.rows,
      },
    };
  }
  if (area === 'entity' && type === 'webhook')
    return webhookRoute(state, method, parts.slice(2), query, body);
  if (area !== 'entity' || !type) return notFound(wire, path);
  const table = state.data.table(type);
  if (!table) {
    if (
      parts.length <= 3 &&
      method === 'GET' &&
      ['employee', 'currency', 'uom', 'organization'].includes(type)
    ) {
      const row = id ? wire.resolve(type, id) : null;
      if (row) return { status: 200, body: row };
      if (id) return objectNotFound(type, id);
    }
    throw new FakeApiError(412, 1005, `Неизвестный тип: '${type}'`);
  }
  const expand = (query.get('expand') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('.'));

  if (!id) {
    if (method !== 'GET') throw new FakeApiError(405, 1001, 'Метод не поддерживается');
    const { limit, offset } = paging(query);
    const rows = selectRows(state.data, table, parseFilter(query.get('filter')), query.get('order'));
    // MoySklad silently ignores expand above limit 100.
    const expanding = limit <= 100 ? expand : [];
    const pageRows = rows
      .slice(offset, offset + limit)
      .map((index) => expandRow(state, wire, type, wire.row(type, index), expanding));
    return {
      status: 200,
      body: {
        context: context(wire),
        meta: listMeta(wire.href(type, '').slice(0, -1), type, rows.length, limit, offset, query, true),
        rows: pageRows,
      },
    };
  }
  const index = table.byId.get(id);
  if (index === undefined || !table.live(index)) {
    if (method === 'DELETE') return { status: 404 };
    return objectNotFound(type, id);
  }
  if (sub === 'positions' && isDocumentType(type)) {
    if (method !== 'GET' || parts.length > 5) return notFound(wire, path);
    const positions = wire.positionSpecs(type, index);
    if (parts[4]) {
      const p = positions.find((x) => x.id === parts[4]);
      return p
        ? {
            status: 200,
            body: expandRow(
              state,
              wire,
              type,
              wire.position(type, id, p),
              expand.map((e) => e),
            ),
          }
        : objectNotFound(`${type}position`, parts[4]);
    }
    const { limit, offset } = paging(query);
    const expanding = limit <= 100 ? expand : [];
    const rows = positions
      .slice(offset, offset + limit)
      .map((p) => expandRow(state, wire, type, wire.position(type, id, p), expanding));
    const href = `${wire.href(type, id)}/positions`;
    return {
      status: 200,
      body: {
        context: context(wire),
        meta: listMeta(href, `${type}position`, positions.length, limit, offset, query),
        rows,
      },
    };
  }
  if (sub) return notFound(wire, path);
  if (method === 'GET')
    return { status: 200, body: expandRow(state, wire, type, wire.row(type, index), expand) };
  if (method === 'DELETE') {
    state.remove(type, id);
    return { status: 200 };
  }
  if (method === 'PUT') {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new FakeApiError(400, 2000, 'Ошибка формата JSON');
    const patch: Json = {};
    for (const [key, value] of Object.entries(body as Json)) {
      if (['id', 'meta', 'accountId', 'updated'].includes(key)) continue;
      patch[key] = value;
    }
    state.update(type, id, patch);
    return { status: 200, body: wire.row(type, index) };
  }
  throw new FakeApiError(405, 1001, 'Метод не поддерживается');
}

function webhookRoute(
  state: ServerState,
  method: string,
  rest: string[],
  query: URLSearchParams,
  body: unknown,
): Reply {
  const wire = state.wire();
  const hooks = state.webhooks;
  const [id] = rest;
  if (!id && method === 'GET') {
    const { limit, offset } = paging(query);
    const rows = hooks.hooks.slice(offset, offset + limit).map((h) => hooks.wire(h, wire.base));
    return {
      status: 200,
      body: {
        context: context(wire),
        meta: listMeta(`${wire.base}/entity/webhook`, 'webhook', hooks.hooks.length, limit, offset, query),
        rows,
      },
    };
  }
  if (!id && method === 'POST') {
    if (Array.isArray(body)) {
      const results = body.map((item) => {
        try {
          return hooks.wire(hooks.create(item as Json), wire.base);
        } catch (error) {
          if (error instanceof FakeApiError) return errorBody(error.code, error.message);
          throw error;
        }
      });
      return { status: results.some((r) => 'errors' in r) ? 400 : 200, body: results };
    }
    return { status: 200, body: hooks.wire(hooks.create((body ?? {}) as Json), wire.base) };
  }
  if (id === 'delete' && rest.length === 1 && method === 'POST') {
    const items = Array.isArray(body) ? body : [];
    return {
      status: 200,
      body: items.map((item) => {
        const target = idFromHref((item as { meta?: { href?: string } })?.meta?.href);
        return target && hooks.remove(target)
          ? { info: `Сущность 'webhook' с UUID: ${target} успешно удалена` }
          : errorBody(1021, `Объект с типом 'webhook' и идентификатором '${target}' не найден`);
      }),
    };
  }
  const hook = id ? hooks.find(id) : undefined;
  if (!hook || rest.length !== 1)
    return method === 'DELETE' ? { status: 404 } : objectNotFound('webhook', id ?? '');
  if (method === 'GET') return { status: 200, body: hooks.wire(hook, wire.base) };
  if (method === 'DELETE') {
    hooks.remove(hook.id);
    return { status: 200 };
  }
  if (method === 'PUT') {
    const patch = (body ?? {}) as Json;
    if (typeof patch.enabled === 'boolean') hook.enabled = patch.enabled;
    if (typeof patch.url === 'string') hook.url = patch.url;
    if (patch.diffType === 'FIELDS' || patch.diffType === 'NONE') hook.diffType = patch.diffType;
    return { status: 200, body: hooks.wire(hook, wire.base) };
  }
  throw new FakeApiError(405, 1001, 'Метод не поддерживается');
}

/** Expands `expand` paths in a row: refs become the objects they point at, positions get rows. */
function expandRow(state: ServerState, wire: Wire, docType: string, row: Json, paths: string[][]): Json {
  for (const path of paths) expandPath(state, wire, docType, row, path, 0);
  return row;
}

function expandPath(
  state: ServerState,
  wire: Wire,
  docType: string,
  obj: Json,
  path: string[],
  depth: number,
): void {
  const [head, ...rest] = path;
  if (!head || depth >= 3) return;
  const value = obj[head];
  if (
    head === 'positions' &&
    isDocumentType(docType) &&
    value &&
    typeof value === 'object' &&
    'meta' in value
  ) {
    const docId = String(obj.id);
    const table = state.data.table(docType)!;
    const specs = wire.positionSpecs(docType, table.byId.get(docId)!);
    const meta = (value as Json).meta as Json;
    const rows = specs.slice(0, state.expandPositionsLimit).map((p) => wire.position(docType, docId, p));
    if (rest.length > 0) for (const r of rows) expandPath(state, wire, docType, r, rest, depth + 1);
    obj.positions = { meta: { ...meta, limit: state.expandPositionsLimit }, rows };
    return;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const meta = (value as Json).meta as Json | undefined;
  let target = value as Json;
  if (meta && typeof meta.href === 'string') {
    const refId = idFromHref(meta.href);
    const resolved = refId
      ? meta.type === 'state'
        ? wire.state(docType, refId)
        : wire.resolve(String(meta.type), refId)
      : null;
    if (resolved) obj[head] = target = resolved;
  }
  if (rest.length > 0) expandPath(state, wire, docType, target, rest, depth + 1);
}

function context(wire: Wire): Json {
  return {
    employee: {
      meta: {
        href: `${wire.base}/context/employee`,
        metadataHref: `${wire.base}/entity/employee/metadata`,
        type: 'employee',
        mediaType: MEDIA,
      },
    },
  };
}

/** A list's meta: `size` is the total; next/previous hrefs keep the other params. */
function listMeta(
  href: string,
  type: string,
  size: number,
  limit: number,
  offset: number,
  query: URLSearchParams,
  metadata = false,
): Json {
  const link = (at: number) => {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `${href}?${params.toString().replace(/\+/g, '%20')}`;
  };
  return {
    href,
    ...(metadata ? { metadataHref: `${href}/metadata` } : {}),
    type,
    mediaType: MEDIA,
    size,
    limit,
    offset,
    ...(offset + limit < size ? { nextHref: link(offset + limit) } : {}),
    ...(offset > 0 ? { previousHref: link(Math.max(0, offset - limit)) } : {}),
  };
}

function objectNotFound(type: string, id: string): Reply {
  return {
    status: 404,
    body: errorBody(1021, `Объект с типом '${type}' и идентификатором '${id}' не найден`),
  };
}

function notFound(wire: Wire, path: string): Reply {
  return { status: 404, body: errorBody(1002, `Неопознанный путь: ${wire.base}${path}`) };
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
