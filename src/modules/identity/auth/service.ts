import type { Database, Tx } from '../../../platform/db/types.js';
import { unauthenticated, validationFailed, type AppError } from '../../../platform/http/errors.js';
import type { TokenService } from '../../../platform/http/tokens.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { writeAudit, type AuditSource } from '../audit.js';
import { checkPasswordPolicy, decoyHash, verifyPassword } from '../passwords.js';
import { PLATFORM_TENANT_ID } from '../tables/tenants.tables.js';
import { provisionTenant } from '../tenants/provision.js';
import { effectiveSettings } from '../tenants/settings.js';
import { randomToken, sha256 } from './crypto.js';
import {
  accountLocked,
  invalidCredentials,
  invalidRefreshToken,
  refreshTokenReused,
  sessionRevoked,
  tenantSuspended,
  userInactive,
} from './errors.js';
import * as repo from './repository.js';
import { auditUserEvent, meView, type MeView } from './views.js';
import { principalCache } from './resolver.js';

export interface AuthDeps {
  db: Database;
  tokens: TokenService;
  catalogue: readonly PermissionDefinition[];
}

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

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

/** E.164 from what a user typed, with the tenant's default region for national numbers. */
export function createAuthService(deps: AuthDeps) {
  const { db, tokens } = deps;

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
        perms: access.permissions,
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
    async register(
      input: {
        tenantName: string;
        slug?: string;
        email: string;
        password: string;
        firstName: string;
        lastName?: string;
      },
      client: Client,
      source: AuditSource,
    ): Promise<TokenPair> {
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
      return db.withSystem(async (tx) => {
        const { tenantId, adminId } = await provisionTenant(
          tx,
          deps.catalogue,
          { name: input.tenantName, slug },
          {
            email: input.email.trim(),
            password: input.password,
            firstName: input.firstName,
            lastName: input.lastName,
          },
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
          changes: { after: { name: input.tenantName, slug } },
        });
        return openSession(tx, { ...user, lastLoginAt: new Date() }, access, client);
      });
    },

    async login(login: string, password: string, client: Client, source: AuditSource): Promise<TokenPair> {
      const found = await db.withSystem((tx) => repo.findLoginCandidate(tx, login));
      if (!found) {
        await verifyPassword(await decoyHash(), password);
        throw invalidCredentials();
      }
      const { user } = found;
      const settings = effectiveSettings(found.tenantSettings);
      const ok = await verifyPassword(user.passwordHash, password);
      const now = new Date();
      type Outcome = { error: AppError } | { pair: TokenPair };
      const outcome: Outcome = await db.withTenant(
        { tenantId: user.tenantId, userId: user.id },
        async (tx) => {
          if (user.lockedUntil && user.lockedUntil > now) {
            await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', {
              after: { reason: 'locked' },
            });
            return { error: accountLocked(user.lockedUntil) };
          }
          if (!ok) {
            const result = await repo.recordFailedLogin(
              tx,
              user,
              settings.lockout_threshold,
              settings.lockout_minutes,
            );
            await audit(tx, source, user.tenantId, user.id, 'auth.login_failed', {
              after: { reason: 'wrong_password', failed_count: result.count },
            });
            if (result.lockedUntil && result.lockedUntil > now) {
              await audit(tx, source, user.tenantId, user.id, 'auth.account_locked', {
                after: { locked_until: result.lockedUntil.toISOString() },
              });
              return { error: accountLocked(result.lockedUntil) };
            }
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
        },
      );
      if ('error' in outcome) throw outcome.error;
      return outcome.pair;
    },

    async refresh(refreshToken: string, source: AuditSource): Promise<TokenPair> {
      const found = await db.withSystem((tx) => repo.findRefreshToken(tx, sha256(refreshToken)));
      if (!found) throw invalidRefreshToken();
      const { token, session } = found;
      const tenantId = session.tenantId;
      type Outcome = { error: AppError } | { pair: TokenPair };
      const outcome: Outcome = await db.withTenant({ tenantId, userId: session.userId }, async (tx) => {
        if (session.revokedAt) return { error: sessionRevoked() };
        if (token.rotatedAt || !(await repo.markRotated(tx, tenantId, token.id))) {
          const revoked = await repo.revokeSessions(
            tx,
            tenantId,
            { userId: session.userId, sessionId: session.id },
            'refresh_reuse',
          );
          principalCache.evict(revoked);
          await audit(tx, source, tenantId, session.userId, 'auth.refresh_reuse', {
            after: { session_id: session.id },
          });
          return { error: refreshTokenReused() };
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
      if ('error' in outcome) throw outcome.error;
      return outcome.pair;
    },

    async logout(
      tenantId: string,
      userId: string,
      sessionId: string | undefined,
      all: boolean,
      source: AuditSource,
    ): Promise<void> {
      await db.withTenant({ tenantId, userId }, async (tx) => {
        const revoked = await repo.revokeSessions(
          tx,
          tenantId,
          all ? { userId } : { userId, sessionId: sessionId ?? '00000000-0000-0000-0000-000000000000' },
          all ? 'logout_all' : 'logout',
        );
        principalCache.evict(revoked);
        await audit(tx, source, tenantId, userId, all ? 'auth.logout_all' : 'auth.logout', {
          after: { sessions: revoked.length },
        });
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** The tenant whose rows hold the caller's own user (the platform tenant for super admins). */
export function ownTenantOf(principal: { homeTenantId: string | null; isSuperAdmin: boolean }): string {
  return principal.homeTenantId ?? PLATFORM_TENANT_ID;
}

export { unauthenticated };
