import { and, asc, count, desc, eq, ilike, isNull, ne, or } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { sessions } from '../tables/sessions.tables.js';
import { tenants, PLATFORM_TENANT_ID, type TenantSettings } from '../tables/tenants.tables.js';
import { effectiveSettings } from '../tenants/settings.js';
import { likeEscape, parseSort } from './context.js';

export type TenantRow = typeof tenants.$inferSelect;

export async function findTenant(tx: Tx, id: string, options: { forUpdate?: boolean } = {}) {
  const query = tx.db.select().from(tenants).where(eq(tenants.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row && row.id !== PLATFORM_TENANT_ID ? row : undefined;
}

/** The tenant's effective settings (defaults over what it stored). */
export async function tenantSettings(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const [row] = await tx.db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return effectiveSettings(row?.settings);
}

const SORT = { created_at: tenants.createdAt, name: tenants.name, slug: tenants.slug } as const;

export async function listTenants(
  tx: Tx,
  f: { status?: 'active' | 'suspended'; q?: string; sort: string; limit: number; offset: number },
) {
  const pattern = f.q ? `%${likeEscape(f.q)}%` : undefined;
  const where = and(
    // The platform tenant (super administrators) is not a customer tenant.
    ne(tenants.id, PLATFORM_TENANT_ID),
    f.status ? eq(tenants.status, f.status) : undefined,
    pattern ? or(ilike(tenants.name, pattern), ilike(tenants.slug, pattern)) : undefined,
  );
  const { field, desc: d } = parseSort(f.sort);
  const column = SORT[field as keyof typeof SORT] ?? tenants.createdAt;
  const rows = await tx.db
    .select()
    .from(tenants)
    .where(where)
    .orderBy(d ? desc(column) : asc(column), asc(tenants.id))
    .limit(f.limit)
    .offset(f.offset);
  const [total] = await tx.db.select({ n: count() }).from(tenants).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function updateTenant(tx: Tx, id: string, values: Partial<typeof tenants.$inferInsert>) {
  const [row] = await tx.db
    .update(tenants)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(tenants.id, id))
    .returning();
  return row!;
}

export async function revokeTenantSessions(tx: Tx, tenantId: string, reason: string) {
  await tx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.tenantId, tenantId), isNull(sessions.revokedAt)));
}
