import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../../lib/ids.js';
import { anyId } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { customers, warehouses } from '../tables/core.tables.js';
import {
  bindSyncedRows,
  emptyOutcome,
  lastPerExternalId,
  linkExternalRefs,
  resolveExternalIds,
  sameList,
  sameText,
  updateFromJson,
  type SyncOutcome,
  type SyncSource,
} from './synced-refs.js';

/**
 * Customers and warehouses kept in step with an ERP, page by page: a few statements per page
 * whatever its size (bind by external id, read the bound rows, insert the new, update the changed in
 * one statement, link). A row equal to what is stored is counted unchanged and written nowhere.
 */

export interface SyncedCustomer {
  externalId: string;
  code: string;
  name: string;
  legalName: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  archived: boolean;
  /** When the row was archived in the ERP (kept while it stays archived). */
  archivedAt: Date;
}

export interface SyncedWarehouse {
  externalId: string;
  code: string;
  name: string;
  address: string | null;
  archived: boolean;
  archivedAt: Date;
}

const archivedAtOf = (row: { archived: boolean; archivedAt: Date }, current: Date | null | undefined) =>
  row.archived ? (current ?? row.archivedAt) : null;

export async function upsertSyncedCustomers(
  tx: Tx,
  source: SyncSource,
  input: readonly SyncedCustomer[],
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  const rows = lastPerExternalId(input);
  if (!rows.length) return outcome;
  const spec = {
    table: 'customers',
    entityType: 'customer',
    what: 'customer',
    codeOf: (r: SyncedCustomer) => r.code,
  };
  const { targets, failures } = await bindSyncedRows(tx, source, spec, rows, uuidv7);
  outcome.failures.push(...failures);
  const existing = targets.filter((t) => !t.isNew).map((t) => t.id);
  const current = new Map(
    existing.length
      ? (
          await tx.db
            .select()
            .from(customers)
            .where(and(eq(customers.tenantId, source.tenantId), anyId(customers.id, existing)))
        ).map((row) => [row.id, row])
      : [],
  );
  const inserts: (typeof customers.$inferInsert)[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const { row, id, isNew } of targets) {
    outcome.ids.set(row.externalId, id);
    const now = current.get(id);
    const fields = {
      code: row.code,
      name: row.name,
      legalName: row.legalName,
      inn: row.inn,
      kpp: row.kpp,
      ogrn: row.ogrn,
      email: row.email,
      phone: row.phone,
      tags: row.tags,
      archivedAt: archivedAtOf(row, now?.archivedAt),
    };
    if (isNew || !now) {
      // Roles are unknown until documents use the counterparty: both, narrowed by setCustomerRoles.
      inserts.push({ tenantId: source.tenantId, id, ...fields, isCustomer: true, isSupplier: true });
      outcome.created++;
      continue;
    }
    const same =
      sameText(now.code, row.code) &&
      sameText(now.name, row.name) &&
      sameText(now.legalName, row.legalName) &&
      sameText(now.inn, row.inn) &&
      sameText(now.kpp, row.kpp) &&
      sameText(now.ogrn, row.ogrn) &&
      sameText(now.email, row.email) &&
      sameText(now.phone, row.phone) &&
      sameList(now.tags, row.tags) &&
      (now.archivedAt === null) === !row.archived;
    if (same) {
      outcome.unchanged++;
      continue;
    }
    updates.push({
      id,
      code: fields.code,
      name: fields.name,
      legal_name: fields.legalName,
      inn: fields.inn,
      kpp: fields.kpp,
      ogrn: fields.ogrn,
      email: fields.email,
      phone: fields.phone,
      tags: fields.tags,
      archived_at: fields.archivedAt,
    });
    outcome.updated++;
  }
  if (inserts.length) await tx.db.insert(customers).values(inserts);
  await updateFromJson(
    tx,
    'customers',
    source.tenantId,
    [
      ['code', 'text'],
      ['name', 'text'],
      ['legal_name', 'text'],
      ['inn', 'text'],
      ['kpp', 'text'],
      ['ogrn', 'text'],
      ['email', 'text'],
      ['phone', 'text'],
      ['tags', 'text[]'],
      ['archived_at', 'timestamptz'],
    ],
    updates,
  );
  await linkExternalRefs(
    tx,
    source,
    'customer',
    targets.filter((t) => t.isNew || t.link).map((t) => ({ externalId: t.row.externalId, entityId: t.id })),
  );
  return outcome;
}

