/**
 * What every answer of the fake shares: MoySklad's error body, the `context` of a list, a list's
 * `meta` with its paging links, and the 404s.
 */

export type Json = Record<string, unknown>;

export const MEDIA = 'application/json';

/** An answer of a route: status, JSON body (none for an empty body) and extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A list of rows as MoySklad answers it, for the `base` of the fake's own URL. */
export interface ListPage {
  /** The collection's href, without query. */
  href: string;
  type: string;
  /** Total rows the query selects (MoySklad's `size`). */
  size: number;
  limit: number;
  offset: number;
  query: URLSearchParams;
  rows: unknown[];
  /** Entity collections also name their `metadataHref`. */
  metadata?: boolean;
}

export function errorBody(code: number, message: string): Json {
  return {
    errors: [{ error: message, code, moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}` }],
  };
}

/** A reference's or a row's `meta`: href, type and media type (plus `metadataHref` when given). */
export function metaOf(href: string, type: string, metadataHref?: string): Json {
  return { href, ...(metadataHref ? { metadataHref } : {}), type, mediaType: MEDIA };
}

export function listReply(base: string, page: ListPage): Reply {
  return {
    status: 200,
    body: {
      context: {
        employee: {
          meta: metaOf(`${base}/context/employee`, 'employee', `${base}/entity/employee/metadata`),
        },
      },
      meta: listMeta(page),
      rows: page.rows,
    },
  };
}

/** A list's meta: `size` is the total; next/previous hrefs keep the other params. */
function listMeta({ href, type, size, limit, offset, query, metadata }: ListPage): Json {
  const link = (at: number) => {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `${href}?${params.toString().replace(/\+/g, '%20')}`;
  };
  return {
    ...metaOf(href, type, metadata ? `${href}/metadata` : undefined),
    size,
    limit,
    offset,
    ...(offset + limit < size ? { nextHref: link(offset + limit) } : {}),
    ...(offset > 0 ? { previousHref: link(Math.max(0, offset - limit)) } : {}),
  };
}

export function objectNotFound(type: string, id: string): Reply {
  return {
    status: 404,
    body: errorBody(1021, `Объект с типом '${type}' и идентификатором '${id}' не найден`),
  };
}

export function pathNotFound(base: string, path: string): Reply {
  return { status: 404, body: errorBody(1002, `Неопознанный путь: ${base}${path}`) };
}
