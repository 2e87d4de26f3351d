import { and, asc, eq, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { money, moneyText, qty, qtyText, toUnits, fromUnits } from '../inventory/decimal.js';
import { applyStockChange } from '../inventory/levels.js';
import { commerceSettingsOf } from '../settings/settings.repository.js';
import {
  commerceDocumentPositions,
  commerceDocuments,
  type DocumentKind,
} from '../tables/documents.tables.js';
import { effectsOf, transition, type EffectHeader, type EffectLine } from './effects.js';
import { costSum, positionSums } from './sums.js';

export interface DocumentPositionWrite {
  productId: string;
  variantId?: string | null;
  quantity: string;
  price: string;
  discount?: string;
  vatRate?: string | null;
  reserve?: string | null;
}

export interface DocumentWrite {
  kind: DocumentKind;
  number: string;
  moment: Date;
  applicable: boolean;
  state?: string | null;
  customerId?: string | null;
  warehouseId?: string | null;
  ownerId?: string | null;
  currency: string;
  description?: string | null;
  /** 'local' or the provider name, e.g. 'moysklad'. */
  source: string;
  integrationId?: string | null;
  externalUpdatedAt?: Date | null;
  /** ERP trash: kept, out of stock and analytics. */
  deleted?: boolean;
  /** Sums as the ERP states them; computed from positions when omitted. */
  sum?: string;
  vatSum?: string;
  positions: DocumentPositionWrite[];
}

type HeaderRow = typeof commerceDocuments.$inferSelect;
type PositionRow = typeof commerceDocumentPositions.$inferSelect;

const nullable = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);
const dec = (value: string | null | undefined, scale: number) =>
  value == null ? null : fromUnits(toUnits(value, scale), scale);

/** The content a write is compared by: what the caller states, normalised (unit costs aside). */
export function contentOf(doc: {
  header: Omit<
    HeaderRow,
    'tenantId' | 'id' | 'costSum' | 'createdAt' | 'updatedAt' | 'createdBy' | 'baseDocumentId'
  >;
  positions: readonly Pick<
    PositionRow,
    'productId' | 'variantId' | 'quantity' | 'price' | 'discount' | 'vatRate' | 'reserve'
  >[];
}): string {
  const h = doc.header;
  return JSON.stringify([
    h.kind,
    h.number,
    h.moment.getTime(),
    h.applicable,
    h.state,
    h.customerId,
    h.warehouseId,
    h.ownerId,
    h.currency,
    h.description,
    h.source,
    h.integrationId,
    h.externalUpdatedAt?.getTime() ?? null,
    h.deletedAt !== null,
    dec(h.sum, 2),
    dec(h.vatSum, 2),
    doc.positions.map((p) => [
      p.productId,
      p.variantId,
      dec(p.quantity, 3),
      dec(p.price, 2),
      dec(p.discount, 2),
      dec(p.vatRate, 2),
      dec(p.reserve, 3),
    ]),
  ]);
}

export const effectLines = (
  positions: readonly Pick<PositionRow, 'productId' | 'variantId' | 'quantity' | 'reserve'>[],
): EffectLine[] =>
  positions.map((p) => ({
    productId: p.productId,
    variantId: p.variantId,
    quantity: qty(p.quantity),
    reserve: qty(p.reserve ?? '0'),
  }));

export const effectHeader = (
  h: Pick<HeaderRow, 'kind' | 'applicable' | 'deletedAt' | 'warehouseId' | 'moment'>,
): EffectHeader => ({
  kind: h.kind,
  active: h.applicable && h.deletedAt === null,
  warehouseId: h.warehouseId,
  moment: h.moment,
});

/** A stored document with its positions (locked for update), or undefined. */
export async function loadDocumentForUpdate(tx: Tx, tenantId: string, id: string) {
  const [header] = await tx.db
    .select()
    .from(commerceDocuments)
    .where(and(eq(commerceDocuments.tenantId, tenantId), eq(commerceDocuments.id, id)))
    .for('update');
  if (!header) return undefined;
  const positions = await tx.db
    .select()
    .from(commerceDocumentPositions)
    .where(
      and(eq(commerceDocumentPositions.tenantId, tenantId), eq(commerceDocumentPositions.documentId, id)),
    )
    .orderBy(asc(commerceDocumentPositions.lineNo));
  return { header, positions };
}

/**
 * Unit cost of each position at its document's warehouse: the level's unit cost there, else the
 * product's price in the buy price type of the settings, else 0. One statement for any number of
 * positions (of any number of documents); each look-up names the whole key of its unique index, so
 * the plan does not depend on the statistics.
 */