export async function upsertSyncedWarehouses(
  tx: Tx,
  source: SyncSource,
  input: readonly SyncedWarehouse[],
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  const rows = lastPerExternalId(input);
  if (!rows.length) return outcome;
  const spec = {
    table: 'warehouses',
    entityType: 'warehouse',
    what: 'warehouse',
    codeOf: (r: SyncedWarehouse) => r.code,
  };
  const { targets, failures } = await bindSyncedRows(tx, source, spec, rows, uuidv7);
  outcome.failures.push(...failures);
  const existing = targets.filter((t) => !t.isNew).map((t) => t.id);
  const current = new Map(
    existing.length
      ? (
          await tx.db
            .select()
            .from(warehouses)
            .where(and(eq(warehouses.tenantId, source.tenantId), anyId(warehouses.id, existing)))
        ).map((row) => [row.id, row])
      : [],
  );
  const inserts: (typeof warehouses.$inferInsert)[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const { row, id, isNew } of targets) {
    outcome.ids.set(row.externalId, id);
    const now = current.get(id);
    const archivedAt = archivedAtOf(row, now?.archivedAt);
    if (isNew || !now) {
      inserts.push({
        tenantId: source.tenantId,
        id,
        code: row.code,
        name: row.name,
        address: row.address,
        archivedAt,
      });
      outcome.created++;
      continue;
    }
    if (
      sameText(now.code, row.code) &&
      sameText(now.name, row.name) &&
      sameText(now.address, row.address) &&
      (now.archivedAt === null) === !row.archived
    ) {
      outcome.unchanged++;
      continue;
    }
    updates.push({ id, code: row.code, name: row.name, address: row.address, archived_at: archivedAt });
    outcome.updated++;
  }
  if (inserts.length) await tx.db.insert(warehouses).values(inserts);
  await updateFromJson(
    tx,
    'warehouses',
    source.tenantId,
    [
      ['code', 'text'],
      ['name', 'text'],
      ['address', 'text'],
      ['archived_at', 'timestamptz'],
    ],
    updates,
  );
  await linkExternalRefs(
    tx,
    source,
    'warehouse',
    targets.filter((t) => t.isNew || t.link).map((t) => ({ externalId: t.row.externalId, entityId: t.id })),
  );
  return outcome;
}

const ARCHIVABLE: Record<string, string> = {
  customer: 'customers',
  warehouse: 'warehouses',
  product: 'products',
};

/**
 * Archives the rows the ERP deleted (a DELETE webhook): dictionary rows are kept for the documents
 * and history that point at them. Answers how many were archived now (already archived ones and
 * unknown ids count nothing). Types without an archived state (folders, variants) are left alone.
 */
export async function archiveSyncedRows(
  tx: Tx,
  source: SyncSource,
  entityType: string,
  externalIds: readonly string[],
): Promise<number> {
  const table = ARCHIVABLE[entityType];
  if (!table || !externalIds.length) return 0;
  const ids = [...(await resolveExternalIds(tx, source, entityType, externalIds)).values()];
  if (!ids.length) return 0;
  const { rows } = await tx.sql.query<{ n: number }>(
    `with archived as (
       update ${table} set archived_at = now(), updated_at = now()
        where tenant_id = $1 and id = any($2::uuid[]) and archived_at is null returning 1)
     select count(*)::int as n from archived`,
    [source.tenantId, ids],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Sets whether synced counterparties buy from or supply the tenant, from how the documents use
 * them; only rows whose flags differ are written. Answers how many changed.
 */
export async function setCustomerRoles(
  tx: Tx,
  tenantId: string,
  roles: readonly { id: string; isCustomer: boolean; isSupplier: boolean }[],
): Promise<number> {
  if (!roles.length) return 0;
  const { rows } = await tx.sql.query<{ n: number }>(
    `with changed as (
       update customers c set is_customer = v.is_customer, is_supplier = v.is_supplier, updated_at = now()
         from jsonb_to_recordset($2::jsonb) as v(id uuid, is_customer boolean, is_supplier boolean)
        where c.tenant_id = $1 and c.id = v.id
          and (c.is_customer, c.is_supplier) is distinct from (v.is_customer, v.is_supplier)
        returning 1)
     select count(*)::int as n from changed`,
    [
      tenantId,
      JSON.stringify(roles.map((r) => ({ id: r.id, is_customer: r.isCustomer, is_supplier: r.isSupplier }))),
    ],
  );
  return rows[0]?.n ?? 0;
}
