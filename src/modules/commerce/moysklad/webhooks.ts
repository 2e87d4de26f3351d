import {
  ProviderError,
  type ProviderConnection,
  type SyncEntity,
  type WebhookEvent,
} from '../integrations/provider.js';
import { MoyskladClient } from './client.js';
import { ENTITY_BY_TYPE, ENTITY_SPECS } from './entities.js';
import { idFromHref } from './values.js';

/**
 * MoySklad webhooks: the notification body (`{auditContext, events:[{meta, action, accountId,
 * updatedFields?}]}`, unsigned, carrying only a reference) and the `entity/webhook` subscriptions.
 */

const ACTIONS = new Set(['CREATE', 'UPDATE', 'DELETE']);
const malformed = (reason: string) =>
  new ProviderError('malformed_webhook', `Not a MoySklad webhook: ${reason}`, 400);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Events of types the sync does not cover (and `PROCESSED` of async tasks) are left out. */
export function parseWebhook(body: unknown): WebhookEvent[] {
  if (!isObject(body)) throw malformed('the body is not an object');
  if (!Array.isArray(body.events)) throw malformed('events is not a list');
  const out: WebhookEvent[] = [];
  body.events.forEach((event: unknown, n) => {
    if (!isObject(event) || !isObject(event.meta)) throw malformed(`events[${n}] has no meta`);
    const { type, href } = event.meta;
    if (typeof type !== 'string' || typeof href !== 'string')
      throw malformed(`events[${n}].meta needs type and href`);
    if (typeof event.action !== 'string') throw malformed(`events[${n}] has no action`);
    if (typeof event.accountId !== 'string' || event.accountId === '')
      throw malformed(`events[${n}] has no accountId`);
    if (event.updatedFields !== undefined && !Array.isArray(event.updatedFields)) {
      throw malformed(`events[${n}].updatedFields is not a list`);
    }
    const externalId = idFromHref(href);
    if (!externalId) throw malformed(`events[${n}].meta.href has no id`);
    const entity = ENTITY_BY_TYPE.get(type);
    if (!entity || !ACTIONS.has(event.action)) return;
    out.push({
      entity,
      action: event.action as WebhookEvent['action'],
      externalId,
      accountId: event.accountId,
    });
  });
  return out;
}

interface WebhookRow {
  id?: string;
  meta?: { href?: string };
  entityType?: string;
  action?: string;
  url?: string;
  enabled?: boolean;
}

/**
 * Makes `url`'s subscriptions exactly CREATE, UPDATE and DELETE of every entity's MoySklad type:
 * lists the subscriptions, re-enables disabled ones, creates the missing ones in one batch and
 * deletes the URL's others in one batch (entities the integration no longer syncs; with no entities,
 * all of them: the integration is going). Subscriptions of other URLs are left alone. Stock has no
 * entity webhooks (MoySklad's `webhookstock` reports changes of the whole report).
 */
export async function registerWebhooks(
  conn: ProviderConnection,
  url: string,
  entities: readonly SyncEntity[],
): Promise<{ created: number; enabled: number; removed: number; requests: number }> {
  const client = new MoyskladClient(conn);
  const existing: WebhookRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.get<{ rows?: WebhookRow[]; meta?: { size?: number } }>('entity/webhook', {
      query: { limit: 1000, offset },
    });
    const rows = page.rows ?? [];
    existing.push(...rows);
    if (rows.length === 0 || offset + rows.length >= (page.meta?.size ?? 0)) break;
  }
  const wanted = new Set<string>();
  for (const entity of new Set(entities)) {
    const spec = ENTITY_SPECS[entity];
    if (spec.kind === 'stock') continue;
    for (const action of ACTIONS) wanted.add(`${spec.type}/${action}`);
  }
  const ours = existing.filter((e) => e.url === url);
  const missing: Record<string, unknown>[] = [];
  let enabled = 0;
  for (const key of wanted) {
    const [entityType, action] = key.split('/') as [string, string];
    const found = ours.find((e) => e.entityType === entityType && e.action === action);
    if (!found) {
      missing.push({ url, action, entityType, ...(action === 'UPDATE' ? { diffType: 'FIELDS' } : {}) });
    } else if (found.enabled === false) {
      const id = found.id ?? idFromHref(found.meta?.href);
      if (id) {
        await client.request('PUT', `entity/webhook/${id}`, { body: { enabled: true } });
        enabled++;
      }
    }
  }
  if (missing.length > 0) await client.request('POST', 'entity/webhook', { body: missing });
  const unwanted = ours.filter((e) => !wanted.has(`${e.entityType}/${e.action}`) && e.meta?.href);
  if (unwanted.length > 0)
    await client.request('POST', 'entity/webhook/delete', {
      body: unwanted.map((e) => ({ meta: { href: e.meta!.href, type: 'webhook' } })),
    });
  return { created: missing.length, enabled, removed: unwanted.length, requests: client.requests };
}
