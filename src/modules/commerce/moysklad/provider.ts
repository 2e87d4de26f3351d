import {
  ProviderError,
  SYNC_ENTITIES,
  type CommerceProvider,
  type ConnectionTestResult,
  type Page,
  type PageRequest,
  type ProviderConnection,
  type RowFailure,
  type SyncEntity,
  type SyncRecord,
} from '../integrations/provider.js';
import { MoyskladClient } from './client.js';
import { ENTITY_SPECS, type DictionaryType, type DocumentType } from './entities.js';
import { attempt, expandedPositions, mapDictionary, mapDocument, mapStockByStore, rowId } from './mapping.js';
import { VariantProducts } from './variants.js';
import { formatMoscowTime } from './values.js';
import { parseWebhook, registerWebhooks } from './webhooks.js';

/**
 * The MoySklad provider. Dictionaries page by 1000; documents by 100 with their positions expanded
 * (one request per 100 documents; a document with more positions than the expanded collection
 * holds gets the rest from its positions endpoint); stock from `/report/stock/bystore`, one
 * record per product or variant and store.
 *
 * Incremental reads (`since`) ask for `updated>=` the watermark minus an overlap (default 5 s),
 * ordered by `updated, id`, archived and non-archived rows alike. Documents moved to the trash
 * keep their `updated`, so an incremental document read ends with a second phase,
 * `isDeleted=true;deleted>=…`, whose offsets start at `TRASH_PHASE_OFFSET`.
 */

export const TRASH_PHASE_OFFSET = 1_000_000_000;
const DICTIONARY_LIMIT = 1000;
/** MoySklad ignores `expand` above limit 100. */
const EXPANDED_LIMIT = 100;
const STOCK_REPORT_WEIGHT = 5;
const DOCUMENT_EXPAND = 'positions,state,owner,rate.currency';

interface ListResponse {
  meta?: { size?: number };
  rows?: unknown[];
}

function overlapMs(conn: ProviderConnection): number {
  const seconds = conn.options.overlapSeconds;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : 5000;
}

function sinceFilter(conn: ProviderConnection, field: string, since: Date): string {
  return `${field}>=${formatMoscowTime(new Date(since.getTime() - overlapMs(conn)))}`;
}

function nextOffset(offset: number, list: ListResponse, received: number): number | null {
  const size = list.meta?.size ?? 0;
  return received > 0 && offset + received < size ? offset + received : null;
}

async function readDictionary(
  client: MoyskladClient,
  type: DictionaryType,
  page: PageRequest,
): Promise<Page> {
  const filter = ['archived=true', 'archived=false'];
  if (page.since) filter.unshift(sinceFilter(client.conn, 'updated', page.since));
  const list = await client.get<ListResponse>(`entity/${type}`, {
    query: {
      limit: DICTIONARY_LIMIT,
      offset: page.offset,
      filter: filter.join(';'),
      // Ids never move when rows change, so a full read pages stably; an incremental one follows
      // the watermark.
      order: page.since ? 'updated,asc;id,asc' : 'id,asc',
    },
  });
  const rows = list.rows ?? [];
  const records: SyncRecord[] = [];
  const failures: RowFailure[] = [];
  const variants = VariantProducts.of(client.conn);
  for (const row of rows) {
    const result = attempt(row, (r) => mapDictionary(type, r));
    if (!result.ok) failures.push(result.failure);
    else {
      records.push(result.value);
      if (result.value.type === 'variant')
        variants.remember(result.value.externalId, result.value.productExternalId);
    }
  }
  return {
    records,
    failures,
    nextOffset: nextOffset(page.offset, list, rows.length),
    requests: client.requests,
  };
}

async function readDocuments(client: MoyskladClient, type: DocumentType, page: PageRequest): Promise<Page> {
  const trashPhase = page.since != null && page.offset >= TRASH_PHASE_OFFSET;
  const offset = trashPhase ? page.offset - TRASH_PHASE_OFFSET : page.offset;
  let filter: string;
  if (!page.since) filter = 'isDeleted=true;isDeleted=false';
  else if (!trashPhase)
    filter = `${sinceFilter(client.conn, 'updated', page.since)};isDeleted=true;isDeleted=false`;
  else filter = `isDeleted=true;${sinceFilter(client.conn, 'deleted', page.since)}`;
  const list = await client.get<ListResponse>(`entity/${type}`, {
    query: {
      limit: EXPANDED_LIMIT,
      offset,
      filter,
      order: page.since ? 'updated,asc;id,asc' : 'id,asc',
      expand: DOCUMENT_EXPAND,
    },
  });
  const rows = list.rows ?? [];
  const { records, failures } = await mapDocuments(client, type, rows);
  let next = nextOffset(offset, list, rows.length);
  if (trashPhase) next = next === null ? null : next + TRASH_PHASE_OFFSET;
  else if (next === null && page.since) next = TRASH_PHASE_OFFSET;
  return { records, failures, nextOffset: next, requests: client.requests };
}

