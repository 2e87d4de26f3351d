import type { Tx } from '../../../platform/db/types.js';
import type { Mailer } from '../../../platform/mail/types.js';
import type { AuditSource } from '../audit.js';
import type { TenantSettings } from '../tables/tenants.tables.js';
import * as repo from './auth.repository.js';
import { accountLockedMail } from './mail-templates.js';
import { auditUserEvent as audit } from './views.js';

export interface LoginClient {
  ip: string | null;
  userAgent: string | null;
}

/**
 * A wrong password, or any password while the account is locked, for a known account, inside the login's tenant
 * transaction: counts it, locks the account at the tenant's `lockout_threshold` for
 * `lockout_minutes`, and mails the owner once per lock (the attempt that locked it; attempts while
 * locked are audited only). The caller answers exactly as for an unknown login either way.
 */
export async function recordLoginFailure(
  tx: Tx,
  deps: { mailer: Mailer; publicUrl: string },
  input: {
    user: repo.UserRow;
    settings: Pick<TenantSettings, 'lockout_threshold' | 'lockout_minutes'>;
    client: LoginClient;
    source: AuditSource;
    now: Date;
  },
): Promise<void> {
  const { user, settings, source, now } = input;
  const lockedBefore = user.lockedUntil !== null && user.lockedUntil > now;
  const counted = lockedBefore
    ? undefined
    : await repo.recordFailedLogin(tx, user, settings.lockout_threshold, settings.lockout_minutes);
  if (!counted) {
    // Locked (already, or by a concurrent attempt a moment ago) — the right password included.
    await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', { after: { reason: 'locked' } });
    return;
  }
  await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', {
    after: { reason: 'wrong_password', failed_count: counted.count },
  });
  if (!counted.lockedUntil) return;
  const lockedUntil = counted.lockedUntil.toISOString();
  await audit(tx, source, user.tenantId, user.id, 'auth.account_locked', {
    after: { locked_until: lockedUntil },
  });
  await deps.mailer.send(
    {
      to: user.email,
      template: accountLockedMail,
      vars: {
        name: user.firstName,
        time: now.toISOString(),
        ip: input.client.ip ?? 'unknown',
        userAgent: input.client.userAgent ?? 'unknown',
        lockedUntil,
        reset: `${deps.publicUrl.replace(/\/+$/, '')}/forgot-password`,
      },
    },
    { tx, tenantId: user.tenantId },
  );
}
