import { sql } from 'drizzle-orm';
import { selectRows } from '../../../../platform/db/rows.js';
import { linkExternalRefs, resolveExternalIds, setCustomerRoles } from '../../../catalog/index.js';
import { userIdsByEmails } from '../../../identity/index.js';
import { writeDocumentBatch, type DocumentBatchItem } from '../../documents/write-batch.js';
import type { DocumentRecord, RowFailure } from '../../integrations/provider.js';
import { DEFAULT_CURRENCY } from './dictionaries.js';
import { REF_TYPES, zeroCounts, type ApplyResult, type ApplyTarget } from './context.js';

type Refs = Record<'customer' | 'warehouse' | 'product' | 'variant' | 'document', Map<string, string>>;

/** Every external id a page of documents points at, resolved in one statement per type. */
async function resolvePage(target: ApplyTarget, docs: readonly DocumentRecord[]): Promise<Refs> {
  const source = { tenantId: target.tenantId, provider: target.provider };
  const products = new Set<string>();
  const variants = new Set<string>();
  for (const doc of docs)
    for (const p of doc.positions) {
      if (p.assortment.type === 'variant') {
        variants.add(p.assortment.externalId);
        if (p.assortment.productExternalId) products.add(p.assortment.productExternalId);
      } else products.add(p.assortment.externalId);
    }
  const resolve = (type: string, ids: Iterable<string>) => resolveExternalIds(target.tx, source, type, ids);
  return {
    customer: await resolve(
      REF_TYPES.counterparty,
      docs.flatMap((d) => (d.counterpartyExternalId ? [d.counterpartyExternalId] : [])),
    ),
    warehouse: await resolve(
      REF_TYPES.store,
      docs.flatMap((d) => (d.storeExternalId ? [d.storeExternalId] : [])),
    ),
    product: await resolve(REF_TYPES.product, products),
    variant: await resolve(REF_TYPES.variant, variants),
    document: await resolve(
      REF_TYPES.document,
      docs.map((d) => d.externalId),
    ),
  };
}

/** The positions in local terms, or the reason the document cannot be taken. */
function positionsOf(doc: DocumentRecord, refs: Refs) {
  const positions = [];
  for (const p of doc.positions) {
    const variantId = p.assortment.type === 'variant' ? refs.variant.get(p.assortment.externalId) : null;
    const productExternalId =
      p.assortment.type === 'variant' ? p.assortment.productExternalId : p.assortment.externalId;
    const productId = productExternalId ? refs.product.get(productExternalId) : undefined;
    if (variantId === undefined)
      return { reason: `position ${p.externalId}: variant ${p.assortment.externalId} is not synced` };
    if (!productId)
      return {
        reason: `position ${p.externalId}: ${p.assortment.type} ${productExternalId ?? p.assortment.externalId} is not synced`,
      };
    positions.push({
      productId,
      variantId,
      quantity: p.quantity,
      price: p.price,
      discount: p.discount,
      vatRate: p.vatRate ?? null,
      reserve: p.reserve ?? null,
    });
  }
  return { positions };
}

/**
 * Documents through the documents service's batch writer: counterparty, store and products by
 * external id, the responsible manager by e-mail when a user of the tenant has it. A document in
 * the ERP's trash is deleted here. A document pointing at something never synced is a failure of
 * that document; the page goes on. The page's documents are written together (a bounded number of
 * statements per page, with the result of writing them one after the other). Afterwards the page's
 * counterparties get their roles from how documents use them.
 */
