import { eq } from 'drizzle-orm';
import { missingReference, pgErrorOf } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { hasPermission } from '../../../platform/http/auth.js';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../../platform/http/errors.js';
import { diff, writeAudit } from '../audit.js';
import { checkPasswordPolicy, hashPassword } from '../passwords.js';
import { scopePredicate } from '../scope.js';
import { users } from '../tables/users.tables.js';
import { envelope, tenantReadOf, tenantTxOf } from '../../../platform/resource/index.js';
import { iso, noSessionCache, type CallContext, type SessionCache } from './context.js';
import { checkPhoneRequired, phoneField } from '../phone.js';
import { tenantSettings } from './tenants.repository.js';
import type { SessionRevocations } from '../auth/revocation.js';
import * as repo from './users.repository.js';
import type { CreateUserBody, RolesBody, UpdateUserBody, User, UserListQuery } from './users.schemas.js';

/**
 * The (tenant_id, …) keys of users' references (migration 0021_tenant_reference_keys). Outlets are
 * catalog's, which identity does not read: their key is the check. Org units are checked first.
 */
const REFERENCE_KEYS = {
  users_tenant_primary_outlet_fk: { path: '/body/primary_outlet_id', message: 'no such outlet' },
  users_tenant_org_unit_fk: { path: '/body/org_unit_id', message: 'no such org unit' },
};

/**
 * Unique keys of users, by name: under row-level security PostgreSQL leaves the key's columns out
 * of the error, so the name says which member was taken (a concurrent write that passed the check).
 */
const UNIQUE_KEYS: Record<string, string> = {
  users_email_key: '/body/email',
  users_tenant_username_key: '/body/username',
  users_employee_code_key: '/body/employee_code',
};

const duplicate = (path: string, cause?: unknown) =>
  new AppError(409, 'DUPLICATE', 'A record with the same unique value already exists.', {
    errors: [{ path, message: 'must be unique' }],
    cause,
  });

/** A write of a users row, its references' and unique keys' violations answered at their members. */
const keyed = <T>(write: Promise<T>): Promise<T> =>
  write.catch((error: unknown) => {
    const pg = pgErrorOf(error);
    const taken = pg?.code === '23505' && pg.constraint ? UNIQUE_KEYS[pg.constraint] : undefined;
    if (taken) throw duplicate(taken, error);
    throw missingReference(error, REFERENCE_KEYS) ?? error;
  });

export function toUserJson(row: repo.UserRow, roles: string[], teams: string[]): User {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    first_name: row.firstName,
    last_name: row.lastName,
    phone: row.phone,
    status: row.status,
    employee_code: row.employeeCode,
    manager_id: row.managerId,
    org_unit_id: row.orgUnitId,
    primary_outlet_id: row.primaryOutletId,
    hired_at: row.hiredAt,
    terminated_at: row.terminatedAt,
    roles,
    teams,
    last_login_at: iso(row.lastLoginAt),
    deactivated_at: iso(row.deactivatedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The API view of a user row just read or written, with its current roles and teams. */
async function present(tx: Tx, tenantId: string, row: repo.UserRow): Promise<User> {
  const full = await repo.findUserWithMemberships(tx, tenantId, row.id);
  return toUserJson(row, full?.roleKeys ?? [], full?.teamIds ?? []);
}

/** Fields of the audit diff (no secrets, no bookkeeping). */
const auditable = (u: User): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, last_login_at: _l, teams: _t, ...rest } = u;
  return rest;
};

/**
 * Without `users:read` a caller reaches only their own record (so every signed-in user can read it
 * through GET /users/{id}), not even the members of a team they lead.
 */
const selfOnly = (ctx: CallContext) =>
  hasPermission(ctx.principal, 'users:read') ? undefined : eq(users.id, ctx.principal.userId);

/** Read scope of a caller over users: their data scope, narrowed by `selfOnly`. */
const readScope = (ctx: CallContext) => selfOnly(ctx) ?? scopePredicate(ctx.principal, users.id);

/** The user `id` within the caller's read scope, locked for a write; 404 otherwise. */
const findForWrite = (tx: Tx, ctx: CallContext, id: string) =>
  repo.userResource.find(tx, ctx, id, { lock: true, where: [selfOnly(ctx)] });

