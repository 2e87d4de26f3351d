import { randomBytes } from 'node:crypto';
import { isDocumentType } from '../entities.js';
import { expandAt, expandPaths, expandRow, positionsRoute } from './document-routes.js';
import { listReply, objectNotFound, pathNotFound, type Json, type Reply } from './envelope.js';
import { FakeApiError, paging, selectRows } from './query.js';
import { stockReportRoute } from './report-routes.js';
import type { ServerState } from './server.js';
import { webhookRoute } from './webhook-routes.js';

/** References that resolve for `expand` and `GET entity/{type}/{id}` without a table of their own. */
const REFERENCE_TYPES = ['employee', 'currency', 'uom', 'organization'];

/** One authenticated API request (path after `/api/remap/1.2`) → its answer. */
export function route(
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
  if (area === 'security' && type === 'token' && parts.length === 2 && method === 'POST')
    return { status: 200, body: { access_token: issueToken(state, user) } };
  if (area === 'report' && type === 'stock' && (id === 'all' || id === 'bystore') && method === 'GET')
    return stockReportRoute(state, wire, id, { parts, path }, query);
  if (area === 'entity' && type === 'webhook')
    return webhookRoute(state, method, parts.slice(2), query, body);
  if (area !== 'entity' || !type) return pathNotFound(wire.base, path);
  const table = state.data.table(type);
  if (!table) {
    if (parts.length <= 3 && method === 'GET' && REFERENCE_TYPES.includes(type)) {
      const row = id ? wire.resolve(type, id) : null;
      if (row) return { status: 200, body: row };
      if (id) return objectNotFound(type, id);
    }
    throw new FakeApiError(412, 1005, `Неизвестный тип: '${type}'`);
  }
  const expand = expandPaths(query);

  if (!id) {
    if (method !== 'GET') throw new FakeApiError(405, 1001, 'Метод не поддерживается');
    const { limit, offset } = paging(query);
    const rows = selectRows(state.data, table, query.get('filter'), query.get('order'));
    const expanding = expandAt(limit, expand);
    return listReply(wire.base, {
      href: `${wire.base}/entity/${type}`,
      type,
      size: rows.length,
      limit,
      offset,
      query,
      metadata: true,
      rows: rows
        .slice(offset, offset + limit)
        .map((index) => expandRow(state, wire, type, wire.row(type, index), expanding)),
    });
  }
  const index = table.byId.get(id);
  if (index === undefined || !table.live(index)) {
    if (method === 'DELETE') return { status: 404 };
    return objectNotFound(type, id);
  }
  if (sub === 'positions' && isDocumentType(type))
    return positionsRoute(state, wire, { type, id, index, parts, method, path }, query, expand);
  if (sub) return pathNotFound(wire.base, path);
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

/** `POST security/token`: a new token revokes the user's earlier ones (not the configured one). */
function issueToken(state: ServerState, user: string): string {
  for (const [token, login] of state.tokens)
    if (login === user && token !== state.credentials.token) state.tokens.delete(token);
  const token = randomBytes(20).toString('hex');
  state.tokens.set(token, user);
  return token;
}
