import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { AppError } from '../../../platform/http/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import type { STOCK_MOVEMENT_KINDS } from '../tables/inventory.tables.js';
import { stockMovements } from '../tables/inventory.tables.js';
import { qty, qtyText } from './decimal.js';

/** One stock level: a product (or one of its variants) in one warehouse. */
export interface LevelKey {
  productId: string;
  variantId: string | null;
  warehouseId: string;
}

/** What a change does to one level, in thousandths (see decimal.ts). */
export interface LevelDelta extends LevelKey {
  stock: bigint;
  reserve: bigint;
  inTransit: bigint;
}

/** A movement to write: a signed change of on-hand stock at an instant. */
export interface MovementInput extends LevelKey {
  /** Given when the caller answers with the movement it wrote (a new id otherwise). */
  id?: string;
  moment: Date;
  quantity: bigint;
  kind: (typeof STOCK_MOVEMENT_KINDS)[number];
  documentId?: string | null;
  reason?: string | null;
  createdBy?: string | null;
}

export const levelKeyOf = (k: LevelKey): string => `${k.productId}|${k.variantId ?? ''}|${k.warehouseId}`;

/** Keys in the one order every writer locks levels in: product, variant (none first), warehouse. */
export const compareKeys = (a: LevelKey, b: LevelKey): number =>
  cmp(a.productId, b.productId) ||
  cmp(a.variantId ?? '', b.variantId ?? '') ||
  cmp(a.warehouseId, b.warehouseId);

/** Plain code-unit order: lower-case UUID text sorts as PostgreSQL sorts the uuid values. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sums deltas per level; levels whose change is zero everywhere are left out. */
export function mergeDeltas(deltas: Iterable<LevelDelta>): LevelDelta[] {
  const merged = new Map<string, LevelDelta>();
  for (const d of deltas) {
    const key = levelKeyOf(d);
    const held = merged.get(key);
    if (held) {
      held.stock += d.stock;
      held.reserve += d.reserve;
      held.inTransit += d.inTransit;
    } else merged.set(key, { ...d });
  }
  return [...merged.values()]
    .filter((d) => d.stock !== 0n || d.reserve !== 0n || d.inTransit !== 0n)
    .sort(compareKeys);
}

export interface LockedLevel extends LevelKey {
  id: string;
  stock: string;
  reserve: string;
  inTransit: string;
  unitCost: string | null;
  lastMovementAt: Date | null;
}

const arrays = (keys: readonly LevelKey[]) => ({
  products: `{${keys.map((k) => k.productId).join(',')}}`,
  variants: `{${keys.map((k) => k.variantId ?? 'NULL').join(',')}}`,
  warehouses: `{${keys.map((k) => k.warehouseId).join(',')}}`,
});

/**
 * Makes sure a level row exists for every key and locks them all, in the one deterministic order
 * (`compareKeys`), so concurrent writers touching the same levels wait for each other instead of
 * deadlocking, and a shipment sees the stock the previous one left. Returns the rows by key, and
 * the keys whose row this call created.
 */
export async function lockLevels(
  tx: Tx,
  tenantId: string,
  keys: readonly LevelKey[],
): Promise<{ levels: Map<string, LockedLevel>; created: Set<string> }> {
  const sorted = [...new Map(keys.map((k) => [levelKeyOf(k), k])).values()].sort(compareKeys);
  if (!sorted.length) return { levels: new Map(), created: new Set() };
  const a = arrays(sorted);
  const ids = `{${sorted.map(() => uuidv7()).join(',')}}`;
  const inserted = await selectRows<{ product_id: string; variant_id: string | null; warehouse_id: string }>(
    tx,
    sql`insert into stock_levels (tenant_id, id, product_id, variant_id, warehouse_id)
      select ${tenantId}, v.id, v.product_id, v.variant_id, v.warehouse_id
      from unnest(${ids}::uuid[], ${a.products}::uuid[], ${a.variants}::uuid[], ${a.warehouses}::uuid[])
        with ordinality as v(id, product_id, variant_id, warehouse_id, n)
      order by v.n
      on conflict on constraint stock_levels_tenant_product_variant_warehouse_key do nothing
      returning product_id, variant_id, warehouse_id`,
  );
  const rows = await selectRows<{
    id: string;
    product_id: string;
    variant_id: string | null;
    warehouse_id: string;
    stock: string;
    reserve: string;
    in_transit: string;
    unit_cost: string | null;
    last_movement_at: string | Date | null;
  }>(
    tx,
    sql`select sl.id, sl.product_id, sl.variant_id, sl.warehouse_id, sl.stock, sl.reserve, sl.in_transit,
        sl.unit_cost, sl.last_movement_at
      from stock_levels sl
      join unnest(${a.products}::uuid[], ${a.variants}::uuid[], ${a.warehouses}::uuid[])
        as v(product_id, variant_id, warehouse_id)
        on sl.product_id = v.product_id and sl.variant_id is not distinct from v.variant_id
        and sl.warehouse_id = v.warehouse_id
      where sl.tenant_id = ${tenantId}
      order by sl.product_id, sl.variant_id nulls first, sl.warehouse_id
      for update of sl`,
  );
  const levels = new Map<string, LockedLevel>();
  for (const r of rows) {
    const level: LockedLevel = {
      id: r.id,
      productId: r.product_id,
      variantId: r.variant_id,
      warehouseId: r.warehouse_id,
      stock: r.stock,
      reserve: r.reserve,
      inTransit: r.in_transit,
      unitCost: r.unit_cost,
      lastMovementAt: r.last_movement_at === null ? null : new Date(r.last_movement_at),
    };
    levels.set(levelKeyOf(level), level);
  }
  const created = new Set(
    inserted.map((r) =>
      levelKeyOf({ productId: r.product_id, variantId: r.variant_id, warehouseId: r.warehouse_id }),
    ),
  );
  return { levels, created };
}

