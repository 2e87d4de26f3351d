import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { outlets } from '../tables/core.tables.js';
import { brands, products } from '../tables/products.tables.js';

/*
 * What other modules may ask the catalogue inside their own transaction. The catalogue's tables
 * stay private (other modules' table definitions reference them only for foreign keys, through
 * tables.ts): callers get ids and the few facts they need.
 */

/** The ids among `ids` of the tenant's outlets that are not archived. */
export async function activeOutletIds(tx: Tx, tenantId: string, ids: readonly string[]) {
  if (!ids.length) return new Set<string>();
  const rows = await tx.db
    .select({ id: outlets.id })
    .from(outlets)
    .where(and(eq(outlets.tenantId, tenantId), inArray(outlets.id, [...ids]), isNull(outlets.archivedAt)));
  return new Set(rows.map((o) => o.id));
}

/** The ids among `ids` of the tenant's products that are not archived. */
export async function activeProductIds(tx: Tx, tenantId: string, ids: readonly string[]) {
  if (!ids.length) return new Set<string>();
  const rows = await tx.db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), inArray(products.id, [...ids]), isNull(products.archivedAt)));
  return new Set(rows.map((p) => p.id));
}

/** An outlet's position and geofence (for check-ins), archived ones included; undefined if none. */
export async function outletGeofence(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx.db
    .select({
      id: outlets.id,
      latitude: outlets.latitude,
      longitude: outlets.longitude,
      radiusM: outlets.geofenceRadiusM,
      archivedAt: outlets.archivedAt,
    })
    .from(outlets)
    .where(and(eq(outlets.tenantId, tenantId), eq(outlets.id, id)));
  return row;
}

/** The ids among `ids` of the tenant's brands; `activeOnly` leaves archived brands out. */
export async function brandIdsAmong(tx: Tx, tenantId: string, ids: readonly string[], activeOnly = false) {
  if (!ids.length) return new Set<string>();
  const rows = await tx.db
    .select({ id: brands.id })
    .from(brands)
    .where(
      and(
        eq(brands.tenantId, tenantId),
        inArray(brands.id, [...ids]),
        activeOnly ? isNull(brands.archivedAt) : undefined,
      ),
    );
  return new Set(rows.map((b) => b.id));
}

/** id → name and own/competitor flag of the tenant's brands among `ids` (archived included). */
export async function brandFacts(tx: Tx, tenantId: string, ids: Iterable<string>) {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map<string, { name: string; isOwn: boolean }>();
  const rows = await tx.db
    .select({ id: brands.id, name: brands.name, isOwn: brands.isOwn })
    .from(brands)
    .where(and(eq(brands.tenantId, tenantId), inArray(brands.id, wanted)));
  return new Map(rows.map((b) => [b.id, { name: b.name, isOwn: b.isOwn }]));
}

/**
 * Code lookups for exports and imports that name outlets and products by code: id → code of the
 * given ids (archived ones included, so an old record still shows its code), and code → id of the
 * given codes among records that are not archived (what a new record may reference).
 */
export async function outletCodesByIds(tx: Tx, tenantId: string, ids: Iterable<string | null>) {
  return codesByIds(tx, outlets, tenantId, ids);
}
export async function productCodesByIds(tx: Tx, tenantId: string, ids: Iterable<string | null>) {
  return codesByIds(tx, products, tenantId, ids);
}
export async function activeOutletIdsByCodes(tx: Tx, tenantId: string, codes: Iterable<string>) {
  return idsByCodes(tx, outlets, tenantId, codes);
}
export async function activeProductIdsByCodes(tx: Tx, tenantId: string, codes: Iterable<string>) {
  return idsByCodes(tx, products, tenantId, codes);
}
/** The ids of the tenant's outlets named by code, archived ones included (sales name past shops). */
export async function outletIdsByCode(tx: Tx, tenantId: string, codes: Iterable<string>) {
  return idsByCodes(tx, outlets, tenantId, codes, { archived: true });
}

async function codesByIds(
  tx: Tx,
  table: typeof outlets | typeof products,
  tenantId: string,
  ids: Iterable<string | null>,
) {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ id: table.id, code: table.code })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.id, wanted)));
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.id, r.code!]));
}

async function idsByCodes(
  tx: Tx,
  table: typeof outlets | typeof products,
  tenantId: string,
  codes: Iterable<string>,
  include: { archived: boolean } = { archived: false },
) {
  const wanted = [...new Set(codes)];
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ id: table.id, code: table.code })
    .from(table)
    .where(
      and(
        eq(table.tenantId, tenantId),
        inArray(table.code, wanted),
        include.archived ? undefined : isNull(table.archivedAt),
      ),
    );
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.code!, r.id]));
}
