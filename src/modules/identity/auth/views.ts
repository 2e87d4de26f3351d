import type { Tx } from '../../../platform/db/types.js';
import { writeAudit, type AuditSource } from '../audit.js';
import type * as repo from './auth.repository.js';

export interface MeView {
  id: string;
  tenant_id: string | null;
  email: string;
  username: string | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  status: string;
  roles: string[];
  permissions: string[];
  scope: string;
  is_super_admin: boolean;
  last_login_at: string | null;
}

/** The columns of a user that `meView` shows. */
export type ProfileUser = Pick<
  repo.UserRow,
  'id' | 'tenantId' | 'email' | 'username' | 'firstName' | 'lastName' | 'phone' | 'status' | 'lastLoginAt'
>;

/** The signed-in user as the API shows it (login, refresh and GET /auth/me). */
export function meView(user: ProfileUser, access: repo.Access): MeView {
  return {
    id: user.id,
    tenant_id: access.isSuperAdmin ? null : user.tenantId,
    email: user.email,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    phone: user.phone,
    status: user.status,
    roles: access.roles,
    permissions: access.permissions,
    scope: access.scope,
    is_super_admin: access.isSuperAdmin,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** GET and PUT /auth/me: the user plus the address an open e-mail change would switch to. */
export interface ProfileView extends MeView {
  pending_email: string | null;
}

export const profileView = (user: ProfileUser, access: repo.Access, pendingEmail: string | null) => ({
  ...meView(user, access),
  pending_email: pendingEmail,
});

/** An audit row about a user's own account (logins, password changes, sessions). */
export const auditUserEvent = (
  tx: Tx,
  source: AuditSource,
  tenantId: string,
  userId: string | null,
  action: string,
  changes?: object,
) =>
  writeAudit(tx, source, {
    tenantId,
    action,
    entityType: 'user',
    entityId: userId,
    actorUserId: userId,
    changes: changes as never,
  });
