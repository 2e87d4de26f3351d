import { and, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../../platform/db/types.js';
import { conflict } from '../../../platform/http/errors.js';
import { defineResource, likeEscape, type CallContext } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { leads } from '../tables/leads.tables.js';
import type { attributionSources, campaigns } from '../tables/campaigns.tables.js';

/*
 * What campaigns and attribution sources share: both are tenant records with a code and a name,
 * searched by either, audited without their timestamps, and deletable only while no lead names them.
 */

type CodedTable = typeof campaigns | typeof attributionSources;

/** A coded record as a resource: tenant-wide (no owner), sorted by code, name or creation. */
export function codedResource<T extends CodedTable>(
  table: T,
  name: string,
  sorts: Record<string, AnyPgColumn>,
) {
  return defineResource({
    table,
    name,
    tenantId: table.tenantId,
    id: table.id,
    sorts: { ...sorts, code: table.code, name: table.name, created_at: table.createdAt },
  });
}

/** The `q` filter of both lists: the text inside the name or the code, case-insensitively. */
export function codeOrNameMatches(q: string | undefined, name: AnyPgColumn, code: AnyPgColumn) {
  if (!q) return undefined;
  const pattern = `%${likeEscape(q)}%`;
  return or(ilike(name, pattern), ilike(code, pattern));
}

/** A record as audited: timestamps change on every write and say nothing about the change. */
export const auditable = <T extends { created_at: string; updated_at: string }>({
  created_at: _c,
  updated_at: _u,
  ...rest
}: T) => rest;

/** The tenant's row `id` of `table`, by its key. */
export const byId = (table: CodedTable, tenantId: string, id: string): SQL =>
  and(eq(table.tenantId, tenantId), eq(table.id, id))!;

/**
 * Deletes a record no lead names and audits it; one a lead names stays (409 `code`), so the
 * lead's attribution never dangles — conversions, bonuses and reports read it.
 */
export async function removeUnlessLeadsName(
  tx: Tx,
  ctx: CallContext,
  spec: {
    table: CodedTable;
    id: string;
    leadColumn: typeof leads.campaignId | typeof leads.sourceId;
    code: string;
    detail: string;
    entityType: string;
    before: Record<string, unknown>;
  },
) {
  const [used] = await tx.db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.tenantId, ctx.tenantId), eq(spec.leadColumn, spec.id)))
    .limit(1);
  if (used) throw conflict(spec.code, spec.detail);
  await tx.db.delete(spec.table).where(byId(spec.table, ctx.tenantId, spec.id));
  await writeAudit(tx, ctx.audit, {
    tenantId: ctx.tenantId,
    action: `${spec.entityType}.delete`,
    entityType: spec.entityType,
    entityId: spec.id,
    changes: { before: spec.before },
  });
}

/** Audits a write of a coded record: `after` alone for a creation, the difference otherwise. */
export async function auditWrite(
  tx: Tx,
  ctx: CallContext,
  entry: { entityType: string; action: string; id: string },
  after: { created_at: string; updated_at: string },
  before?: { created_at: string; updated_at: string },
) {
  await writeAudit(tx, ctx.audit, {
    tenantId: ctx.tenantId,
    action: `${entry.entityType}.${entry.action}`,
    entityType: entry.entityType,
    entityId: entry.id,
    changes: before ? diff(auditable(before), auditable(after)) : { after: auditable(after) },
  });
}
