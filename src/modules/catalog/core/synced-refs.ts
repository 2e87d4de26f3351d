import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { externalRefs } from '../tables/core.tables.js';

/** A synced row the catalog could not take, and why (an unknown parent, a code used elsewhere). */
export interface SyncRowFailure {
  externalId: string;
  reason: string;
}

/** What an upsert of synced rows did: counts, the rows refused, and every applied row's local id. */
export interface SyncOutcome {
  created: number;
  updated: number;
  unchanged: number;
  failures: SyncRowFailure[];
  /** external id → local id of every row created, updated or left unchanged. */
  ids: Map<string, string>;
}

export const emptyOutcome = (): SyncOutcome => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  failures: [],
  ids: new Map(),
});

/** Who a synced row comes from: the provider (`moysklad`) its external ids belong to. */
export interface SyncSource {
  tenantId: string;
  provider: string;
}

/**
 * external id → local id for the ids already linked (one statement, however many ids).
 *
 * Each wanted id looks its row up through a scalar subquery that names every column of the unique
 * key `(tenant_id, provider, entity_type, external_id)`: the only plan it can get is one probe of
 * that index per id, whatever the statistics say. The plain `external_id = any($)` form was planned
 * on the `(tenant_id, entity_type, entity_id)` index when the statistics predated a bulk load
 * (every reference of the type read and filtered: 327 ms per lookup at 100,000 products).
 */
export async function resolveExternalIds(
  tx: Tx,
  source: SyncSource,
  entityType: string,
  externalIds: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds)];
  if (!wanted.length) return new Map();
  const { rows } = await tx.sql.query<{ external_id: string; entity_id: string | null }>(
    `select w.external_id, (
        select r.entity_id from external_refs r
         where r.tenant_id = $1 and r.provider = $2 and r.entity_type = $3 and r.external_id = w.external_id
       ) as entity_id
       from unnest($4::text[]) as w(external_id)`,
    [source.tenantId, source.provider, entityType, wanted],
  );
  const found = new Map<string, string>();
  for (const row of rows) if (row.entity_id) found.set(row.external_id, row.entity_id);
  return found;
}

/** Links many external ids at once; an existing link of the same external id moves to the new entity. */
export async function linkExternalRefs(
  tx: Tx,
  source: SyncSource,
  entityType: string,
  links: readonly { externalId: string; entityId: string }[],
): Promise<void> {
  if (!links.length) return;
  await tx.db
    .insert(externalRefs)
    .values(
      links.map((link) => ({
        tenantId: source.tenantId,
        provider: source.provider,
        entityType,
        externalId: link.externalId,
        entityId: link.entityId,
      })),
    )
    .onConflictDoUpdate({
      target: [
        externalRefs.tenantId,
        externalRefs.provider,
        externalRefs.entityType,
        externalRefs.externalId,
      ],
      set: { entityId: sql`excluded.entity_id`, updatedAt: new Date() },
    });
}

/** The last row of each external id: a page of an incremental read may carry a row twice. */
export function lastPerExternalId<R extends { externalId: string }>(rows: readonly R[]): R[] {
  const byId = new Map<string, R>();
  for (const row of rows) {
    byId.delete(row.externalId);
    byId.set(row.externalId, row);
  }
  return [...byId.values()];
}

/** Decimal strings compared by value ("12.50" = "12.5"); null only equals null. */
export function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null;
  return Number(a) === Number(b);
}

export const sameText = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? null) === (b ?? null);

/** Same members, whatever the order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((v, i) => v === right[i]);
}

/** A SQL column list entry for `updateFromJson`: the column and its PostgreSQL type. */
export type JsonColumn = readonly [name: string, type: string];

/**
 * Updates many rows of `table` in one statement: `rows` (each with `id` and the named columns)
 * travel as one JSON parameter and are joined by id, so a page of a thousand changed rows is a
 * single round trip instead of a thousand.
 */