/** One product's missing stock in one warehouse, as the 409 `INSUFFICIENT_STOCK` lists it. */
export interface Shortage {
  product_id: string;
  variant_id: string | null;
  warehouse_id: string;
  /** On hand before the change. */
  stock: string;
  /** What the change takes away. */
  requested: string;
  /** How much is missing: requested − stock. */
  shortfall: string;
}

export const insufficientStock = (shortages: Shortage[]) =>
  new AppError(
    409,
    'INSUFFICIENT_STOCK',
    `Not enough stock for ${shortages.length} product(s): ${shortages
      .map((s) => `${s.product_id} short by ${s.shortfall}`)
      .join('; ')}.`,
    { extensions: { shortages } },
  );

/** One document's (or adjustment's) change of levels, with the movements that record it. */
export interface StockChange {
  deltas: Iterable<LevelDelta>;
  movements: readonly MovementInput[];
}

/**
 * Applies deltas to the levels and writes the movements, atomically in the caller's transaction:
 * the levels are locked in the deterministic order first, then, when `forbidNegative` holds, any
 * level the change takes stock from and leaves below zero stops everything with 409
 * `INSUFFICIENT_STOCK` (nothing is written). Reserve and in-transit never go below zero.
 * `last_movement_at` becomes the latest moment among the level's movements.
 */
export async function applyStockChange(
  tx: Tx,
  tenantId: string,
  change: StockChange & { forbidNegative: boolean },
): Promise<void> {
  await applyStockChanges(tx, tenantId, [change], { forbidNegative: change.forbidNegative });
}

/**
 * The services among `productIds`: a service (delivery, installation) is sold and bought on
 * documents but keeps no stock, as in MoySklad, so its lines move no level and leave no movement.
 */
