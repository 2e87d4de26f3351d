import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped } from '../../../platform/db/tenant-table.js';
import { appAccess, APPEND_ONLY } from '../../../platform/db/access.js';

export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * Append-only record of every successful write and auth event. The application role may insert and
 * read (its tenant's rows) but never update or delete (revoked in a hand-written migration).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    ...tenantColumns(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    actorTenantId: uuid('actor_tenant_id'),
    impersonated: boolean('impersonated').notNull().default(false),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    changes: jsonb('changes').$type<AuditChanges>(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
  },
  (t) => [
    ...tenantScoped(t),
    index('audit_log_tenant_at_idx').on(t.tenantId, t.at),
    index('audit_log_tenant_entity_idx').on(t.tenantId, t.entityType, t.entityId),
    index('audit_log_tenant_actor_idx').on(t.tenantId, t.actorUserId, t.at),
  ],
);
appAccess(auditLog, APPEND_ONLY);
