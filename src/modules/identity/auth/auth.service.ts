import type { SystemAccess } from '../../../platform/db/system.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, unauthenticated, validationFailed } from '../../../platform/http/errors.js';
import type { TokenService } from '../../../platform/http/tokens.js';
import type { Mailer } from '../../../platform/mail/types.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { writeAudit, type AuditSource } from '../audit.js';
import { checkPasswordPolicy, decoyHash, hashPassword, verifyPassword } from '../passwords.js';
import { PLATFORM_TENANT_ID } from '../tables/tenants.tables.js';
import { provisionTenant } from '../tenants/provision.js';
import { effectiveSettings } from '../tenants/settings.js';
import { randomToken, sha256 } from './crypto.js';
import {
  invalidCredentials,
  invalidRefreshToken,
  refreshTokenReused,
  sessionRevoked,
  tenantSuspended,
  userInactive,
} from './errors.js';
import { registrationConfirmMail, registrationExistingMail } from './mail-templates.js';
import * as logins from './login-lookup.js';
import * as repo from './auth.repository.js';
import { recordLoginFailure, type LoginClient } from './lockout.js';
import type { SessionRevocations } from './revocation.js';
import { auditUserEvent, meView, type MeView } from './views.js';

export interface AuthDeps {
  db: TenantDatabase;
  system: SystemAccess;
  tokens: TokenService;
  catalogue: readonly PermissionDefinition[];
  mailer: Mailer;
  publicUrl: string;
  revocations: Pick<SessionRevocations, 'announce' | 'apply'>;
}

/** A sign-up waits this long for its confirmation link to be opened. */
export const REGISTRATION_TTL_SECONDS = 24 * 3600;
const REGISTRATION_PURPOSE = 'registration';

const invalidRegistrationToken = () =>
  new AppError(422, 'INVALID_REGISTRATION_TOKEN', 'The sign-up link is invalid or expired.', {
    errors: [{ path: '/body/token', message: 'is invalid or expired' }],
  });

export type Client = LoginClient;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  user: MeView;
}

export const RESET_TOKEN_TTL_MS = 3600_000;

