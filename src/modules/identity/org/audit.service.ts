import { eq, gte, lt } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { SystemAccess } from '../../../platform/db/system.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { IsoDateTime, PaginationQuery, Uuid } from '../../../platform/http/schemas.js';
import {
  defineResource,
  envelope,
  tenantTxOf,
  type ResourceCaller,
} from '../../../platform/resource/index.js';
import { auditLog } from '../tables/audit.tables.js';
import { iso, type CallContext } from '../directory/context.js';

export const AuditEntry = Type.Object(
  {
    id: Uuid,
    at: IsoDateTime,
    tenant_id: Uuid,
    actor_user_id: Type.Union([Uuid, Type.Null()]),
    actor_tenant_id: Type.Union([Uuid, Type.Null()]),
    impersonated: Type.Boolean(),
    action: Type.String(),
    entity_type: Type.String(),
    entity_id: Type.Union([Type.String(), Type.Null()]),
    changes: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    request_id: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

const filters = {
  ...PaginationQuery.properties,
  include_total: Type.Optional(
    Type.Boolean({
      description:
        'Count the matching rows into `total`. The audit log only grows: by default `total` is given when the page shows it (the last page of an offset walk) and null otherwise.',
    }),
  ),
  user: Type.Optional(Type.Union([Uuid], { description: 'Actor user id' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'e.g. user.update' })),
  entity_type: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  from: Type.Optional(Type.Union([IsoDateTime], { description: 'Inclusive' })),
  to: Type.Optional(Type.Union([IsoDateTime], { description: 'Exclusive' })),
};
export const AuditQuery = Type.Object(filters);
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditAllQuery = Type.Object({ ...filters, tenant_id: Type.Optional(Uuid) });
export type AuditAllQuery = Static<typeof AuditAllQuery>;

function toJson(row: typeof auditLog.$inferSelect): AuditEntry {
  return {
    id: row.id,
    at: iso(row.at)!,
    tenant_id: row.tenantId,
    actor_user_id: row.actorUserId,
    actor_tenant_id: row.actorTenantId,
    impersonated: row.impersonated,
    action: row.action,
    entity_type: row.entityType,
    entity_id: row.entityId,
    changes: (row.changes as Record<string, unknown> | null) ?? null,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
  };
}

/** Newest first; never counted on every page (the table only grows). */
const auditResource = defineResource({
  table: auditLog,
  name: 'Audit entry',
  tenantId: auditLog.tenantId,
  id: auditLog.id,
  sorts: { at: auditLog.at },
  countsTotal: false,
});

async function search(tx: Tx, ctx: ResourceCaller, query: AuditQuery) {
  const page = await auditResource.list(
    tx,
    ctx,
    { ...query, sort: '-at' },
    {
      where: [
        query.user ? eq(auditLog.actorUserId, query.user) : undefined,
        query.action ? eq(auditLog.action, query.action) : undefined,
        query.entity_type ? eq(auditLog.entityType, query.entity_type) : undefined,
        query.entity_id ? eq(auditLog.entityId, query.entity_id) : undefined,
        query.from ? gte(auditLog.at, new Date(query.from)) : undefined,
        query.to ? lt(auditLog.at, new Date(query.to)) : undefined,
      ],
    },
  );
  return envelope('audit', page, toJson);
}

/** The append-only audit log: a tenant's own rows, or (super_admin) every tenant's. */
export function createAuditService(deps: { db: TenantDatabase; system: SystemAccess }) {
  const tenantTx = tenantTxOf(deps);
  return {
    list: (ctx: CallContext, query: AuditQuery) => tenantTx(ctx, (tx) => search(tx, ctx, query)),
    // Across tenants (or in the one `tenant_id` names) in the super-admin door, which RLS does not bind.
    listAll: (caller: Principal, { tenant_id, ...query }: AuditAllQuery) =>
      deps.system.asSuperAdmin(caller, (tx) =>
        search(tx, { principal: caller, tenantId: tenant_id ?? null }, query),
      ),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