export async function unitCosts(
  tx: Tx,
  tenantId: string,
  buyPriceTypeId: string | null,
  positions: readonly { productId: string; variantId?: string | null; warehouseId: string | null }[],
): Promise<string[]> {
  if (!positions.length) return [];
  const list = (values: (string | null)[]) => `{${values.map((v) => v ?? 'NULL').join(',')}}`;
  const rows = await selectRows<{ n: string | number; cost: string }>(
    tx,
    sql`select v.n, coalesce(
        (select sl.unit_cost from stock_levels sl where sl.tenant_id = ${tenantId} and sl.product_id = v.product_id
          and sl.variant_id is not distinct from v.variant_id and sl.warehouse_id = v.warehouse_id),
        (select pp.amount from product_prices pp where pp.tenant_id = ${tenantId} and pp.product_id = v.product_id
          and pp.price_type_id = ${buyPriceTypeId}::uuid),
        0)::text as cost
      from unnest(${list(positions.map((p) => p.productId))}::uuid[],
        ${list(positions.map((p) => p.variantId ?? null))}::uuid[],
        ${list(positions.map((p) => p.warehouseId))}::uuid[]) with ordinality as v(product_id, variant_id, warehouse_id, n)
      order by v.n`,
  );
  return rows.map((r) => moneyText(money(r.cost)));
}

/** A write in stored form: normalised lines (sums in cents) and the header columns it sets. */
export function normalizedWrite(input: DocumentWrite, existingDeletedAt: Date | null, now: Date) {
  const lines = input.positions.map((p) => {
    const sums = positionSums(p);
    return {
      productId: p.productId,
      variantId: p.variantId ?? null,
      quantity: qtyText(qty(p.quantity)),
      price: moneyText(money(p.price)),
      discount: fromUnits(toUnits(p.discount ?? '0', 2), 2),
      vatRate: dec(p.vatRate, 2),
      reserve: qtyText(qty(p.reserve ?? '0')),
      sum: sums.sum,
      vat: sums.vat,
    };
  });
  const header = {
    kind: input.kind,
    number: input.number,
    moment: input.moment,
    applicable: input.applicable,
    state: nullable(input.state),
    customerId: nullable(input.customerId),
    warehouseId: nullable(input.warehouseId),
    ownerId: nullable(input.ownerId),
    currency: input.currency,
    description: nullable(input.description),
    source: input.source,
    integrationId: nullable(input.integrationId),
    externalUpdatedAt: nullable(input.externalUpdatedAt),
    deletedAt: input.deleted ? (existingDeletedAt ?? now) : null,
    sum: input.sum ?? moneyText(lines.reduce((s, l) => s + l.sum, 0n)),
    vatSum: input.vatSum ?? moneyText(lines.reduce((s, l) => s + l.vat, 0n)),
  };
  return { lines, header };
}

export type NormalizedWrite = ReturnType<typeof normalizedWrite>;

/** The position rows of a document as stored: the lines with their costs and the header's copies. */
export function positionRows(
  tenantId: string,
  documentId: string,
  { lines, header }: NormalizedWrite,
  costs: readonly string[],
) {
  const active = header.applicable && header.deletedAt === null;
  return lines.map((l, i) => ({
    tenantId,
    documentId,
    lineNo: i + 1,
    productId: l.productId,
    variantId: l.variantId,
    quantity: l.quantity,
    price: l.price,
    discount: l.discount,
    vatRate: l.vatRate,
    sum: moneyText(l.sum),
    vatSum: moneyText(l.vat),
    unitCost: costs[i]!,
    reserve: l.reserve,
    kind: header.kind,
    moment: header.moment,
    customerId: header.customerId,
    warehouseId: header.warehouseId,
    ownerId: header.ownerId,
    active,
  }));
}

/**
 * Creates or replaces a document (by id when given) with its positions and stock effects, in the
 * caller's transaction. Positions are replaced in full; their header copies (kind, moment,
 * customer, warehouse, owner, active) follow the header. A repeated write with identical content
 * changes nothing (`changed: false`, no movements). Local documents (`source = 'local'`) obey the
 * tenant's negative-stock rule (409 `INSUFFICIENT_STOCK`); synced writes skip the check.
 */