export async function updateFromJson(
  tx: Tx,
  table: string,
  tenantId: string,
  columns: readonly JsonColumn[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (!rows.length) return;
  const set = columns.map(([name]) => `${name} = v.${name}`).join(', ');
  const shape = [['id', 'uuid'] as const, ...columns].map(([name, type]) => `${name} ${type}`).join(', ');
  await tx.sql.query(
    `update ${table} t set ${set}, updated_at = now()
       from jsonb_to_recordset($1::jsonb) as v(${shape})
      where t.tenant_id = $2 and t.id = v.id`,
    [JSON.stringify(rows), tenantId],
  );
}

/**
 * Local rows an unlinked synced row may adopt: the tenant's rows with one of `codes` that no
 * external id of this provider and type points at yet (a catalogue imported before the ERP was
 * connected). code → id.
 */
export async function unlinkedIdsByCode(
  tx: Tx,
  source: SyncSource,
  table: string,
  entityType: string,
  codes: readonly string[],
): Promise<{ unlinked: Map<string, string>; taken: Map<string, string> }> {
  const unlinked = new Map<string, string>();
  const taken = new Map<string, string>();
  if (!codes.length) return { unlinked, taken };
  const { rows } = await tx.sql.query<{ id: string; code: string; linked: boolean }>(
    `select t.id, t.code, exists (
        select 1 from external_refs r
         where r.tenant_id = t.tenant_id and r.provider = $2 and r.entity_type = $3 and r.entity_id = t.id
       ) as linked
       from ${table} t where t.tenant_id = $1 and t.code = any($4::text[])`,
    [source.tenantId, source.provider, entityType, [...new Set(codes)]],
  );
  for (const row of rows) (row.linked ? taken : unlinked).set(row.code, row.id);
  return { unlinked, taken };
}

/** A synced row bound to its local id: an existing one (linked or adopted by code) or a new one. */
export interface SyncTarget<R> {
  row: R;
  id: string;
  isNew: boolean;
  /** Adopted by code: the link is written even when the row itself is unchanged. */
  link: boolean;
}

/**
 * Binds each synced row to a local id: its external reference, else an unlinked local row with the
 * same code (adopted), else a new id. A code held by another linked row, or given to two new rows
 * of the page, is a failure of that row (the unique code would otherwise abort the whole page).
 */
export async function bindSyncedRows<R extends { externalId: string }>(
  tx: Tx,
  source: SyncSource,
  spec: { table: string; entityType: string; what: string; codeOf: (row: R) => string | null },
  rows: readonly R[],
  newId: () => string,
): Promise<{ targets: SyncTarget<R>[]; failures: SyncRowFailure[] }> {
  const refs = await resolveExternalIds(
    tx,
    source,
    spec.entityType,
    rows.map((r) => r.externalId),
  );
  const codes = rows.map(spec.codeOf).filter((c): c is string => !!c);
  const { unlinked, taken } = await unlinkedIdsByCode(tx, source, spec.table, spec.entityType, codes);
  const targets: SyncTarget<R>[] = [];
  const failures: SyncRowFailure[] = [];
  const codeOwner = new Map<string, string>();
  for (const row of rows) {
    const code = spec.codeOf(row);
    let id = refs.get(row.externalId);
    let link = false;
    const holder = code ? (taken.get(code) ?? unlinked.get(code)) : undefined;
    if (!id && code && unlinked.has(code) && !codeOwner.has(code)) {
      id = unlinked.get(code)!;
      link = true;
    }
    const isNew = !id;
    id ??= newId();
    if (code && ((holder && holder !== id) || (codeOwner.has(code) && codeOwner.get(code) !== id))) {
      failures.push({ externalId: row.externalId, reason: `code ${code} is used by another ${spec.what}` });
      continue;
    }
    if (code) codeOwner.set(code, id);
    targets.push({ row, id, isNew, link });
  }
  return { targets, failures };
}
