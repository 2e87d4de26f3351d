import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, notFound, validationFailed } from '../../../platform/http/errors.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { diff, writeAudit } from '../audit.js';
import { scopeForLevel } from '../permissions.js';
import { roles, userRoles } from '../tables/roles.tables.js';
import { inTenant, type CallContext } from './context.js';
import type { SessionRevocations } from '../auth/revocation.js';
import type { CreateRoleBody, Role, RoleListQuery, UpdateRoleBody } from './roles.schemas.js';

type RoleRow = typeof roles.$inferSelect;

const userCount = sql<number>`(select count(*)::int from ${userRoles} ur
  where ur.tenant_id = ${roles.tenantId} and ur.role_id = ${roles.id})`;

function toRoleJson(row: RoleRow, users: number): Role {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    level: row.level,
    permissions: [...row.permissions].sort(),
    builtin: row.builtin,
    data_scope: scopeForLevel(row.level, [row.key]),
    user_count: Number(users),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function createRolesService(deps: {
  db: TenantDatabase;
  permissions: readonly PermissionDefinition[];
  /** Tells every instance that the role's holders' cached permissions are stale. */
  revocations?: Pick<SessionRevocations, 'announceStale' | 'applyStale'>;
}) {
  const known = new Set(deps.permissions.map((p) => p.name));

  function checkPermissions(list: string[] | undefined): string[] | undefined {
    if (!list) return undefined;
    const errors = list
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => !known.has(p))
      .map(({ p, i }) => ({ path: `/body/permissions/${i}`, message: `unknown permission ${p}` }));
    if (errors.length > 0) throw validationFailed(errors, 'Unknown permission.');
    return [...new Set(list)].sort();
  }

  async function load(tx: Tx, tenantId: string, id: string, forUpdate = false) {
    const query = tx.db
      .select({ role: roles, users: userCount })
      .from(roles)
      .where(and(eq(roles.tenantId, tenantId), eq(roles.id, id)));
    const [row] = forUpdate ? await query.for('update', { of: roles }) : await query;
    if (!row) throw notFound('Role');
    return row;
  }

  const assertCustom = (row: RoleRow) => {
    if (row.builtin) throw conflict('BUILTIN_ROLE', 'Built-in roles cannot be changed or deleted.');
  };

  return {
    catalogue() {
      const permissions = [...deps.permissions]
        .map((p) => ({ name: p.name, description: p.description, roles: [...p.roles] }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { permissions, total: permissions.length, limit: Math.max(permissions.length, 1), offset: 0 };
    },

    list(ctx: CallContext, query: RoleListQuery) {
      return inTenant(deps, ctx, async (tx) => {
        const where = and(
          eq(roles.tenantId, ctx.tenantId),
          query.builtin === undefined ? undefined : eq(roles.builtin, query.builtin),
        );
        const rows = await tx.db
          .select({ role: roles, users: userCount })
          .from(roles)
          .where(where)
          .orderBy(asc(roles.level), asc(roles.key))
          .limit(query.limit)
          .offset(query.offset);
        const [total] = await tx.db.select({ n: count() }).from(roles).where(where);
        return {
          roles: rows.map((r) => toRoleJson(r.role, r.users)),
          total: Number(total?.n ?? 0),
          limit: query.limit,
          offset: query.offset,
        };
      });
    },

    create(ctx: CallContext, body: CreateRoleBody) {
      return inTenant(deps, ctx, async (tx) => {
        const [row] = await tx.db
          .insert(roles)
          .values({
            tenantId: ctx.tenantId,
            key: body.key,
            name: body.name,
            level: body.level,
            permissions: checkPermissions(body.permissions)!,
            builtin: false,
          })
          .returning();
        const role = toRoleJson(row!, 0);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'role.create',
          entityType: 'role',
          entityId: role.id,
          changes: diff(undefined, {
            key: role.key,
            name: role.name,
            level: role.level,
            permissions: role.permissions,
          }),
        });
        return role;
      });
    },

    async update(ctx: CallContext, id: string, body: UpdateRoleBody): Promise<Role> {
      const role = await inTenant(deps, ctx, async (tx) => {
        const current = await load(tx, ctx.tenantId, id, true);
        assertCustom(current.role);
        const [row] = await tx.db
          .update(roles)
          .set({
            key: body.key,
            name: body.name,
            level: body.level,
            permissions: checkPermissions(body.permissions),
            updatedAt: new Date(),
          })
          .where(and(eq(roles.tenantId, ctx.tenantId), eq(roles.id, id)))
          .returning();
        const before = toRoleJson(current.role, current.users);
        const after = toRoleJson(row!, current.users);
        const pick = (r: Role) => ({ key: r.key, name: r.name, level: r.level, permissions: r.permissions });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'role.update',
          entityType: 'role',
          entityId: id,
          changes: diff(pick(before), pick(after)),
        });
        await deps.revocations?.announceStale(tx, { tenantId: ctx.tenantId });
        return after;
      });
      // Every holder's cached permissions are stale now, on this instance and (by NOTIFY) the others.
      deps.revocations?.applyStale({ tenantId: ctx.tenantId });
      return role;
    },

    remove(ctx: CallContext, id: string) {
      return inTenant(deps, ctx, async (tx) => {
        const current = await load(tx, ctx.tenantId, id, true);
        assertCustom(current.role);
        if (Number(current.users) > 0)
          throw conflict('ROLE_IN_USE', 'The role is assigned to users; reassign them first.');
        await tx.db.delete(roles).where(and(eq(roles.tenantId, ctx.tenantId), eq(roles.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'role.delete',
          entityType: 'role',
          entityId: id,
          changes: { before: { key: current.role.key, name: current.role.name } },
        });
      });
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
