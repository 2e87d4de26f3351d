import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { uuidv7 } from '../../../lib/ids.js';
import { moneyText } from '../inventory/decimal.js';
import { applyStockChanges, type StockChange } from '../inventory/levels.js';
import { commerceSettingsOf } from '../settings/settings.repository.js';
import { commerceDocumentPositions, commerceDocuments } from '../tables/documents.tables.js';
import { effectsOf, transition } from './effects.js';
import { costSum } from './sums.js';
import {
  contentOf,
  effectHeader,
  effectLines,
  normalizedWrite,
  positionRows,
  unitCosts,
  type DocumentWrite,
  type NormalizedWrite,
} from './write.js';

/** One document of a batch: written (created, or replaced when `id` names a stored one) or deleted. */
export type DocumentBatchItem = { id?: string; write: DocumentWrite } | { id: string; delete: true };

export type DocumentBatchOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters at 19 columns a position. */
const INSERT_CHUNK = 2_000;

type HeaderRow = typeof commerceDocuments.$inferSelect;
type PositionRow = typeof commerceDocumentPositions.$inferSelect;
/** What the comparison and the stock effects read of a stored document. */
type StoredHeader = Pick<
  HeaderRow,
  | 'id'
  | 'kind'
  | 'number'
  | 'moment'
  | 'applicable'
  | 'state'
  | 'customerId'
  | 'warehouseId'
  | 'ownerId'
  | 'currency'
  | 'description'
  | 'source'
  | 'integrationId'
  | 'externalUpdatedAt'
  | 'deletedAt'
  | 'sum'
  | 'vatSum'
>;
type StoredPosition = Pick<
  PositionRow,
  'productId' | 'variantId' | 'quantity' | 'price' | 'discount' | 'vatRate' | 'reserve'
>;
type Stored = { header: StoredHeader; positions: StoredPosition[] };

const dateOf = (v: string | Date | null) => (v === null ? null : new Date(v));

/**
 * The stored documents among `ids` with their positions, the headers locked for update (in id
 * order, as concurrent writers lock them). Each id is probed through a lateral subquery the
 * planner cannot flatten (`offset 0`) on the full primary key, and each document's positions on
 * the leading columns of their unique key: one index probe per document whatever the statistics
 * say about the tenant's rows (a merged `id = any($)` scan can be costed onto another index of the
 * tenant when the statistics predate a bulk load).
 */
async function loadDocumentsForUpdate(tx: Tx, tenantId: string, ids: readonly string[]) {
  const stored = new Map<string, Stored>();
  if (!ids.length) return stored;
  const wanted = `{${[...new Set(ids)].sort().join(',')}}`;
  const headers = await selectRows<{
    id: string;
    kind: HeaderRow['kind'];
    number: string;
    moment: string | Date;
    applicable: boolean;
    state: string | null;
    customer_id: string | null;
    warehouse_id: string | null;
    owner_id: string | null;
    currency: string;
    description: string | null;
    source: string;
    integration_id: string | null;
    external_updated_at: string | Date | null;
    deleted_at: string | Date | null;
    sum: string;
    vat_sum: string;
  }>(
    tx,
    sql`select d.id, d.kind, d.number, d.moment, d.applicable, d.state, d.customer_id, d.warehouse_id,
        d.owner_id, d.currency, d.description, d.source, d.integration_id, d.external_updated_at,
        d.deleted_at, d.sum::text as sum, d.vat_sum::text as vat_sum
      from unnest(${wanted}::uuid[]) with ordinality as w(id, n)
      cross join lateral (
        select * from commerce_documents c where c.tenant_id = ${tenantId} and c.id = w.id offset 0
      ) d
      order by w.n
      for update of d`,
  );
  for (const h of headers)
    stored.set(h.id, {
      header: {
        id: h.id,
        kind: h.kind,
        number: h.number,
        moment: new Date(h.moment),
        applicable: h.applicable,
        state: h.state,
        customerId: h.customer_id,
        warehouseId: h.warehouse_id,
        ownerId: h.owner_id,
        currency: h.currency,
        description: h.description,
        source: h.source,
        integrationId: h.integration_id,
        externalUpdatedAt: dateOf(h.external_updated_at),
        deletedAt: dateOf(h.deleted_at),
        sum: h.sum,
        vatSum: h.vat_sum,
      },
      positions: [],
    });
  if (!headers.length) return stored;
  const positions = await selectRows<{
    document_id: string;
    product_id: string;
    variant_id: string | null;
    quantity: string;
    price: string;
    discount: string;
    vat_rate: string | null;
    reserve: string;
  }>(
    tx,
    sql`select p.document_id, p.product_id, p.variant_id, p.quantity::text as quantity,
        p.price::text as price, p.discount::text as discount, p.vat_rate::text as vat_rate,
        p.reserve::text as reserve
      from unnest(${`{${[...stored.keys()].join(',')}}`}::uuid[]) with ordinality as w(id, n)
      cross join lateral (
        select * from commerce_document_positions c
         where c.tenant_id = ${tenantId} and c.document_id = w.id offset 0
      ) p
      order by w.n, p.line_no`,
  );
  for (const p of positions)
    stored.get(p.document_id)!.positions.push({
      productId: p.product_id,
      variantId: p.variant_id,
      quantity: p.quantity,
      price: p.price,
      discount: p.discount,
      vatRate: p.vat_rate,
      reserve: p.reserve,
    });
  return stored;
}