export async function servicesAmong(
  tx: Tx,
  tenantId: string,
  productIds: readonly string[],
): Promise<Set<string>> {
  const ids = [...new Set(productIds)];
  if (!ids.length) return new Set();
  const rows = await selectRows<{ id: string }>(
    tx,
    sql`select id from products where tenant_id = ${tenantId} and id = any(${`{${ids.join(',')}}`}::uuid[]) and is_service`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Applies many changes as if one `applyStockChange` ran after the other (each change's reserve and
 * in-transit clamped at zero on the figures the previous ones left, shortages judged on them too),
 * in a bounded number of statements however many changes there are: one lock of every level they
 * touch, one update of the levels, one insert of the movements. A page of synced documents is one
 * call.
 */
export async function applyStockChanges(
  tx: Tx,
  tenantId: string,
  changes: readonly StockChange[],
  options: { forbidNegative: boolean },
): Promise<void> {
  const all = changes.map((c) => mergeDeltas(c.deltas));
  const services = await servicesAmong(tx, tenantId, [
    ...all.flatMap((deltas) => deltas.map((d) => d.productId)),
    ...changes.flatMap((c) => c.movements.map((m) => m.productId)),
  ]);
  const stocked = (key: LevelKey) => !services.has(key.productId);
  const merged = all.map((deltas) => deltas.filter(stocked));
  const movements = changes.flatMap((c) => c.movements.filter((m) => m.quantity !== 0n && stocked(m)));
  const deltaCount = merged.reduce((n, d) => n + d.length, 0);
  if (!deltaCount && !movements.length) return;
  const { levels } = await lockLevels(tx, tenantId, [...merged.flat(), ...movements]);

  const nonNegative = (v: bigint) => (v < 0n ? 0n : v);
  const figures = new Map<string, { stock: bigint; reserve: bigint; inTransit: bigint }>();
  const figuresOf = (key: string) => {
    let held = figures.get(key);
    if (!held) {
      const level = levels.get(key)!;
      held = { stock: qty(level.stock), reserve: qty(level.reserve), inTransit: qty(level.inTransit) };
      figures.set(key, held);
    }
    return held;
  };
  for (const deltas of merged) {
    if (options.forbidNegative) {
      const shortages: Shortage[] = [];
      for (const d of deltas) {
        const before = figuresOf(levelKeyOf(d)).stock;
        if (d.stock < 0n && before + d.stock < 0n)
          shortages.push({
            product_id: d.productId,
            variant_id: d.variantId,
            warehouse_id: d.warehouseId,
            stock: qtyText(before),
            requested: qtyText(-d.stock),
            shortfall: qtyText(-(before + d.stock)),
          });
      }
      if (shortages.length) throw insufficientStock(shortages);
    }
    for (const d of deltas) {
      const held = figuresOf(levelKeyOf(d));
      held.stock += d.stock;
      held.reserve = nonNegative(held.reserve + d.reserve);
      held.inTransit = nonNegative(held.inTransit + d.inTransit);
    }
  }

  const lastMoved = new Map<string, Date>();
  for (const m of movements) {
    const key = levelKeyOf(m);
    const held = lastMoved.get(key);
    if (!held || held < m.moment) lastMoved.set(key, m.moment);
  }
  const touched = new Set([...figures.keys(), ...lastMoved.keys()]);
  const updates = [...touched].map((key) => {
    const level = levels.get(key)!;
    const now = figuresOf(key);
    const moved = lastMoved.get(key);
    const last =
      moved && (!level.lastMovementAt || level.lastMovementAt < moved) ? moved : level.lastMovementAt;
    return {
      id: level.id,
      stock: qtyText(now.stock),
      reserve: qtyText(now.reserve),
      inTransit: qtyText(now.inTransit),
      last: last ? last.toISOString() : null,
    };
  });
  await updateLevels(tx, tenantId, updates);
  await insertMovements(tx, tenantId, movements);
}

/** Writes new figures to locked level rows in one statement. */
export async function updateLevels(
  tx: Tx,
  tenantId: string,
  rows: readonly {
    id: string;
    stock: string;
    reserve: string;
    inTransit: string;
    last: string | null;
    unitCost?: string | null;
  }[],
): Promise<void> {
  if (!rows.length) return;
  const list = (values: (string | null)[]) => `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
  const keepCost = rows.map((r) => (r.unitCost === undefined ? 'true' : 'false'));
  await tx.db.execute(sql`update stock_levels sl set
      stock = v.stock, reserve = v.reserve, in_transit = v.in_transit, last_movement_at = v.last,
      unit_cost = case when v.keep_cost then sl.unit_cost else v.unit_cost end, updated_at = now()
    from unnest(${list(rows.map((r) => r.id))}::uuid[], ${list(rows.map((r) => r.stock))}::numeric[],
      ${list(rows.map((r) => r.reserve))}::numeric[], ${list(rows.map((r) => r.inTransit))}::numeric[],
      ${`{${rows.map((r) => (r.last === null ? 'NULL' : `"${r.last}"`)).join(',')}}`}::timestamptz[],
      ${list(rows.map((r) => r.unitCost ?? null))}::numeric[], ${`{${keepCost.join(',')}}`}::boolean[])
      as v(id, stock, reserve, in_transit, last, unit_cost, keep_cost)
    where sl.tenant_id = ${tenantId} and sl.id = v.id`);
}

/** Appends movements (zero quantities are skipped). */
export async function insertMovements(tx: Tx, tenantId: string, movements: readonly MovementInput[]) {
  const rows = movements.filter((m) => m.quantity !== 0n);
  if (!rows.length) return;
  await tx.db.insert(stockMovements).values(
    rows.map((m) => ({
      tenantId,
      ...(m.id ? { id: m.id } : {}),
      productId: m.productId,
      variantId: m.variantId,
      warehouseId: m.warehouseId,
      moment: m.moment,
      quantity: qtyText(m.quantity),
      kind: m.kind,
      documentId: m.documentId ?? null,
      reason: m.reason ?? null,
      createdBy: m.createdBy ?? null,
    })),
  );
}
