import { isDocumentType } from '../entities.js';
import { idFromHref } from '../values.js';
import { listReply, objectNotFound, pathNotFound, type Json, type Reply } from './envelope.js';
import { paging } from './query.js';
import type { ServerState } from './server.js';
import type { Wire } from './wire.js';

/** `entity/{document}/{id}/positions[/{positionId}]`: a document's positions, whole or one. */
export function positionsRoute(
  state: ServerState,
  wire: Wire,
  request: { type: string; id: string; index: number; parts: string[]; method: string; path: string },
  query: URLSearchParams,
  expand: string[][],
): Reply {
  const { type, id, index, parts, method, path } = request;
  if (method !== 'GET' || parts.length > 5) return pathNotFound(wire.base, path);
  const positions = wire.positionSpecs(type, index);
  const positionId = parts[4];
  if (positionId) {
    const p = positions.find((x) => x.id === positionId);
    return p
      ? { status: 200, body: expandRow(state, wire, type, wire.position(type, id, p), expand) }
      : objectNotFound(`${type}position`, positionId);
  }
  const { limit, offset } = paging(query);
  const expanding = expandAt(limit, expand);
  return listReply(wire.base, {
    href: `${wire.href(type, id)}/positions`,
    type: `${type}position`,
    size: positions.length,
    limit,
    offset,
    query,
    rows: positions
      .slice(offset, offset + limit)
      .map((p) => expandRow(state, wire, type, wire.position(type, id, p), expanding)),
  });
}

/** `expand=a,b.c` as paths. */
export const expandPaths = (query: URLSearchParams): string[][] =>
  (query.get('expand') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('.'));

/** MoySklad silently ignores expand above limit 100. */
export const expandAt = (limit: number, expand: string[][]): string[][] => (limit <= 100 ? expand : []);

/** Expands `expand` paths in a row: refs become the objects they point at, positions get rows. */
export function expandRow(
  state: ServerState,
  wire: Wire,
  docType: string,
  row: Json,
  paths: string[][],
): Json {
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
    // MoySklad caps an expanded nested collection; the rest is read from `…/positions`.
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