/** The slug a tenant name gives when none is chosen: "Acme Trading LLC" → "acme-trading-llc". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export function createAuthService(deps: AuthDeps) {
  const { db, system, tokens } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');

  /** Opens a session and issues its first token pair (inside the caller's transaction). */
  async function openSession(
    tx: Tx,
    user: repo.UserRow,
    access: repo.Access,
    client: Client,
  ): Promise<TokenPair> {
    const settingsRow = await repo.tenantOf(tx, user.tenantId);
    const settings = effectiveSettings(settingsRow?.settings);
    const expiresAt = new Date(Date.now() + settings.refresh_token_ttl_seconds * 1000);
    const sessionId = await repo.createSession(tx, {
      tenantId: user.tenantId,
      userId: user.id,
      ip: client.ip,
      userAgent: client.userAgent,
      expiresAt,
    });
    return issuePair(tx, user, access, sessionId, settings.access_token_ttl_seconds, expiresAt);
  }

  async function issuePair(
    tx: Tx,
    user: repo.UserRow,
    access: repo.Access,
    sessionId: string,
    accessTtl: number,
    refreshExpiresAt: Date,
  ): Promise<TokenPair> {
    const refresh = randomToken();
    await repo.insertRefreshToken(tx, {
      tenantId: user.tenantId,
      sessionId,
      tokenHash: sha256(refresh),
      expiresAt: refreshExpiresAt,
    });
    const accessToken = await tokens.signAccess(
      {
        sub: user.id,
        tid: access.isSuperAdmin ? null : user.tenantId,
        sid: sessionId,
        roles: access.roles,
        scope: access.scope,
      },
      accessTtl,
    );
    return {
      access_token: accessToken,
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: accessTtl,
      user: meView(user, access),
    };
  }

  const audit = auditUserEvent;

  return {
    /**
     * Starts a sign-up without saying whether the address is taken: a new address gets a link that
     * creates the tenant (`confirmRegistration`), an address that has an account gets a note to its
     * owner. Both cost one argon2 hash and one mail, so the answer and its timing are the same.
     */
    async register(
      input: {
        tenantName: string;
        slug?: string;
        email: string;
        password: string;
        firstName: string;
        lastName?: string;
      },
      source: AuditSource,
    ): Promise<void> {
      const slug = input.slug ?? slugify(input.tenantName);
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug))
        throw validationFailed([
          {
            path: input.slug ? '/body/slug' : '/body/tenant_name',
            message: 'must give a slug of 2–63 lower-case letters, digits or dashes',
          },
        ]);
      checkPasswordPolicy(input.password, {
        minLength: effectiveSettings({}).password_min_length,
        email: input.email,
      });
      const email = input.email.trim();
      const passwordHash = await hashPassword(input.password);
      const { existing, slugInUse } = await system.beforeTenantKnown('registration', async (tx) => ({
        existing: await logins.findUserByEmail(tx, email),
        slugInUse: await repo.slugTaken(tx, slug),
      }));
      // A tenant slug is a public name, not personal data; checked for both kinds of address alike.
      if (slugInUse)
        throw new AppError(409, 'DUPLICATE', 'This slug is taken.', {
          errors: [{ path: input.slug ? '/body/slug' : '/body/tenant_name', message: 'slug is taken' }],
        });
      if (existing) {
        await db.withTenant({ tenantId: existing.tenantId }, async (tx) => {
          await deps.mailer.send(
            {
              to: existing.email,
              template: registrationExistingMail,
              vars: {
                name: existing.firstName,
                signIn: `${base}/login`,
                reset: `${base}/forgot-password`,
              },
            },
            { tx, tenantId: existing.tenantId },
          );
          await audit(tx, source, existing.tenantId, null, 'auth.register_existing_email', {
            after: { user_id: existing.id },
          });
        });
        return;
      }
      const token = await tokens.seal(
        REGISTRATION_PURPOSE,
        {
          tenant_name: input.tenantName,
          slug,
          email,
          password_hash: passwordHash,
          first_name: input.firstName,
          last_name: input.lastName ?? '',
        },
        REGISTRATION_TTL_SECONDS,
      );
      await deps.mailer.send({
        to: email,
        template: registrationConfirmMail,
        vars: {
          name: input.firstName,
          organisation: input.tenantName,
          link: `${base}/confirm-registration?token=${encodeURIComponent(token)}`,
        },
      });
    },

    /** Creates the tenant and its first admin from a sign-up link and signs the admin in. */
    async confirmRegistration(token: string, client: Client, source: AuditSource): Promise<TokenPair> {
      const sealed = await tokens.unseal(REGISTRATION_PURPOSE, token);
      const text = (key: string) => (typeof sealed?.[key] === 'string' ? (sealed[key] as string) : undefined);
      const [tenantName, slug, email, passwordHash, firstName] = [
        text('tenant_name'),
        text('slug'),
        text('email'),
        text('password_hash'),
        text('first_name'),
      ];
      if (!tenantName || !slug || !email || !passwordHash || !firstName) throw invalidRegistrationToken();
      // A confirmed sign-up creates its own tenant: there is none to bind before it exists.
      return system.beforeTenantKnown('registration', async (tx) => {
        // Opened twice, or the address got an account meanwhile: the link has done its work.
        if (await logins.findUserByEmail(tx, email)) throw invalidRegistrationToken();
        const { tenantId, adminId } = await provisionTenant(
          tx,
          deps.catalogue,
          { name: tenantName, slug },
          { email, passwordHash, firstName, lastName: text('last_name') },
        );
        const user = (await repo.findUser(tx, tenantId, adminId))!;
        await repo.recordSuccessfulLogin(tx, user);
        const access = await repo.loadAccess(tx, tenantId, adminId);
        await writeAudit(tx, source, {
          tenantId,
          action: 'tenant.register',
          entityType: 'tenant',
          entityId: tenantId,
          actorUserId: adminId,
          changes: { after: { name: tenantName, slug } },
        });
        return openSession(tx, { ...user, lastLoginAt: new Date() }, access, client);
      });
    },

    async login(
      login: string,
      password: string,
      client: Client,
      source: AuditSource,
      tenant?: string,
    ): Promise<TokenPair> {
      const found = await system.beforeTenantKnown('login', (tx) =>
        logins.findLoginCandidate(tx, login, tenant),
      );
      if (!found) {
        await verifyPassword(await decoyHash(), password);
        throw invalidCredentials();
      }
      const { user } = found;
      const settings = effectiveSettings(found.tenantSettings);
      const ok = await verifyPassword(user.passwordHash, password);
      const now = new Date();
      type Outcome = { error: AppError } | { pair: TokenPair };
      const outcome: Outcome = await db.withTenant({ tenantId: user.tenantId }, async (tx) => {
        // A locked account answers exactly like a wrong password: the lock tells nobody the
        // account exists, and the owner hears of it by mail (`recordLoginFailure`).
        if (!ok || (user.lockedUntil && user.lockedUntil > now)) {
          await recordLoginFailure(tx, deps, { user, settings, client, source, now });
          return { error: invalidCredentials() };
        }
        if (user.status !== 'active') {
          await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', {
            after: { reason: 'inactive' },
          });
          return { error: userInactive() };
        }
        if (found.tenantStatus !== 'active') {
          await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', {
            after: { reason: 'tenant_suspended' },
          });
          return { error: tenantSuspended() };
        }
        await repo.recordSuccessfulLogin(tx, user);
        const access = await repo.loadAccess(tx, user.tenantId, user.id);
        await audit(tx, source, user.tenantId, user.id, 'auth.login');
        return { pair: await openSession(tx, { ...user, lastLoginAt: now }, access, client) };
      });
      if ('error' in outcome) throw outcome.error;
      return outcome.pair;
    },

    async refresh(refreshToken: string, source: AuditSource): Promise<TokenPair> {
      const found = await system.beforeTenantKnown('refresh token', (tx) =>
        repo.findRefreshToken(tx, sha256(refreshToken)),
      );
      if (!found) throw invalidRefreshToken();
      const { token, session } = found;
      const tenantId = session.tenantId;
      type Outcome = { error: AppError; revoked?: string[] } | { pair: TokenPair };
      const outcome: Outcome = await db.withTenant({ tenantId }, async (tx) => {
        if (session.revokedAt) return { error: sessionRevoked() };
        if (token.rotatedAt || !(await repo.markRotated(tx, tenantId, token.id))) {
          const revoked = await repo.revokeSessions(
            tx,
            tenantId,
            { userId: session.userId, sessionId: session.id },
            'refresh_reuse',
          );
          await deps.revocations.announce(tx, { sessionIds: revoked });
          await audit(tx, source, tenantId, session.userId, 'auth.refresh_reuse', {
            after: { session_id: session.id },
          });
          return { error: refreshTokenReused(), revoked };
        }
        if (token.expiresAt <= new Date() || session.expiresAt <= new Date())
          return { error: sessionRevoked() };
        const user = await repo.findUser(tx, tenantId, session.userId);
        const tenant = await repo.tenantOf(tx, tenantId);
        if (!user || !tenant) return { error: sessionRevoked() };
        if (user.status !== 'active') return { error: userInactive() };
        if (tenant.status !== 'active') return { error: tenantSuspended() };
        const settings = effectiveSettings(tenant.settings);
        const expiresAt = new Date(Date.now() + settings.refresh_token_ttl_seconds * 1000);
        await repo.touchSession(tx, tenantId, session.id, expiresAt);
        const access = await repo.loadAccess(tx, tenantId, user.id);
        return {
          pair: await issuePair(tx, user, access, session.id, settings.access_token_ttl_seconds, expiresAt),
        };
      });
      if ('error' in outcome) {
        // After the commit: a request that read the session before it cannot re-cache it now.
        if (outcome.revoked) deps.revocations.apply({ sessionIds: outcome.revoked });
        throw outcome.error;
      }
      return outcome.pair;
    },

    async logout(
      tenantId: string,
      userId: string,
      sessionId: string | undefined,
      all: boolean,
      source: AuditSource,
    ): Promise<void> {
      const revoked = await db.withTenant({ tenantId }, async (tx) => {
        const ids = await repo.revokeSessions(
          tx,
          tenantId,
          all ? { userId } : { userId, sessionId: sessionId ?? '00000000-0000-0000-0000-000000000000' },
          all ? 'logout_all' : 'logout',
        );
        await deps.revocations.announce(tx, { sessionIds: ids });
        await audit(tx, source, tenantId, userId, all ? 'auth.logout_all' : 'auth.logout', {
          after: { sessions: ids.length },
        });
        return ids;
      });
      deps.revocations.apply({ sessionIds: revoked });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** The tenant whose rows hold the caller's own user (the platform tenant for super admins). */
export function ownTenantOf(principal: { homeTenantId: string | null; isSuperAdmin: boolean }): string {
  return principal.homeTenantId ?? PLATFORM_TENANT_ID;
}

export { unauthenticated };