export function createUsersService(deps: {
  db: TenantDatabase;
  sessionCache?: SessionCache;
  /** Deactivation tells every instance (evicting verdicts, closing event streams) as it commits. */
  revocations?: Pick<SessionRevocations, 'announce' | 'apply' | 'announceStale' | 'applyStale'>;
}) {
  const cache = deps.sessionCache ?? noSessionCache;
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  async function resolveRoleIds(tx: Tx, tenantId: string, refs: string[], path: string) {
    const unique = [...new Set(refs)];
    const found = await repo.rolesByKeyOrId(tx, tenantId, unique);
    const missing = unique.filter((r) => !found.some((f) => f.key === r || f.id === r));
    if (missing.length > 0)
      throw validationFailed(
        missing.map((r) => ({ path, message: `unknown role ${r}` })),
        'Unknown role.',
      );
    return found;
  }

  async function checkReferences(tx: Tx, ctx: CallContext, body: UpdateUserBody, selfId?: string) {
    if (body.manager_id) {
      if (body.manager_id === selfId)
        throw validationFailed([{ path: '/body/manager_id', message: 'a user cannot manage themself' }]);
      if (!(await repo.userExists(tx, ctx.tenantId, body.manager_id)))
        throw validationFailed([{ path: '/body/manager_id', message: 'no such user' }]);
    }
    if (body.org_unit_id && !(await repo.orgUnitExists(tx, ctx.tenantId, body.org_unit_id)))
      throw validationFailed([{ path: '/body/org_unit_id', message: 'no such org unit' }]);
    if (body.hired_at && body.terminated_at && body.terminated_at < body.hired_at)
      throw validationFailed([{ path: '/body/terminated_at', message: 'must not be before hired_at' }]);
    // Usernames are unique per tenant whatever their case (`Akmal` and `akmal` are one login).
    if (body.username && (await repo.usernameTaken(tx, ctx.tenantId, body.username, selfId)))
      throw duplicate('/body/username');
  }

  const columnsOf = (body: UpdateUserBody, region: string): Partial<repo.NewUserRow> => {
    const values: Partial<repo.NewUserRow> = {};
    if (body.email !== undefined) values.email = body.email.trim().toLowerCase();
    if (body.username !== undefined) values.username = body.username;
    if (body.first_name !== undefined) values.firstName = body.first_name;
    if (body.last_name !== undefined) values.lastName = body.last_name;
    if (body.phone !== undefined) values.phone = phoneField(body.phone, region);
    if (body.employee_code !== undefined) values.employeeCode = body.employee_code;
    if (body.manager_id !== undefined) values.managerId = body.manager_id;
    if (body.org_unit_id !== undefined) values.orgUnitId = body.org_unit_id;
    if (body.primary_outlet_id !== undefined) values.primaryOutletId = body.primary_outlet_id;
    if (body.hired_at !== undefined) values.hiredAt = body.hired_at;
    if (body.terminated_at !== undefined) values.terminatedAt = body.terminated_at;
    return values;
  };

  async function assertNotLastAdmin(tx: Tx, tenantId: string, target: repo.UserRow, rolesBefore: string[]) {
    if (target.status !== 'active' || !rolesBefore.includes('admin')) return;
    if ((await repo.lockAndCountActiveAdmins(tx, tenantId)) <= 1)
      throw conflict('LAST_ADMIN', 'This is the last active administrator of the tenant.');
  }

  return {
    list(ctx: CallContext, query: UserListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await repo.listUsers(tx, ctx, query, {
          role: query.role,
          team: query.team,
          orgUnit: query.org_unit,
          status: query.status,
          q: query.q,
        });
        return envelope('users', page, (r) => toUserJson(r, r.roleKeys, r.teamIds));
      });
    },

    async get(ctx: CallContext, id: string) {
      const row = await tenantRead(ctx, (tx) =>
        repo.findUserWithMemberships(tx, ctx.tenantId, id, readScope(ctx)),
      );
      if (!row) throw notFound('User');
      return toUserJson(row, row.roleKeys, row.teamIds);
    },

    async create(ctx: CallContext, body: CreateUserBody) {
      // argon2 before the transaction: it must not hold a connection (PGlite has one) nor repeat on retry.
      const passwordHash = await hashPassword(body.password);
      return tenantTx(ctx, async (tx) => {
        const settings = await tenantSettings(tx, ctx.tenantId);
        checkPasswordPolicy(body.password, { minLength: settings.password_min_length, email: body.email });
        const columns = columnsOf(body, settings.default_phone_region);
        checkPhoneRequired(columns.phone, settings);
        await checkReferences(tx, ctx, body);
        // Creating a user with roles is assigning roles: no escalation through users:write alone.
        if (body.roles?.length && !hasPermission(ctx.principal, 'users:assign_roles'))
          throw forbidden('Assigning roles needs the permission users:assign_roles.');
        const roleRows = body.roles?.length
          ? await resolveRoleIds(tx, ctx.tenantId, body.roles, '/body/roles')
          : [];
        const row = await keyed(
          repo.insertUser(tx, {
            tenantId: ctx.tenantId,
            ...(columns as { email: string; firstName: string }),
            passwordHash,
          }),
        );
        await repo.replaceUserRoles(
          tx,
          ctx.tenantId,
          row.id,
          roleRows.map((r) => r.id),
        );
        const user = await present(tx, ctx.tenantId, row);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'user.create',
          entityType: 'user',
          entityId: row.id,
          changes: diff(undefined, auditable(user)),
        });
        return user;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateUserBody) {
      return tenantTx(ctx, async (tx) => {
        const current = await findForWrite(tx, ctx, id);
        const settings = await tenantSettings(tx, ctx.tenantId);
        const columns = columnsOf(body, settings.default_phone_region);
        checkPhoneRequired(columns.phone === undefined ? current.phone : columns.phone, settings);
        await checkReferences(
          tx,
          ctx,
          {
            ...body,
            hired_at: body.hired_at === undefined ? current.hiredAt : body.hired_at,
            terminated_at: body.terminated_at === undefined ? current.terminatedAt : body.terminated_at,
          },
          id,
        );
        const before = await present(tx, ctx.tenantId, current);
        const row = await keyed(repo.updateUser(tx, ctx.tenantId, id, columns));
        const after = await present(tx, ctx.tenantId, row);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'user.update',
          entityType: 'user',
          entityId: id,
          changes: diff(auditable(before), auditable(after)),
        });
        return after;
      });
    },

    /** Deactivation: never a hard delete; the user's sessions are revoked at once. */
    async deactivate(ctx: CallContext, id: string): Promise<void> {
      const revoked = await tenantTx(ctx, async (tx): Promise<string[]> => {
        const current = await findForWrite(tx, ctx, id);
        const before = await present(tx, ctx.tenantId, current);
        await assertNotLastAdmin(tx, ctx.tenantId, current, before.roles);
        if (current.status === 'inactive') return [];
        await repo.updateUser(tx, ctx.tenantId, id, { status: 'inactive', deactivatedAt: new Date() });
        const sessionIds = await repo.revokeUserSessions(tx, ctx.tenantId, id, 'user_deactivated');
        await deps.revocations?.announce(tx, { userId: id });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'user.deactivate',
          entityType: 'user',
          entityId: id,
          changes: { before: { status: 'active' }, after: { status: 'inactive' } },
        });
        return sessionIds;
      });
      // After the commit, so a request that read the user before it cannot re-cache the old verdict.
      cache.evict(revoked);
      deps.revocations?.apply({ userId: id });
    },

    activate(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await findForWrite(tx, ctx, id);
        if (current.status === 'active') return present(tx, ctx.tenantId, current);
        const row = await repo.updateUser(tx, ctx.tenantId, id, {
          status: 'active',
          deactivatedAt: null,
          failedLoginCount: 0,
          lockedUntil: null,
        });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'user.activate',
          entityType: 'user',
          entityId: id,
          changes: { before: { status: 'inactive' }, after: { status: 'active' } },
        });
        return present(tx, ctx.tenantId, row);
      });
    },

    async setRoles(ctx: CallContext, id: string, body: RolesBody): Promise<User> {
      const user = await tenantTx(ctx, async (tx) => {
        const current = await findForWrite(tx, ctx, id);
        const before = await present(tx, ctx.tenantId, current);
        const roleRows = await resolveRoleIds(tx, ctx.tenantId, body.roles, '/body/roles');
        if (!roleRows.some((r) => r.key === 'admin'))
          await assertNotLastAdmin(tx, ctx.tenantId, current, before.roles);
        await repo.replaceUserRoles(
          tx,
          ctx.tenantId,
          id,
          roleRows.map((r) => r.id),
        );
        const after = await present(tx, ctx.tenantId, current);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'user.roles',
          entityType: 'user',
          entityId: id,
          changes: { before: { roles: before.roles }, after: { roles: after.roles } },
        });
        await deps.revocations?.announceStale(tx, { userId: id });
        return after;
      });
      // The user's sessions carry the old permissions in every instance's resolver cache.
      deps.revocations?.applyStale({ userId: id });
      return user;
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