/**
 * Writes and deletes many documents in the caller's transaction with the result of calling
 * `writeDocument` / `deleteDocument` on each in order, but in a bounded number of statements
 * whatever the batch holds: one read of the stored documents and their positions, one of the unit
 * costs, one insert of the new headers, one update of the changed ones, one delete and one insert
 * of positions (ordinary statements: row and statement triggers on positions see every change),
 * the deletions' two updates, and one stock change for the lot (levels locked once, movements
 * inserted at once). A repeated write with identical content writes nothing. Synced writes only:
 * the negative-stock rule of local documents is not checked here.
 */
export async function writeDocumentBatch(
  tx: Tx,
  tenantId: string,
  items: readonly DocumentBatchItem[],
): Promise<{ id: string; outcome: DocumentBatchOutcome }[]> {
  const stored = await loadDocumentsForUpdate(
    tx,
    tenantId,
    items.flatMap((item) => (item.id ? [item.id] : [])),
  );
  const now = new Date();
  const results: { id: string; outcome: DocumentBatchOutcome }[] = [];
  const writes: { id: string; existing: Stored | undefined; normalized: NormalizedWrite }[] = [];
  const deletions: Stored[] = [];
  const changes: StockChange[] = [];

  for (const item of items) {
    if ('delete' in item) {
      const doc = stored.get(item.id);
      if (!doc || doc.header.deletedAt) {
        results.push({ id: item.id, outcome: 'unchanged' });
        continue;
      }
      const header = effectHeader(doc.header);
      changes.push(
        transition(
          { header, effects: effectsOf(header, effectLines(doc.positions)) },
          { header, effects: new Map() },
          { documentId: doc.header.id, createdBy: null },
        ),
      );
      doc.header = { ...doc.header, deletedAt: now };
      deletions.push(doc);
      results.push({ id: item.id, outcome: 'deleted' });
      continue;
    }
    const existing = item.id ? stored.get(item.id) : undefined;
    const normalized = normalizedWrite(item.write, existing?.header.deletedAt ?? null, now);
    if (existing && contentOf(existing) === contentOf({ ...normalized, positions: normalized.lines })) {
      results.push({ id: existing.header.id, outcome: 'unchanged' });
      continue;
    }
    const id = existing?.header.id ?? item.id ?? uuidv7();
    writes.push({ id, existing, normalized });
    const before = existing
      ? {
          header: effectHeader(existing.header),
          effects: effectsOf(effectHeader(existing.header), effectLines(existing.positions)),
        }
      : null;
    const afterHeader = effectHeader(normalized.header);
    const after = { header: afterHeader, effects: effectsOf(afterHeader, effectLines(normalized.lines)) };
    changes.push(transition(before, after, { documentId: id, createdBy: null }));
    results.push({ id, outcome: existing ? 'updated' : 'created' });
  }

  if (writes.length) await storeWrites(tx, tenantId, writes);
  if (deletions.length) await markDeleted(tx, tenantId, deletions, now);
  await applyStockChanges(tx, tenantId, changes, { forbidNegative: false });
  return results;
}