/** Maps document rows, fetching positions beyond the expanded collection and variants' products. */
async function mapDocuments(client: MoyskladClient, type: DocumentType, rows: unknown[]) {
  const records: SyncRecord[] = [];
  const failures: RowFailure[] = [];
  const positionsOf = new Map<unknown, unknown[]>();
  const variantIds = new Set<string>();
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const expanded = expandedPositions(row as Record<string, unknown>);
    let positions = expanded.rows;
    const id = rowId(row);
    if (positions.length < expanded.size && id) {
      try {
        positions = await readAllPositions(client, type, id);
      } catch (error) {
        if (!(error instanceof ProviderError) || error.code !== 'not_found') throw error;
      }
    }
    positionsOf.set(row, positions);
    for (const p of positions) {
      const meta = (p as { assortment?: { meta?: { type?: string; href?: string } } })?.assortment?.meta;
      if (meta?.type === 'variant' && typeof meta.href === 'string') {
        const variantId = rowId((p as { assortment: unknown }).assortment);
        if (variantId) variantIds.add(variantId);
      }
    }
  }
  const variants = await VariantProducts.of(client.conn).resolve(client, variantIds);
  for (const row of rows) {
    const result = attempt(row, (r) => mapDocument(type, r, positionsOf.get(row) ?? [], variants));
    if (result.ok) records.push(result.value);
    else failures.push(result.failure);
  }
  return { records, failures };
}

async function readAllPositions(client: MoyskladClient, type: DocumentType, id: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let offset = 0; ; offset += 1000) {
    const list = await client.get<ListResponse>(`entity/${type}/${id}/positions`, {
      query: { limit: 1000, offset },
    });
    const rows = list.rows ?? [];
    out.push(...rows);
    if (nextOffset(offset, list, rows.length) === null) return out;
  }
}

async function readStock(client: MoyskladClient, page: PageRequest): Promise<Page> {
  const list = await client.get<ListResponse>('report/stock/bystore', {
    query: { limit: DICTIONARY_LIMIT, offset: page.offset, filter: 'stockMode=all' },
    weight: STOCK_REPORT_WEIGHT,
  });
  const rows = list.rows ?? [];
  const variantIds = new Set<string>();
  for (const row of rows) {
    const meta = (row as { meta?: { type?: string } })?.meta;
    const id = rowId(row);
    if (meta?.type === 'variant' && id) variantIds.add(id);
  }
  const variants = await VariantProducts.of(client.conn).resolve(client, variantIds);
  const records: SyncRecord[] = [];
  const failures: RowFailure[] = [];
  for (const row of rows) {
    const result = attempt(row, (r) => mapStockByStore(r, variants));
    if (result.ok) records.push(...result.value);
    else failures.push(result.failure);
  }
  return {
    records,
    failures,
    nextOffset: nextOffset(page.offset, list, rows.length),
    requests: client.requests,
  };
}

export const moyskladProvider: CommerceProvider = {
  name: 'moysklad',
  entities: SYNC_ENTITIES,

  supportsIncremental: (entity) => ENTITY_SPECS[entity].kind !== 'stock',

  async testConnection(conn): Promise<ConnectionTestResult> {
    const client = new MoyskladClient(conn);
    try {
      const employee = await client.get<{ accountId?: unknown; uid?: unknown }>('context/employee');
      if (typeof employee?.accountId !== 'string') {
        return { ok: false, code: 'bad_response', message: 'MoySklad answered without an account id' };
      }
      const uid = typeof employee.uid === 'string' ? employee.uid : '';
      const account = uid.includes('@') ? uid.slice(uid.indexOf('@') + 1) : undefined;
      return { ok: true, accountId: employee.accountId, ...(account ? { accountName: account } : {}) };
    } catch (error) {
      if (error instanceof ProviderError) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  },

  async readPage(conn, entity, page) {
    const spec = ENTITY_SPECS[entity];
    const client = new MoyskladClient(conn);
    if (spec.kind === 'dictionary') return readDictionary(client, spec.type, page);
    if (spec.kind === 'document') return readDocuments(client, spec.type, page);
    return readStock(client, page);
  },

  async readOne(conn, entity: SyncEntity, externalId) {
    const spec = ENTITY_SPECS[entity];
    if (spec.kind === 'stock') {
      throw new ProviderError('not_supported', 'Stock is read as a report, not by id');
    }
    if (!/^[A-Za-z0-9-]+$/.test(externalId)) return null;
    const client = new MoyskladClient(conn);
    const row = await client.request<Record<string, unknown>>('GET', `entity/${spec.type}/${externalId}`, {
      allowNotFound: true,
      query: spec.kind === 'document' ? { expand: DOCUMENT_EXPAND } : {},
    });
    if (!row) return null;
    if (spec.kind === 'dictionary') {
      const result = attempt(row, (r) => mapDictionary(spec.type, r));
      if (!result.ok)
        throw new ProviderError(
          'bad_response',
          `MoySklad ${spec.type} ${externalId}: ${result.failure.reason}`,
        );
      if (result.value.type === 'variant') {
        VariantProducts.of(conn).remember(result.value.externalId, result.value.productExternalId);
      }
      return result.value;
    }
    const { records, failures } = await mapDocuments(client, spec.type, [row]);
    if (failures[0])
      throw new ProviderError('bad_response', `MoySklad ${spec.type} ${externalId}: ${failures[0].reason}`);
    return records[0] ?? null;
  },

  parseWebhook,

  async registerWebhooks(conn, url, entities) {
    await registerWebhooks(conn, url, entities);
  },

  async removeWebhooks(conn, url) {
    await registerWebhooks(conn, url, []);
  },
};
