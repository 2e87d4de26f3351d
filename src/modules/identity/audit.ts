import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/types.js';
import { uuidv7 } from '../../lib/ids.js';
import type { AuditSource } from '../../platform/resource/context.js';
import { auditLog, type AuditChanges } from './tables/audit.tables.js';

/** Fields never written to the audit log as they are. */
const SECRET_FIELDS = /password|token|secret|hash|credential/i;

export function redact(values: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, SECRET_FIELDS.test(key) ? '[redacted]' : value]),
  );
}

/** Only the fields that changed, before and after (secrets redacted). */
export function diff(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): AuditChanges {
  if (!before || !after) return { before: redact(before), after: redact(after) };
  const keys = Object.keys(after).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]) && key !== 'updated_at',
  );
  const pick = (source: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, source[k]]));
  return { before: redact(pick(before)), after: redact(pick(after)) };
}

export interface AuditEntry {
  tenantId: string;
  action: string;
  entityType: string;
  entityId?: string | null;
  changes?: AuditChanges;
  actorUserId?: string | null;
}

export { auditSourceOf, type AuditSource } from '../../platform/resource/context.js';

/** Audit facts of the system's own writes (jobs, start-up alignment): no user, no request. */
export const SYSTEM_AUDIT: AuditSource = {
  actorUserId: null,
  actorTenantId: null,
  impersonated: false,
  ip: null,
  userAgent: null,
  requestId: null,
};

const auditRow = (source: AuditSource, entry: AuditEntry) => ({
  tenantId: entry.tenantId,
  action: entry.action,
  entityType: entry.entityType,
  entityId: entry.entityId ?? null,
  changes: entry.changes ?? null,
  actorUserId: entry.actorUserId ?? source.actorUserId,
  actorTenantId: source.actorTenantId,
  impersonated: source.impersonated,
  ip: source.ip,
  userAgent: source.userAgent,
  requestId: source.requestId,
});

/** Writes one audit row in the caller's transaction, so it exists exactly when the change does. */
export async function writeAudit(tx: Tx, source: AuditSource, entry: AuditEntry): Promise<void> {
  await tx.db.insert(auditLog).values(auditRow(source, entry));
}

/** Writes many audit rows in one statement, in the caller's transaction (bulk writers, seeds). */
export async function writeAudits(
  tx: Tx,
  rows: readonly { source: AuditSource; entry: AuditEntry }[],
): Promise<void> {
  if (rows.length) await tx.db.insert(auditLog).values(rows.map((r) => auditRow(r.source, r.entry)));
}

/**
 * The audit row as an INSERT bound to placeholders (`audit_*`), for a prepared statement that
 * writes the row together with its change — as a data-modifying CTE, so the audit costs no round
 * trip of its own. Give the values with `auditPlaceholders(source, entry)`. `when` (say, `exists
 * (select from inserted)`) writes the row only when the change happened in the same statement.
 */
export function auditInsertSql(when?: SQL): SQL {
  const p = (name: string) => sql.placeholder(`audit_${name}`);
  return sql`insert into audit_log (tenant_id, id, action, entity_type, entity_id, changes, actor_user_id,
      actor_tenant_id, impersonated, ip, user_agent, request_id)
    select ${p('tenant_id')}::uuid, ${p('id')}::uuid, ${p('action')}::text, ${p('entity_type')}::text,
      ${p('entity_id')}::text, ${p('changes')}::jsonb, ${p('actor_user_id')}::uuid, ${p('actor_tenant_id')}::uuid,
      ${p('impersonated')}::boolean, ${p('ip')}::text, ${p('user_agent')}::text, ${p('request_id')}::text
    where ${when ?? sql`true`}`;
}

/** The values of `auditInsertSql()`'s placeholders for one entry (the same row `writeAudit` writes). */
export function auditPlaceholders(source: AuditSource, entry: AuditEntry): Record<string, unknown> {
  return {
    audit_tenant_id: entry.tenantId,
    audit_id: uuidv7(),
    audit_action: entry.action,
    audit_entity_type: entry.entityType,
    audit_entity_id: entry.entityId ?? null,
    audit_changes: entry.changes ? JSON.stringify(entry.changes) : null,
    audit_actor_user_id: entry.actorUserId ?? source.actorUserId,
    audit_actor_tenant_id: source.actorTenantId,
    audit_impersonated: source.impersonated,
    audit_ip: source.ip,
    audit_user_agent: source.userAgent,
    audit_request_id: source.requestId,
  };
}

/**
 * The audit row as an INSERT with its values bound, for a data-modifying CTE of the (unprepared)
 * statement that makes the change, so the audit costs no round trip of its own. `when` as in
 * `auditInsertSql`.
 */
export function auditInsertOf(source: AuditSource, entry: AuditEntry, when?: SQL): SQL {
  const v = auditPlaceholders(source, entry);
  return sql`insert into audit_log (tenant_id, id, action, entity_type, entity_id, changes, actor_user_id,
      actor_tenant_id, impersonated, ip, user_agent, request_id)
    select ${v.audit_tenant_id}::uuid, ${v.audit_id}::uuid, ${v.audit_action}::text, ${v.audit_entity_type}::text,
      ${v.audit_entity_id}::text, ${v.audit_changes}::jsonb, ${v.audit_actor_user_id}::uuid,
      ${v.audit_actor_tenant_id}::uuid, ${v.audit_impersonated}::boolean, ${v.audit_ip}::text,
      ${v.audit_user_agent}::text, ${v.audit_request_id}::text
    where ${when ?? sql`true`}`;
}
