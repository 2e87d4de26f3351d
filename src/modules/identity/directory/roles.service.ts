import { and, count, eq, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { defineResource, envelope, tenantTxOf } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../audit.js';
import { scopeForLevel } from '../permissions.js';
import { roles, userRoles } from '../tables/roles.tables.js';
import type { CallContext } from './context.js';
import type { SessionRevocations } from '../auth/revocation.js';
import type { CreateRoleBody, Role, RoleListQuery, UpdateRoleBody } from './roles.schemas.js';

type RoleRow = typeof roles.$inferSelect;

/** Roles by level, lowest first (ties in creation order). */
const roleResource = defineResource({
  table: roles,
  name: 'Role',
  tenantId: roles.tenantId,
  id: roles.id,
  sorts: { level: roles.level },
});

/**
 * Users holding the role, as a column of the role's row. The outer columns are written out
 * qualified: Drizzle renders single-table columns unqualified, which the subquery would read as its own.
 */
const userCount = sql<number>`(select count(*)::int from ${userRoles} ur
  where ur.tenant_id = roles.tenant_id and ur.role_id = roles.id)`;

async function usersHolding(tx: Tx, tenantId: string, roleId: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: count() })
    .from(userRoles)
    .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.roleId, roleId)));
  return Number(row?.n ?? 0);
}

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
  const tenantTx = tenantTxOf(deps);
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

  /** The role, locked for a write, with the number of users holding it; 404 outside the tenant. */
  async function load(tx: Tx, ctx: CallContext, id: string) {
    const role = await roleResource.find(tx, ctx, id, { lock: true });
    return { role, users: await usersHolding(tx, ctx.tenantId, id) };
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
      return tenantTx(ctx, async (tx) => {
        const page = await roleResource.list<{ users: number }>(
          tx,
          ctx,
          { ...query, sort: 'level' },
          {
            where: [query.builtin === undefined ? undefined : eq(roles.builtin, query.builtin)],
            fields: { users: userCount },
          },
        );
        return envelope('roles', page, (r) => toRoleJson(r, r.users));
      });
    },

    create(ctx: CallContext, body: CreateRoleBody) {
      return tenantTx(ctx, async (tx) => {
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
      const role = await tenantTx(ctx, async (tx) => {
        const current = await load(tx, ctx, id);
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
      return tenantTx(ctx, async (tx) => {
        const current = await load(tx, ctx, id);
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
