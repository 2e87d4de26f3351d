import type { DocumentKind } from '../tables/documents.tables.js';
import { levelKeyOf, type LevelDelta, type MovementInput } from '../inventory/levels.js';

/** How a posted document of each kind moves on-hand stock at its warehouse: +1 in, −1 out. */
const STOCK_SIGN: Partial<Record<DocumentKind, 1n | -1n>> = {
  shipment: -1n,
  purchase_return: -1n,
  supply: 1n,
  sales_return: 1n,
};

/** The document facts its stock effects depend on. */
export interface EffectHeader {
  kind: DocumentKind;
  /** Posted and not deleted. */
  active: boolean;
  warehouseId: string | null;
  moment: Date;
}

export interface EffectLine {
  productId: string;
  variantId: string | null;
  /** Thousandths. */
  quantity: bigint;
  reserve: bigint;
}

/**
 * What a document contributes to the levels of its warehouse while it is posted and not deleted:
 * shipments and purchase returns take their quantities from stock, supplies and sales returns add
 * them; a customer order's positions hold their `reserve` quantities in reserve; a purchase order's
 * positions count their full quantities in transit. Anything else (invoices, unposted or deleted
 * documents, documents without a warehouse) contributes nothing.
 */
export function effectsOf(header: EffectHeader, lines: readonly EffectLine[]): Map<string, LevelDelta> {
  const effects = new Map<string, LevelDelta>();
  if (!header.active || !header.warehouseId) return effects;
  const sign = STOCK_SIGN[header.kind];
  for (const line of lines) {
    const stock = sign ? sign * line.quantity : 0n;
    const reserve = header.kind === 'customer_order' ? line.reserve : 0n;
    const inTransit = header.kind === 'purchase_order' ? line.quantity : 0n;
    if (stock === 0n && reserve === 0n && inTransit === 0n) continue;
    const key = { productId: line.productId, variantId: line.variantId, warehouseId: header.warehouseId };
    const held = effects.get(levelKeyOf(key));
    if (held) {
      held.stock += stock;
      held.reserve += reserve;
      held.inTransit += inTransit;
    } else effects.set(levelKeyOf(key), { ...key, stock, reserve, inTransit });
  }
  return effects;
}

const stockPart = (effects: Map<string, LevelDelta>) =>
  [...effects.entries()]
    .filter(([, e]) => e.stock !== 0n)
    .map(([k, e]) => `${k}=${e.stock}`)
    .sort()
    .join(';');

/**
 * The level changes and movements that take a document from its old effects to its new ones.
 * Movements are append-only: when the on-hand part changed (or the moment moved), the old part is
 * reversed at the old moment and the new part written at the new moment, so the movements up to
 * any instant add up to the stock the documents, as they stand now, put there.
 */
export function transition(
  before: { header: EffectHeader; effects: Map<string, LevelDelta> } | null,
  after: { header: EffectHeader; effects: Map<string, LevelDelta> } | null,
  facts: { documentId: string; createdBy: string | null },
): { deltas: LevelDelta[]; movements: MovementInput[] } {
  const deltas: LevelDelta[] = [];
  const movements: MovementInput[] = [];
  for (const e of before?.effects.values() ?? [])
    deltas.push({ ...e, stock: -e.stock, reserve: -e.reserve, inTransit: -e.inTransit });
  for (const e of after?.effects.values() ?? []) deltas.push({ ...e });

  const oldStock = before ? stockPart(before.effects) : '';
  const newStock = after ? stockPart(after.effects) : '';
  const sameMoment = before?.header.moment.getTime() === after?.header.moment.getTime();
  if (oldStock !== newStock || (!sameMoment && oldStock !== '')) {
    const movement = (e: LevelDelta, quantity: bigint, moment: Date): MovementInput => ({
      productId: e.productId,
      variantId: e.variantId,
      warehouseId: e.warehouseId,
      moment,
      quantity,
      kind: 'document',
      documentId: facts.documentId,
      createdBy: facts.createdBy,
    });
    for (const e of before?.effects.values() ?? [])
      if (e.stock !== 0n) movements.push(movement(e, -e.stock, before!.header.moment));
    for (const e of after?.effects.values() ?? [])
      if (e.stock !== 0n) movements.push(movement(e, e.stock, after!.header.moment));
  }
  return { deltas, movements };
}
