import type { SystemAccess } from '../../../platform/db/system.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import type { Mailer } from '../../../platform/mail/types.js';
import type { AuditSource } from '../audit.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords.js';
import { checkPhoneRequired, phoneField } from '../phone.js';
import { effectiveSettings } from '../tenants/settings.js';
import { randomToken, sha256 } from './crypto.js';
import {
  emailTaken,
  invalidCurrentPassword,
  invalidEmailChangeToken,
  invalidResetToken,
  sessionRevoked,
} from './errors.js';
import { emailChangeConfirmMail, emailChangeNoticeMail, passwordResetMail } from './mail-templates.js';
import * as logins from './login-lookup.js';
import * as repo from './auth.repository.js';
import * as emailRepo from './email-change.repository.js';
import type { SessionRevocations } from './revocation.js';
import { RESET_TOKEN_TTL_MS } from './auth.service.js';
import { auditUserEvent as audit, profileView, type ProfileView } from './views.js';

/** An e-mail change waits this long for its link to be opened. */
export const EMAIL_CHANGE_TTL_MS = 24 * 3600_000;

/**
 * Self-service on one's own account: profile and e-mail change, password change and reset, sessions. Tokens are
 * issued and rotated by the auth service.
 */
export function createAccountService(deps: {
  db: TenantDatabase;
  system: SystemAccess;
  mailer: Mailer;
  publicUrl: string;
  revocations: Pick<SessionRevocations, 'announce' | 'apply'>;
}) {
  const { db } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');

  /** Stores the change (ending any earlier open one) and mails both addresses, in the caller's tx. */
  async function requestEmailChange(tx: Tx, user: repo.UserRow, newEmail: string, source: AuditSource) {
    if (await emailRepo.emailUsedByOther(tx, user.tenantId, user.id, newEmail))
      throw emailTaken('/body/email');
    await emailRepo.cancelEmailChanges(tx, user.tenantId, user.id);
    const token = randomToken();
    await emailRepo.insertEmailChange(tx, {
      tenantId: user.tenantId,
      userId: user.id,
      newEmail,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + EMAIL_CHANGE_TTL_MS),
    });
    const options = { tx, tenantId: user.tenantId };
    await deps.mailer.send(
      {
        to: newEmail,
        template: emailChangeConfirmMail,
        vars: { name: user.firstName, link: `${base}/confirm-email?token=${encodeURIComponent(token)}` },
      },
      options,
    );
    await deps.mailer.send(
      {
        to: user.email,
        template: emailChangeNoticeMail,
        vars: {
          name: user.firstName,
          newEmail,
          time: new Date().toISOString(),
          reset: `${base}/forgot-password`,
        },
      },
      options,
    );
    await audit(tx, source, user.tenantId, user.id, 'auth.email_change_requested', {
      after: { new_email: newEmail },
    });
  }

  return {
    /**
     * The signed-in user. Roles, permissions and scope come from the resolved principal (as fresh
     * as the authorisation of this very request), so this is one query.
     */
    async me(tenantId: string, userId: string, access: repo.Access): Promise<ProfileView> {
      const user = await db.readTenant({ tenantId }, (tx) =>
        emailRepo.userWithPendingEmail(tx, tenantId, userId),
      );
      if (!user) throw sessionRevoked();
      return profileView(user, access, user.pendingEmail);
    },

    /**
     * Names and phone change at once. A new e-mail address needs the current password and only
     * becomes the account's address when the link mailed to it is opened (`confirmEmailChange`);
     * until then the old one signs in, and it is told about the request.
     */
    async updateMe(
      tenantId: string,
      userId: string,
      input: {
        first_name?: string;
        last_name?: string;
        email?: string;
        phone?: string | null;
        current_password?: string;
      },
      source: AuditSource,
    ): Promise<ProfileView> {
      const current = await db.withTenant({ tenantId }, (tx) => repo.findUser(tx, tenantId, userId));
      if (!current) throw sessionRevoked();
      const newEmail = input.email?.trim();
      const changesEmail = newEmail !== undefined && newEmail.toLowerCase() !== current.email.toLowerCase();
      if (changesEmail) {
        if (input.current_password === undefined)
          throw validationFailed([
            { path: '/body/current_password', message: 'is required to change the e-mail address' },
          ]);
        // argon2 outside the transaction (it would hold the connection for its whole run).
        if (!(await verifyPassword(current.passwordHash, input.current_password)))
          throw invalidCurrentPassword();
      }
      return db.withTenant({ tenantId }, async (tx) => {
        const before = await repo.findUser(tx, tenantId, userId);
        if (!before) throw sessionRevoked();
        const tenant = await repo.tenantOf(tx, tenantId);
        const settings = effectiveSettings(tenant?.settings);
        const changes: Parameters<typeof repo.updateProfile>[3] = {};
        if (input.first_name !== undefined) changes.firstName = input.first_name.trim();
        if (input.last_name !== undefined) changes.lastName = input.last_name.trim();
        if (input.phone !== undefined) changes.phone = phoneField(input.phone, settings.default_phone_region);
        // Only a change of the number answers to require_phone here: signing in to fix a name
        // is not held up by a number an administrator has not entered yet.
        if (changes.phone !== undefined) checkPhoneRequired(changes.phone, settings);
        const after =
          Object.keys(changes).length > 0 ? await repo.updateProfile(tx, tenantId, userId, changes) : before;
        const pick = (u: repo.UserRow) => ({
          first_name: u.firstName,
          last_name: u.lastName,
          phone: u.phone,
        });
        if (Object.keys(changes).length > 0)
          await audit(tx, source, tenantId, userId, 'user.update_self', {
            before: pick(before),
            after: pick(after),
          });
        if (changesEmail) await requestEmailChange(tx, after, newEmail, source);
        return profileView(
          after,
          await repo.loadAccess(tx, tenantId, userId),
          await emailRepo.pendingEmail(tx, tenantId, userId),
        );
      });
    },

    /**
     * Opens the link mailed by `updateMe`: the new address becomes the account's. Sessions stay
     * open — the change needed the password and the new mailbox, and the way back from an unwanted
     * change (a password reset from the old address, which cancels an open change) ends them all.
     */
    async confirmEmailChange(token: string, source: AuditSource): Promise<void> {
      const found = await deps.system.beforeTenantKnown('e-mail change confirmation', (tx) =>
        emailRepo.findEmailChange(tx, sha256(token)),
      );
      if (!found || found.change.usedAt || found.change.expiresAt <= new Date())
        throw invalidEmailChangeToken();
      const { tenantId, userId, newEmail, id } = found.change;
      await db.withTenant({ tenantId }, async (tx) => {
        const before = await repo.findUser(tx, tenantId, userId);
        if (!before) throw invalidEmailChangeToken();
        // Taken meanwhile in the tenant: refused, and the link stays open (it may be freed again).
        // An address of another tenant is refused by the unique index the same way (409 DUPLICATE).
        if (await emailRepo.emailUsedByOther(tx, tenantId, userId, newEmail)) throw emailTaken();
        if (!(await emailRepo.consumeEmailChange(tx, tenantId, id))) throw invalidEmailChangeToken();
        await repo.updateProfile(tx, tenantId, userId, { email: newEmail });
        await audit(tx, source, tenantId, userId, 'auth.email_changed', {
          before: { email: before.email },
          after: { email: newEmail },
        });
      });
    },

    async changePassword(
      tenantId: string,
      userId: string,
      sessionId: string | undefined,
      current: string,
      next: string,
      source: AuditSource,
    ): Promise<void> {
      const { user, settings } = await db.withTenant({ tenantId }, async (tx) => ({
        user: await repo.findUser(tx, tenantId, userId),
        settings: effectiveSettings((await repo.tenantOf(tx, tenantId))?.settings),
      }));
      if (!user) throw sessionRevoked();
      if (!(await verifyPassword(user.passwordHash, current))) throw invalidCurrentPassword();
      checkPasswordPolicy(
        next,
        { minLength: settings.password_min_length, email: user.email },
        '/body/new_password',
      );
      const passwordHash = await hashPassword(next);
      const revoked = await db.withTenant({ tenantId }, async (tx) => {
        await repo.setPassword(tx, tenantId, userId, passwordHash);
        await emailRepo.cancelEmailChanges(tx, tenantId, userId);
        const ids = await repo.revokeSessions(
          tx,
          tenantId,
          { userId, exceptSessionId: sessionId },
          'password_changed',
        );
        await deps.revocations.announce(tx, { sessionIds: ids });
        await audit(tx, source, tenantId, userId, 'auth.password_changed', {
          after: { sessions_revoked: ids.length },
        });
        return ids;
      });
      deps.revocations.apply({ sessionIds: revoked });
    },

    async forgotPassword(email: string, source: AuditSource): Promise<void> {
      const found = await deps.system.beforeTenantKnown('password reset request', (tx) =>
        logins.findLoginCandidate(tx, email),
      );
      if (!found || found.user.status !== 'active' || found.tenantStatus !== 'active') return;
      if (found.user.email.toLowerCase() !== email.trim().toLowerCase()) return; // usernames get no mail
      const { user } = found;
      const token = randomToken();
      await db.withTenant({ tenantId: user.tenantId }, async (tx) => {
        await repo.insertResetToken(tx, {
          tenantId: user.tenantId,
          userId: user.id,
          tokenHash: sha256(token),
          expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
        });
        await deps.mailer.send(
          {
            to: user.email,
            template: passwordResetMail,
            vars: {
              name: user.firstName,
              link: `${deps.publicUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`,
            },
          },
          { tx, tenantId: user.tenantId },
        );
        await audit(tx, source, user.tenantId, user.id, 'auth.password_reset_requested');
      });
    },

    async resetPassword(token: string, password: string, source: AuditSource): Promise<void> {
      const found = await deps.system.beforeTenantKnown('password reset', (tx) =>
        repo.findResetToken(tx, sha256(token)),
      );
      if (!found || found.token.usedAt || found.token.expiresAt <= new Date()) throw invalidResetToken();
      const { user } = found;
      const settings = effectiveSettings(found.tenantSettings);
      checkPasswordPolicy(password, { minLength: settings.password_min_length, email: user.email });
      const passwordHash = await hashPassword(password);
      const revoked = await db.withTenant({ tenantId: user.tenantId }, async (tx) => {
        if (!(await repo.consumeResetToken(tx, user.tenantId, found.token.id))) return undefined;
        await repo.setPassword(tx, user.tenantId, user.id, passwordHash);
        await emailRepo.cancelEmailChanges(tx, user.tenantId, user.id);
        const ids = await repo.revokeSessions(tx, user.tenantId, { userId: user.id }, 'password_reset');
        await deps.revocations.announce(tx, { sessionIds: ids });
        await audit(tx, source, user.tenantId, user.id, 'auth.password_reset', {
          after: { sessions_revoked: ids.length },
        });
        return ids;
      });
      if (!revoked) throw invalidResetToken();
      deps.revocations.apply({ sessionIds: revoked });
    },

    async sessions(tenantId: string, userId: string, currentSessionId: string | undefined) {
      const rows = await db.withTenant({ tenantId }, (tx) => repo.listLiveSessions(tx, tenantId, userId));
      return rows.map((s) => ({
        id: s.id,
        ip: s.ip,
        user_agent: s.userAgent,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
        current: s.id === currentSessionId,
      }));
    },

    async revokeSession(
      tenantId: string,
      userId: string,
      sessionId: string,
      source: AuditSource,
    ): Promise<void> {
      const revoked = await db.withTenant({ tenantId }, async (tx) => {
        const ids = await repo.revokeSessions(tx, tenantId, { userId, sessionId }, 'revoked_by_user');
        await deps.revocations.announce(tx, { sessionIds: ids });
        if (ids.length > 0)
          await audit(tx, source, tenantId, userId, 'auth.session_revoked', {
            after: { session_id: sessionId },
          });
        return ids;
      });
      if (revoked.length === 0) throw new AppError(404, 'NOT_FOUND', 'Session not found.');
      deps.revocations.apply({ sessionIds: revoked });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
