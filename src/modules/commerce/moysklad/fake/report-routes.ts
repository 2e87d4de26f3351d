import { listReply, pathNotFound, type Reply } from './envelope.js';
import { paging } from './query.js';
import type { ServerState } from './server.js';
import type { Wire } from './wire.js';

/** `report/stock/{all|bystore}` (paged lists) and their `/current` forms (bare arrays). */
export function stockReportRoute(
  state: ServerState,
  wire: Wire,
  report: 'all' | 'bystore',
  request: { parts: string[]; path: string },
  query: URLSearchParams,
): Reply {
  const { parts, path } = request;
  if (parts[3] === 'current' && parts.length === 4)
    return { status: 200, body: state.stock.current(report, query) };
  if (parts.length !== 3) return pathNotFound(wire.base, path);
  const { limit, offset } = paging(query);
  const filter = query.get('filter');
  const page =
    report === 'bystore'
      ? state.stock.bystore(filter, limit, offset)
      : state.stock.all(filter, limit, offset);
  return listReply(wire.base, {
    href: `${wire.base}/report/stock/${report}`,
    type: report === 'all' ? 'stock' : 'stockbystore',
    size: page.size,
    limit,
    offset,
    query,
    rows: page.rows,
  });
}