/** Headers (new ones inserted, changed ones updated) and their positions, replaced in full. */
async function storeWrites(
  tx: Tx,
  tenantId: string,
  writes: readonly { id: string; existing: Stored | undefined; normalized: NormalizedWrite }[],
) {
  const settings = await commerceSettingsOf(tx, tenantId);
  const costs = await unitCosts(
    tx,
    tenantId,
    settings.buyPriceTypeId,
    writes.flatMap((w) =>
      w.normalized.lines.map((l) => ({ ...l, warehouseId: w.normalized.header.warehouseId })),
    ),
  );
  let at = 0;
  const rows = writes.map((w) => {
    const own = costs.slice(at, (at += w.normalized.lines.length));
    const cost = costSum(w.normalized.lines.map((l, i) => ({ quantity: l.quantity, unitCost: own[i]! })));
    return { ...w, costs: own, costSum: moneyText(cost) };
  });

  const changed = rows.filter((r) => r.existing);
  if (changed.length) {
    await tx.sql.query(
      `update commerce_documents d set kind = v.kind, number = v.number, moment = v.moment,
          applicable = v.applicable, state = v.state, customer_id = v.customer_id,
          warehouse_id = v.warehouse_id, owner_id = v.owner_id, currency = v.currency,
          description = v.description, source = v.source, integration_id = v.integration_id,
          external_updated_at = v.external_updated_at, deleted_at = v.deleted_at, sum = v.sum,
          vat_sum = v.vat_sum, cost_sum = v.cost_sum, updated_at = now()
         from jsonb_to_recordset($2::jsonb) as v(id uuid, kind text, number text, moment timestamptz,
          applicable boolean, state text, customer_id uuid, warehouse_id uuid, owner_id uuid,
          currency text, description text, source text, integration_id uuid,
          external_updated_at timestamptz, deleted_at timestamptz, sum numeric, vat_sum numeric,
          cost_sum numeric)
        where d.tenant_id = $1 and d.id = v.id`,
      [
        tenantId,
        JSON.stringify(
          changed.map(({ id, normalized: { header: h }, costSum }) => ({
            id,
            kind: h.kind,
            number: h.number,
            moment: h.moment.toISOString(),
            applicable: h.applicable,
            state: h.state,
            customer_id: h.customerId,
            warehouse_id: h.warehouseId,
            owner_id: h.ownerId,
            currency: h.currency,
            description: h.description,
            source: h.source,
            integration_id: h.integrationId,
            external_updated_at: h.externalUpdatedAt?.toISOString() ?? null,
            deleted_at: h.deletedAt?.toISOString() ?? null,
            sum: h.sum,
            vat_sum: h.vatSum,
            cost_sum: costSum,
          })),
        ),
      ],
    );
    await tx.sql.query(
      `delete from commerce_document_positions
        where tenant_id = $1 and document_id in (select unnest($2::uuid[]))`,
      [tenantId, changed.map((r) => r.id)],
    );
  }

  const created = rows.filter((r) => !r.existing);
  for (let i = 0; i < created.length; i += INSERT_CHUNK)
    await tx.db.insert(commerceDocuments).values(
      created.slice(i, i + INSERT_CHUNK).map((r) => ({
        tenantId,
        id: r.id,
        ...r.normalized.header,
        costSum: r.costSum,
        createdBy: null,
      })),
    );

  const positions = rows.flatMap((r) => positionRows(tenantId, r.id, r.normalized, r.costs));
  for (let i = 0; i < positions.length; i += INSERT_CHUNK)
    await tx.db.insert(commerceDocumentPositions).values(positions.slice(i, i + INSERT_CHUNK));
}

/** The ERP's trash: headers stamped deleted, positions out of every figure. */
async function markDeleted(tx: Tx, tenantId: string, docs: readonly Stored[], now: Date) {
  const ids = docs.map((d) => d.header.id);
  await tx.sql.query(
    `update commerce_documents set deleted_at = $3, updated_at = $3
      where tenant_id = $1 and id in (select unnest($2::uuid[]))`,
    [tenantId, ids, now.toISOString()],
  );
  await tx.sql.query(
    `update commerce_document_positions set active = false
      where tenant_id = $1 and document_id in (select unnest($2::uuid[]))`,
    [tenantId, ids],
  );
}
