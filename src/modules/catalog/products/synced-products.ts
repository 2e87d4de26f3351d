import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from '../../../lib/ids.js';
import { anyId } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import {
  bindSyncedRows,
  emptyOutcome,
  lastPerExternalId,
  linkExternalRefs,
  resolveExternalIds,
  sameDecimal,
  sameList,
  sameText,
  updateFromJson,
  type SyncOutcome,
  type SyncSource,
} from '../core/synced-refs.js';
import {
  priceTypes,
  productBarcodes,
  productPrices,
  productVariants,
  products,
} from '../tables/products.tables.js';

/**
 * Products (goods and services) and variants kept in step with an ERP, set-based per page (see
 * core/synced-rows.ts). Prices land in price types named after the ERP's, created on first sight;
 * a product's prices and barcodes are replaced as a whole when they change.
 */

export interface SyncedPrice {
  priceType: string;
  amount: string;
  currency: string;
}

export interface SyncedProduct {
  externalId: string;
  code: string;
  name: string;
  article: string | null;
  description: string | null;
  folderExternalId: string | null;
  uom: string;
  vatRate: string | null;
  weight: string | null;
  volume: string | null;
  isService: boolean;
  minStock: string | null;
  prices: SyncedPrice[];
  barcodes: string[];
  archived: boolean;
  archivedAt: Date;
}

export interface SyncedVariant {
  externalId: string;
  productExternalId: string;
  code: string;
  name: string;
  characteristics: Record<string, string>;
}

/** Price type name → id, creating the missing ones (in the currency their first price names). */
async function priceTypeIds(tx: Tx, tenantId: string, prices: readonly SyncedPrice[]) {
  const byName = new Map<string, string>();
  for (const p of prices) if (!byName.has(p.priceType)) byName.set(p.priceType, p.currency);
  if (!byName.size) return new Map<string, string>();
  await tx.db
    .insert(priceTypes)
    .values([...byName].map(([name, currency]) => ({ tenantId, name, currency })))
    .onConflictDoNothing({ target: [priceTypes.tenantId, priceTypes.name] });
  const rows = await tx.db
    .select({ id: priceTypes.id, name: priceTypes.name })
    .from(priceTypes)
    .where(
      and(
        eq(priceTypes.tenantId, tenantId),
        sql`${priceTypes.name} = any(${sql.param([...byName.keys()])}::text[])`,
      ),
    );
  return new Map(rows.map((row) => [row.name, row.id]));
}

const stableJson = (value: Record<string, string>) =>
  JSON.stringify(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );

