import { eq, ilike, or } from 'drizzle-orm';
import { isPhoneRegion } from '../../../lib/phone.js';
import type { SystemAccess } from '../../../platform/db/system.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { envelope, likeEscape, type ResourceCaller } from '../../../platform/resource/index.js';
import type { PermissionDefinition, TenantSettingsHook } from '../../../platform/module.js';
import { diff, writeAudit, type AuditSource } from '../audit.js';
import type { SessionRevocations } from '../auth/revocation.js';
import { checkPasswordPolicy, hashPassword } from '../passwords.js';
import { tenants, type TenantSettings } from '../tables/tenants.tables.js';
import { provisionTenant } from '../tenants/provision.js';
import { effectiveSettings } from '../tenants/settings.js';
import { iso, noSessionCache, type SessionCache } from './context.js';
import { checkPhoneRequired, phoneField } from '../phone.js';
import * as repo from './tenants.repository.js';
import type {
  CreateTenantBody,
  Tenant,
  TenantListQuery,
  TenantSettingsPatch,
  UpdateTenantBody,
} from './tenants.schemas.js';

export function toTenantJson(row: repo.TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    status: row.status,
    settings: effectiveSettings(row.settings),
    suspended_at: iso(row.suspendedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks what JSON Schema cannot: a real IANA zone, a known phone region, a known locale, health
 * weights that sum to 100.
 */
export function checkSettings(settings: TenantSettingsPatch | undefined, path = '/body/settings'): void {
  if (!settings) return;
  const errors: FieldError[] = [];
  if (settings.time_zone !== undefined && !isTimeZone(settings.time_zone))
    errors.push({ path: `${path}/time_zone`, message: 'must be an IANA time zone' });
  if (settings.default_phone_region !== undefined && !isPhoneRegion(settings.default_phone_region))
    errors.push({ path: `${path}/default_phone_region`, message: 'must be a supported country code' });
  const weights = settings.health_weights;
  if (weights !== undefined) {
    const sum = weights.adoption + weights.support + weights.engagement + weights.financial;
    if (sum !== 100)
      errors.push({
        path: `${path}/health_weights`,
        message: `must sum to exactly 100 (they sum to ${sum})`,
      });
  }
  if (settings.locale !== undefined && Intl.getCanonicalLocales !== undefined) {
    try {
      Intl.getCanonicalLocales(settings.locale);
    } catch {
      errors.push({ path: `${path}/locale`, message: 'must be a BCP 47 locale' });
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
}

export interface TenantCaller {
  principal: Principal;
  audit: AuditSource;
}

/** A super administrator reaches every tenant; anyone else only their own. */
const reachOf = ({ principal }: TenantCaller): ResourceCaller => ({
  principal,
  tenantId: principal.isSuperAdmin ? null : principal.tenantId,
});

/**
 * Tenants. Super administrators work across tenants in system transactions; an admin reads and
 * updates only their own tenant, in a tenant transaction (RLS lets it see nothing else).
 */
export function createTenantsService(deps: {
  db: TenantDatabase;
  system: SystemAccess;
  permissions: readonly PermissionDefinition[];
  sessionCache?: SessionCache;
  /** Suspension tells every instance (evicting verdicts, closing event streams) as it commits. */
  revocations?: Pick<SessionRevocations, 'announce' | 'apply'>;
  /** The modules' reactions to changed settings, run in the change's transaction. */
  settingsHooks?: readonly TenantSettingsHook[];
}) {
  const cache = deps.sessionCache ?? noSessionCache;
  /** Super admin: system transaction. Admin: own tenant only (anything else reads as missing). */
  function run<T>(caller: TenantCaller, id: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (caller.principal.isSuperAdmin) return deps.system.asSuperAdmin(caller.principal, fn);
    if (caller.principal.tenantId !== id) throw notFound('Tenant');
    return deps.db.withTenant({ tenantId: id }, fn);
  }

  async function setStatus(caller: TenantCaller, id: string, status: 'active' | 'suspended') {
    const tenant = await deps.system.asSuperAdmin(caller.principal, async (tx) => {
      const current = await repo.findTenant(tx, reachOf(caller), id, true);
      if (current.status === status) return toTenantJson(current);
      const row = await repo.updateTenant(tx, id, {
        status,
        suspendedAt: status === 'suspended' ? new Date() : null,
      });
      if (status === 'suspended') {
        await repo.revokeTenantSessions(tx, id, 'tenant_suspended');
        await deps.revocations?.announce(tx, { tenantId: id });
      }
      await writeAudit(tx, caller.audit, {
        tenantId: id,
        action: status === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate',
        entityType: 'tenant',
        entityId: id,
        changes: { before: { status: current.status }, after: { status } },
      });
      return toTenantJson(row);
    });
    cache.clear();
    if (status === 'suspended') deps.revocations?.apply({ tenantId: id });
    return tenant;
  }

  return {
    list(caller: TenantCaller, query: TenantListQuery) {
      return deps.system.asSuperAdmin(caller.principal, async (tx) => {
        const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
        const page = await repo.tenantResource.list(tx, reachOf(caller), query, {
          where: [
            repo.customerTenants(),
            query.status ? eq(tenants.status, query.status) : undefined,
            pattern ? or(ilike(tenants.name, pattern), ilike(tenants.slug, pattern)) : undefined,
          ],
        });
        return envelope('tenants', page, toTenantJson);
      });
    },

    get(caller: TenantCaller, id: string) {
      return run(caller, id, async (tx) => toTenantJson(await repo.findTenant(tx, reachOf(caller), id)));
    },

    async create(caller: TenantCaller, body: CreateTenantBody) {
      checkSettings(body.settings);
      const settings: TenantSettings = effectiveSettings(body.settings);
      checkPasswordPolicy(
        body.admin.password,
        { minLength: settings.password_min_length, email: body.admin.email },
        '/body/admin/password',
      );
      const phone = phoneField(body.admin.phone, settings.default_phone_region, '/body/admin/phone');
      checkPhoneRequired(phone, settings, '/body/admin/phone');
      // argon2 outside the transaction: it must not hold the connection nor repeat on a retry.
      const passwordHash = await hashPassword(body.admin.password);
      return deps.system.asSuperAdmin(caller.principal, async (tx) => {
        const { tenantId, adminId } = await provisionTenant(
          tx,
          deps.permissions,
          { name: body.name, slug: body.slug, settings: body.settings ?? {} },
          {
            email: body.admin.email.trim().toLowerCase(),
            passwordHash,
            firstName: body.admin.first_name,
            lastName: body.admin.last_name,
            username: body.admin.username ?? null,
            phone,
          },
        );
        const row = await repo.findTenant(tx, reachOf(caller), tenantId);
        const tenant = toTenantJson(row);
        await writeAudit(tx, caller.audit, {
          tenantId,
          action: 'tenant.create',
          entityType: 'tenant',
          entityId: tenantId,
          changes: diff(undefined, { name: tenant.name, slug: tenant.slug, admin_user_id: adminId }),
        });
        return { ...tenant, admin_user_id: adminId };
      });
    },

    update(caller: TenantCaller, id: string, body: UpdateTenantBody) {
      checkSettings(body.settings);
      return run(caller, id, async (tx) => {
        const current = await repo.findTenant(tx, reachOf(caller), id, true);
        const row = await repo.updateTenant(tx, id, {
          name: body.name,
          settings: body.settings ? { ...current.settings, ...body.settings } : undefined,
        });
        if (body.settings)
          for (const hook of deps.settingsHooks ?? [])
            await hook(tx, { tenantId: id, before: current.settings, after: row.settings });
        const before = toTenantJson(current);
        const after = toTenantJson(row);
        const pick = (t: Tenant) => ({ name: t.name, ...t.settings });
        await writeAudit(tx, caller.audit, {
          tenantId: id,
          action: 'tenant.update',
          entityType: 'tenant',
          entityId: id,
          changes: diff(pick(before), pick(after)),
        });
        return after;
      });
    },

    suspend: (caller: TenantCaller, id: string) => setStatus(caller, id, 'suspended'),
    reactivate: (caller: TenantCaller, id: string) => setStatus(caller, id, 'active'),
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