export async function writeDocument(
  tx: Tx,
  tenantId: string,
  input: DocumentWrite & { id?: string; actorId?: string | null },
): Promise<{ id: string; created: boolean; changed: boolean }> {
  const existing = input.id ? await loadDocumentForUpdate(tx, tenantId, input.id) : undefined;
  const now = new Date();
  const normalized = normalizedWrite(input, existing?.header.deletedAt ?? null, now);
  const { lines, header } = normalized;
  if (existing && contentOf(existing) === contentOf({ header, positions: lines }))
    return { id: existing.header.id, created: false, changed: false };

  const settings = await commerceSettingsOf(tx, tenantId);
  const costs = await unitCosts(
    tx,
    tenantId,
    settings.buyPriceTypeId,
    input.positions.map((p) => ({ ...p, warehouseId: header.warehouseId })),
  );
  const costTotal = costSum(lines.map((l, i) => ({ quantity: l.quantity, unitCost: costs[i]! })));

  let id: string;
  if (existing) {
    id = existing.header.id;
    await tx.db
      .update(commerceDocuments)
      .set({ ...header, costSum: moneyText(costTotal), updatedAt: now })
      .where(and(eq(commerceDocuments.tenantId, tenantId), eq(commerceDocuments.id, id)));
    await tx.db
      .delete(commerceDocumentPositions)
      .where(
        and(eq(commerceDocumentPositions.tenantId, tenantId), eq(commerceDocumentPositions.documentId, id)),
      );
  } else {
    const [row] = await tx.db
      .insert(commerceDocuments)
      .values({
        tenantId,
        ...(input.id ? { id: input.id } : {}),
        ...header,
        costSum: moneyText(costTotal),
        createdBy: input.actorId ?? null,
      })
      .returning({ id: commerceDocuments.id });
    id = row!.id;
  }
  if (lines.length)
    await tx.db.insert(commerceDocumentPositions).values(positionRows(tenantId, id, normalized, costs));

  const before = existing
    ? {
        header: effectHeader(existing.header),
        effects: effectsOf(effectHeader(existing.header), effectLines(existing.positions)),
      }
    : null;
  const afterHeader = effectHeader(header);
  const after = { header: afterHeader, effects: effectsOf(afterHeader, effectLines(lines)) };
  const change = transition(before, after, { documentId: id, createdBy: input.actorId ?? null });
  await applyStockChange(tx, tenantId, {
    ...change,
    forbidNegative: input.source === 'local' && !settings.allowNegativeStock,
  });
  return { id, created: !existing, changed: true };
}

/** Reverses a stored document's stock effects (movements at its moment). */
async function reverseEffects(
  tx: Tx,
  tenantId: string,
  doc: NonNullable<Awaited<ReturnType<typeof loadDocumentForUpdate>>>,
  options: { forbidNegative: boolean; actorId: string | null },
): Promise<void> {
  const header = effectHeader(doc.header);
  const change = transition(
    { header, effects: effectsOf(header, effectLines(doc.positions)) },
    { header, effects: new Map() },
    { documentId: doc.header.id, createdBy: options.actorId },
  );
  await applyStockChange(tx, tenantId, { ...change, forbidNegative: options.forbidNegative });
}

/**
 * Marks a document deleted (the ERP's trash): it stays for history, its positions become inactive
 * and its stock effects are reversed. Idempotent: returns false when there is no such document or
 * it was deleted already (nothing written), true when this call deleted it.
 */
export async function deleteDocument(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const doc = await loadDocumentForUpdate(tx, tenantId, id);
  if (!doc || doc.header.deletedAt) return false;
  await reverseEffects(tx, tenantId, doc, { forbidNegative: false, actorId: null });
  const now = new Date();
  await tx.db
    .update(commerceDocuments)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(commerceDocuments.tenantId, tenantId), eq(commerceDocuments.id, id)));
  await tx.db
    .update(commerceDocumentPositions)
    .set({ active: false })
    .where(
      and(eq(commerceDocumentPositions.tenantId, tenantId), eq(commerceDocumentPositions.documentId, id)),
    );
  return true;
}

/**
 * Removes a local document for good: its stock effects are reversed (under the tenant's
 * negative-stock rule: removing a supply whose goods were shipped may be refused) and the document
 * and its positions are deleted. The reversing movements stay.
 */
export async function removeLocalDocument(
  tx: Tx,
  tenantId: string,
  doc: NonNullable<Awaited<ReturnType<typeof loadDocumentForUpdate>>>,
  actorId: string | null,
): Promise<void> {
  const settings = await commerceSettingsOf(tx, tenantId);
  await reverseEffects(tx, tenantId, doc, { forbidNegative: !settings.allowNegativeStock, actorId });
  await tx.db
    .delete(commerceDocuments)
    .where(and(eq(commerceDocuments.tenantId, tenantId), eq(commerceDocuments.id, doc.header.id)));
}