export async function upsertSyncedProducts(
  tx: Tx,
  source: SyncSource,
  input: readonly SyncedProduct[],
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  const tenantId = source.tenantId;
  let rows = lastPerExternalId(input);
  if (!rows.length) return outcome;

  const folders = await resolveExternalIds(
    tx,
    source,
    'product_folder',
    rows.flatMap((r) => (r.folderExternalId ? [r.folderExternalId] : [])),
  );
  rows = rows.filter((r) => {
    if (!r.folderExternalId || folders.has(r.folderExternalId)) return true;
    outcome.failures.push({ externalId: r.externalId, reason: `folder ${r.folderExternalId} is not synced` });
    return false;
  });
  const spec = {
    table: 'products',
    entityType: 'product',
    what: 'product',
    codeOf: (r: SyncedProduct) => r.code,
  };
  const { targets, failures } = await bindSyncedRows(tx, source, spec, rows, uuidv7);
  outcome.failures.push(...failures);
  const types = await priceTypeIds(
    tx,
    tenantId,
    targets.flatMap((t) => t.row.prices),
  );

  const existing = targets.filter((t) => !t.isNew).map((t) => t.id);
  const currentRows = existing.length
    ? await tx.db
        .select()
        .from(products)
        .where(and(eq(products.tenantId, tenantId), anyId(products.id, existing)))
    : [];
  const currentPrices = existing.length
    ? await tx.db
        .select()
        .from(productPrices)
        .where(and(eq(productPrices.tenantId, tenantId), anyId(productPrices.productId, existing)))
    : [];
  const currentBarcodes = existing.length
    ? await tx.db
        .select()
        .from(productBarcodes)
        .where(and(eq(productBarcodes.tenantId, tenantId), anyId(productBarcodes.productId, existing)))
    : [];
  const current = new Map(currentRows.map((row) => [row.id, row]));
  const pricesOf = new Map<string, Map<string, string>>();
  for (const p of currentPrices) {
    const map = pricesOf.get(p.productId) ?? new Map<string, string>();
    map.set(p.priceTypeId, p.amount);
    pricesOf.set(p.productId, map);
  }
  const barcodesOf = new Map<string, string[]>();
  for (const b of currentBarcodes)
    barcodesOf.set(b.productId, [...(barcodesOf.get(b.productId) ?? []), b.barcode]);

  const inserts: (typeof products.$inferInsert)[] = [];
  const updates: Record<string, unknown>[] = [];
  /** Products whose prices and barcodes are (re)written. */
  const rewritten: { id: string; row: SyncedProduct }[] = [];
  for (const { row, id, isNew } of targets) {
    outcome.ids.set(row.externalId, id);
    const now = current.get(id);
    const folderId = row.folderExternalId ? folders.get(row.folderExternalId)! : null;
    const archivedAt = row.archived ? (now?.archivedAt ?? row.archivedAt) : null;
    const wantedPrices = new Map(row.prices.map((p) => [types.get(p.priceType)!, p.amount]));
    if (isNew || !now) {
      inserts.push({
        tenantId,
        id,
        code: row.code,
        article: row.article,
        name: row.name,
        description: row.description,
        folderId,
        uom: row.uom,
        vatRate: row.vatRate,
        weight: row.weight,
        volume: row.volume,
        isService: row.isService,
        minStock: row.minStock,
        archivedAt,
      });
      rewritten.push({ id, row });
      outcome.created++;
      continue;
    }
    const havePrices = pricesOf.get(id) ?? new Map<string, string>();
    const samePrices =
      havePrices.size === wantedPrices.size &&
      [...wantedPrices].every(([type, amount]) => sameDecimal(havePrices.get(type), amount));
    const sameBarcodes = sameList(barcodesOf.get(id) ?? [], [...new Set(row.barcodes)]);
    const sameRow =
      sameText(now.code, row.code) &&
      sameText(now.article, row.article) &&
      sameText(now.name, row.name) &&
      sameText(now.description, row.description) &&
      sameText(now.folderId, folderId) &&
      sameText(now.uom, row.uom) &&
      sameDecimal(now.vatRate, row.vatRate) &&
      sameDecimal(now.weight, row.weight) &&
      sameDecimal(now.volume, row.volume) &&
      now.isService === row.isService &&
      sameDecimal(now.minStock, row.minStock) &&
      (now.archivedAt === null) === !row.archived;
    if (sameRow && samePrices && sameBarcodes) {
      outcome.unchanged++;
      continue;
    }
    if (!sameRow)
      updates.push({
        id,
        code: row.code,
        article: row.article,
        name: row.name,
        description: row.description,
        folder_id: folderId,
        uom: row.uom,
        vat_rate: row.vatRate,
        weight: row.weight,
        volume: row.volume,
        is_service: row.isService,
        min_stock: row.minStock,
        archived_at: archivedAt,
      });
    if (!samePrices || !sameBarcodes) rewritten.push({ id, row });
    outcome.updated++;
  }

  if (inserts.length) await tx.db.insert(products).values(inserts);
  await updateFromJson(
    tx,
    'products',
    tenantId,
    [
      ['code', 'text'],
      ['article', 'text'],
      ['name', 'text'],
      ['description', 'text'],
      ['folder_id', 'uuid'],
      ['uom', 'text'],
      ['vat_rate', 'numeric'],
      ['weight', 'numeric'],
      ['volume', 'numeric'],
      ['is_service', 'boolean'],
      ['min_stock', 'numeric'],
      ['archived_at', 'timestamptz'],
    ],
    updates,
  );
  await rewritePricesAndBarcodes(tx, tenantId, rewritten, types);
  await linkExternalRefs(
    tx,
    source,
    'product',
    targets.filter((t) => t.isNew || t.link).map((t) => ({ externalId: t.row.externalId, entityId: t.id })),
  );
  return outcome;
}