export async function applyDocuments(
  target: ApplyTarget,
  records: readonly DocumentRecord[],
): Promise<ApplyResult> {
  const counts = zeroCounts();
  const failures: RowFailure[] = [];
  const docs = [...new Map(records.map((d) => [d.externalId, d])).values()];
  if (!docs.length) return { counts, failures };
  const refs = await resolvePage(target, docs);
  const owners = await userIdsByEmails(
    target.tx,
    target.tenantId,
    docs.flatMap((d) => (d.ownerEmail ? [d.ownerEmail] : [])),
  );
  const items: DocumentBatchItem[] = [];
  const itemDocs: DocumentRecord[] = [];
  const fail = (doc: DocumentRecord, reason: string) => {
    failures.push({ externalId: doc.externalId, reason });
    counts.failed++;
  };
  for (const doc of docs) {
    const existing = refs.document.get(doc.externalId);
    if (doc.deleted) {
      if (existing) {
        items.push({ id: existing, delete: true });
        itemDocs.push(doc);
      } else counts.unchanged++;
      continue;
    }
    const customerId = doc.counterpartyExternalId ? refs.customer.get(doc.counterpartyExternalId) : null;
    if (customerId === undefined) {
      fail(doc, `counterparty ${doc.counterpartyExternalId} is not synced`);
      continue;
    }
    const warehouseId = doc.storeExternalId ? refs.warehouse.get(doc.storeExternalId) : null;
    if (warehouseId === undefined) {
      fail(doc, `store ${doc.storeExternalId} is not synced`);
      continue;
    }
    const lines = positionsOf(doc, refs);
    if ('reason' in lines) {
      fail(doc, lines.reason!);
      continue;
    }
    items.push({
      ...(existing ? { id: existing } : {}),
      write: {
        kind: doc.kind,
        number: doc.number,
        moment: doc.moment,
        applicable: doc.applicable,
        state: doc.state ?? null,
        customerId,
        warehouseId,
        ownerId: (doc.ownerEmail && owners.get(doc.ownerEmail.toLowerCase())) || null,
        currency: doc.currency || DEFAULT_CURRENCY,
        description: doc.description ?? null,
        sum: doc.sum,
        vatSum: doc.vatSum,
        source: target.provider,
        integrationId: target.integrationId,
        externalUpdatedAt: doc.updatedAt,
        positions: lines.positions,
      },
    });
    itemDocs.push(doc);
  }
  const written = await writeDocumentBatch(target.tx, target.tenantId, items);
  const links: { externalId: string; entityId: string }[] = [];
  written.forEach((result, i) => {
    counts[result.outcome]++;
    if (result.outcome === 'created' && !refs.document.has(itemDocs[i]!.externalId))
      links.push({ externalId: itemDocs[i]!.externalId, entityId: result.id });
  });
  await linkExternalRefs(target.tx, target, REF_TYPES.document, links);
  await refreshCustomerRoles(target, [...refs.customer.values()]);
  return { counts, failures };
}

const SALES = ['customer_order', 'shipment', 'invoice_out', 'sales_return'];

/**
 * A counterparty is a customer when sales documents name it and a supplier when purchase documents
 * do; one no document names yet stays both.
 */
async function refreshCustomerRoles(target: ApplyTarget, customerIds: readonly string[]) {
  if (!customerIds.length) return;
  // One probe per counterparty on the (tenant, customer, moment) index; `exists` stops at the
  // first document of each side, however many documents the counterparty has.
  const rows = await selectRows<{ id: string; sells: boolean; buys: boolean }>(
    target.tx,
    sql`select c.id, exists (select 1 from commerce_documents d where d.tenant_id = ${target.tenantId}
            and d.customer_id = c.id and d.deleted_at is null and d.kind = any(${sql.param(SALES)}::text[])) as sells,
          exists (select 1 from commerce_documents d where d.tenant_id = ${target.tenantId}
            and d.customer_id = c.id and d.deleted_at is null and not (d.kind = any(${sql.param(SALES)}::text[]))) as buys
        from unnest(${sql.param([...new Set(customerIds)])}::uuid[]) as c(id)`,
  );
  await setCustomerRoles(
    target.tx,
    target.tenantId,
    rows.filter((r) => r.sells || r.buys).map((r) => ({ id: r.id, isCustomer: r.sells, isSupplier: r.buys })),
  );
}

/** A DELETE webhook: the documents go (kept for history as the documents service keeps them). */
export async function deleteDocuments(target: ApplyTarget, externalIds: readonly string[]): Promise<number> {
  const source = { tenantId: target.tenantId, provider: target.provider };
  const ids = await resolveExternalIds(target.tx, source, REF_TYPES.document, externalIds);
  const results = await writeDocumentBatch(
    target.tx,
    target.tenantId,
    [...ids.values()].map((id) => ({ id, delete: true as const })),
  );
  return results.filter((r) => r.outcome === 'deleted').length;
}
