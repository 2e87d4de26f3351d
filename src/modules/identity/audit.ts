import type { Tx } from '../../platform/db/types.js';
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

/** Writes one audit row in the caller's transaction, so it exists exactly when the change does. */
export async function writeAudit(tx: Tx, source: AuditSource, entry: AuditEntry): Promise<void> {
  await tx.db.insert(auditLog).values({
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
}
