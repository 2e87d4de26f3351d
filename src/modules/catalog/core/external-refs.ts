import { and, asc, eq, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { anyId } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { externalRefs } from '../tables/core.tables.js';
import type { ExternalRef } from './core.schemas.js';

/** The catalog entity types external references point at. */
export type ExternalEntityType = 'customer' | 'outlet' | 'warehouse' | 'product' | (string & {});

export interface ExternalRefLink {
  provider: string;
  entityType: ExternalEntityType;
  externalId: string;
  entityId: string;
}

/**
 * Maps `(provider, entityType, externalId)` to `entityId` in the caller's transaction; an existing
 * mapping of the same external id is moved to the new entity (the external system is the source).
 */
export async function linkExternalRef(tx: Tx, tenantId: string, link: ExternalRefLink): Promise<void> {
  await tx.db
    .insert(externalRefs)
    .values({ tenantId, ...link })
    .onConflictDoUpdate({
      target: [
        externalRefs.tenantId,
        externalRefs.provider,
        externalRefs.entityType,
        externalRefs.externalId,
      ],
      set: { entityId: link.entityId, updatedAt: new Date() },
    });
}

/** The entity an external id maps to, if any. */
export async function findByExternalRef(
  tx: Tx,
  tenantId: string,
  ref: Omit<ExternalRefLink, 'entityId'>,
): Promise<string | undefined> {
  const [row] = await tx.db
    .select({ entityId: externalRefs.entityId })
    .from(externalRefs)
    .where(
      and(
        eq(externalRefs.tenantId, tenantId),
        eq(externalRefs.provider, ref.provider),
        eq(externalRefs.entityType, ref.entityType),
        eq(externalRefs.externalId, ref.externalId),
      ),
    );
  return row?.entityId;
}

/** External references of many entities of one type, by entity id (for the API's `external_refs`). */
export async function externalRefsOf(
  tx: Tx,
  tenantId: string,
  entityType: ExternalEntityType,
  ids: readonly string[],
): Promise<Map<string, ExternalRef[]>> {
  const byId = new Map<string, ExternalRef[]>();
  if (ids.length === 0) return byId;
  const rows = await tx.db
    .select()
    .from(externalRefs)
    .where(
      and(
        eq(externalRefs.tenantId, tenantId),
        eq(externalRefs.entityType, entityType),
        anyId(externalRefs.entityId, [...ids]),
      ),
    )
    .orderBy(asc(externalRefs.provider), asc(externalRefs.externalId));
  for (const row of rows) {
    const list = byId.get(row.entityId) ?? [];
    list.push({ provider: row.provider, entity_type: row.entityType, external_id: row.externalId });
    byId.set(row.entityId, list);
  }
  return byId;
}

/**
 * The entity's external references as a JSON array in the API's shape, for a by-id read to select
 * with its row (one statement instead of a second query): a correlated subquery over the entity's
 * `tenant_id` and `id` (qualified by the table's name: a single-table select renders its columns
 * unqualified, which inside the subquery would mean the references' own columns).
 */
export function externalRefsColumn(entityType: ExternalEntityType, table: PgTable) {
  const owner = sql.identifier(getTableName(table));
  return sql<ExternalRef[]>`coalesce((
    select json_agg(json_build_object('provider', r.provider, 'entity_type', r.entity_type,
      'external_id', r.external_id) order by r.provider, r.external_id)
    from ${externalRefs} r
    where r.tenant_id = ${owner}.tenant_id and r.entity_type = ${sql.raw(`'${entityType.replace(/'/g, "''")}'`)}
      and r.entity_id = ${owner}.id), '[]'::json)` as SQL<ExternalRef[]>;
}