async function rewritePricesAndBarcodes(
  tx: Tx,
  tenantId: string,
  rewritten: readonly { id: string; row: SyncedProduct }[],
  types: Map<string, string>,
) {
  if (!rewritten.length) return;
  const ids = rewritten.map((r) => r.id);
  await tx.db
    .delete(productPrices)
    .where(and(eq(productPrices.tenantId, tenantId), anyId(productPrices.productId, ids)));
  await tx.db
    .delete(productBarcodes)
    .where(and(eq(productBarcodes.tenantId, tenantId), anyId(productBarcodes.productId, ids)));
  const prices = rewritten.flatMap(({ id, row }) => {
    const byType = new Map(row.prices.map((p) => [types.get(p.priceType)!, p.amount]));
    return [...byType].map(([priceTypeId, amount]) => ({ tenantId, productId: id, priceTypeId, amount }));
  });
  const barcodes = rewritten.flatMap(({ id, row }) =>
    [...new Set(row.barcodes)].map((barcode) => ({ tenantId, productId: id, barcode })),
  );
  for (let i = 0; i < prices.length; i += 5_000)
    await tx.db.insert(productPrices).values(prices.slice(i, i + 5_000));
  // A barcode another product holds stays with it (barcodes are unique per tenant).
  for (let i = 0; i < barcodes.length; i += 5_000)
    await tx.db
      .insert(productBarcodes)
      .values(barcodes.slice(i, i + 5_000))
      .onConflictDoNothing({ target: [productBarcodes.tenantId, productBarcodes.barcode] });
}

export async function upsertSyncedVariants(
  tx: Tx,
  source: SyncSource,
  input: readonly SyncedVariant[],
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  const tenantId = source.tenantId;
  let rows = lastPerExternalId(input);
  if (!rows.length) return outcome;
  const parents = await resolveExternalIds(
    tx,
    source,
    'product',
    rows.map((r) => r.productExternalId),
  );
  rows = rows.filter((r) => {
    if (parents.has(r.productExternalId)) return true;
    outcome.failures.push({
      externalId: r.externalId,
      reason: `product ${r.productExternalId} is not synced`,
    });
    return false;
  });
  const spec = {
    table: 'product_variants',
    entityType: 'product_variant',
    what: 'variant',
    codeOf: (r: SyncedVariant) => r.code,
  };
  const { targets, failures } = await bindSyncedRows(tx, source, spec, rows, uuidv7);
  outcome.failures.push(...failures);
  const existing = targets.filter((t) => !t.isNew).map((t) => t.id);
  const current = new Map(
    existing.length
      ? (
          await tx.db
            .select()
            .from(productVariants)
            .where(and(eq(productVariants.tenantId, tenantId), anyId(productVariants.id, existing)))
        ).map((row) => [row.id, row])
      : [],
  );
  const inserts: (typeof productVariants.$inferInsert)[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const { row, id, isNew } of targets) {
    outcome.ids.set(row.externalId, id);
    const productId = parents.get(row.productExternalId)!;
    const now = current.get(id);
    if (isNew || !now) {
      inserts.push({
        tenantId,
        id,
        productId,
        code: row.code,
        name: row.name,
        characteristics: row.characteristics,
      });
      outcome.created++;
    } else if (
      now.productId === productId &&
      now.code === row.code &&
      now.name === row.name &&
      stableJson(now.characteristics) === stableJson(row.characteristics)
    ) {
      outcome.unchanged++;
    } else {
      updates.push({
        id,
        product_id: productId,
        code: row.code,
        name: row.name,
        characteristics: row.characteristics,
      });
      outcome.updated++;
    }
  }
  if (inserts.length) await tx.db.insert(productVariants).values(inserts);
  await updateFromJson(
    tx,
    'product_variants',
    tenantId,
    [
      ['product_id', 'uuid'],
      ['code', 'text'],
      ['name', 'text'],
      ['characteristics', 'jsonb'],
    ],
    updates,
  );
  await linkExternalRefs(
    tx,
    source,
    'product_variant',
    targets.filter((t) => t.isNew || t.link).map((t) => ({ externalId: t.row.externalId, entityId: t.id })),
  );
  return outcome;
}
