import { idFromHref } from '../values.js';
import { errorBody, listReply, objectNotFound, type Json, type Reply } from './envelope.js';
import { FakeApiError, paging } from './query.js';
import type { ServerState } from './server.js';

/**
 * `entity/webhook`: list, create one or a batch (an array answers per item, 400 when any failed),
 * `POST …/delete` of a batch, and GET/PUT/DELETE of one subscription.
 */
export function webhookRoute(
  state: ServerState,
  method: string,
  rest: string[],
  query: URLSearchParams,
  body: unknown,
): Reply {
  const base = state.wire().base;
  const hooks = state.webhooks;
  const [id] = rest;
  if (!id && method === 'GET') {
    const { limit, offset } = paging(query);
    return listReply(base, {
      href: `${base}/entity/webhook`,
      type: 'webhook',
      size: hooks.hooks.length,
      limit,
      offset,
      query,
      rows: hooks.hooks.slice(offset, offset + limit).map((h) => hooks.wire(h, base)),
    });
  }
  if (!id && method === 'POST') {
    if (Array.isArray(body)) {
      const results = body.map((item) => {
        try {
          return hooks.wire(hooks.create(item as Json), base);
        } catch (error) {
          if (error instanceof FakeApiError) return errorBody(error.code, error.message);
          throw error;
        }
      });
      return { status: results.some((r) => 'errors' in r) ? 400 : 200, body: results };
    }
    return { status: 200, body: hooks.wire(hooks.create((body ?? {}) as Json), base) };
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
  if (method === 'GET') return { status: 200, body: hooks.wire(hook, base) };
  if (method === 'DELETE') {
    hooks.remove(hook.id);
    return { status: 200 };
  }
  if (method === 'PUT') {
    const patch = (body ?? {}) as Json;
    if (typeof patch.enabled === 'boolean') hook.enabled = patch.enabled;
    if (typeof patch.url === 'string') hook.url = patch.url;
    if (patch.diffType === 'FIELDS' || patch.diffType === 'NONE') hook.diffType = patch.diffType;
    return { status: 200, body: hooks.wire(hook, base) };
  }
  throw new FakeApiError(405, 1001, 'Метод не поддерживается');
}
