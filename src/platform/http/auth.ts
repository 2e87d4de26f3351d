import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUuid } from '../../lib/ids.js';
import { AppError, forbidden, unauthenticated } from './errors.js';
import type { AccessClaims, TokenService } from './tokens.js';

/**
 * How far a caller's reach extends over records owned by users (DESIGN §3): their own, their teams'
 * members, everyone under their org unit, or the whole tenant.
 */
export const DATA_SCOPES = ['own', 'team', 'org_unit', 'tenant'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

/** The authenticated caller, as every service sees it. */
export interface Principal {
  userId: string;
  /** The tenant the request acts in: the user's own, or X-Tenant-ID for a super_admin. */
  tenantId: string | null;
  /** The user's own tenant (null for super_admin). */
  homeTenantId: string | null;
  sessionId?: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  isSuperAdmin: boolean;
  scope: DataScope;
  /** True when a super_admin acts inside a tenant through X-Tenant-ID (audited as impersonation). */
  impersonating: boolean;
}

/** Turns verified token claims into a principal; identity replaces it to check sessions and users. */
export type PrincipalResolver = (claims: AccessClaims, request: FastifyRequest) => Promise<Principal>;

/**
 * The ids of the users (in `tenantId`) whose records the principal's data scope covers, or `'all'`
 * for the whole tenant. Identity supplies the real one (it knows teams and org units).
 */
export type UsersInScopeResolver = (
  principal: Principal,
  tenantId: string,
) => Promise<ReadonlySet<string> | 'all'>;

/** Without a module that knows the org structure, `team` and `org_unit` shrink to `own`. */
export const ownUsersInScope: UsersInScopeResolver = async (principal) =>
  principal.isSuperAdmin || principal.scope === 'tenant' ? 'all' : new Set([principal.userId.toLowerCase()]);

export const SUPER_ADMIN = 'super_admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without authentication. Exactly one of `public` and `permission` is required. */
    public?: boolean;
    /** The permission the caller needs (any of them, for a list). `authenticated` = any signed-in user. */
    permission?: string | readonly string[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export class RouteSecurityError extends Error {
  constructor(method: string, url: string) {
    super(
      `Route ${method} ${url} declares neither a permission nor public: true (config.permission / config.public).`,
    );
    this.name = 'RouteSecurityError';
  }
}

export const defaultPrincipalResolver: PrincipalResolver = async (claims, request) => {
  const isSuperAdmin = claims.roles.includes(SUPER_ADMIN);
  const requested = request.headers['x-tenant-id'];
  let tenantId = claims.tid;
  let impersonating = false;
  if (typeof requested === 'string' && requested !== '') {
    if (!isSuperAdmin) {
      if (requested !== claims.tid)
        throw forbidden('X-Tenant-ID is reserved for super administrators.', 'TENANT_SWITCH_FORBIDDEN');
    } else {
      if (!isUuid(requested))
        throw new AppError(422, 'VALIDATION_FAILED', 'X-Tenant-ID must be a UUID.', {
          errors: [{ path: '/headers/x-tenant-id', message: 'must be a UUID' }],
        });
      tenantId = requested;
      impersonating = true;
    }
  }
  return {
    userId: claims.sub,
    tenantId,
    homeTenantId: claims.tid,
    sessionId: claims.sid,
    roles: claims.roles,
    permissions: permissionSetOf(claims.perms),
    isSuperAdmin,
    scope: isSuperAdmin ? 'tenant' : toScope(claims.scope),
    impersonating,
  };
};

/**
 * One Set per permissions array: a resolver hands over the same array (its cached verdict, a cached
 * token's claims) request after request, and a hundred-entry Set is not worth rebuilding each time.
 */
const permissionSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function permissionSetOf(perms: readonly string[]): ReadonlySet<string> {
  let set = permissionSets.get(perms);
  if (!set) {
    set = new Set(perms);
    permissionSets.set(perms, set);
  }
  return set;
}

export function toScope(value: string | undefined): DataScope {
  return (DATA_SCOPES as readonly string[]).includes(value ?? '') ? (value as DataScope) : 'own';
}

export function hasPermission(principal: Principal, required: string | readonly string[]): boolean {
  if (principal.isSuperAdmin) return true;
  const needed = typeof required === 'string' ? [required] : required;
  return needed.some((permission) => permission === 'authenticated' || principal.permissions.has(permission));
}

/** The principal of a request whose route requires authentication (a programming error otherwise). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

/** The tenant a request acts in; 403 for a super_admin who has not chosen one with X-Tenant-ID. */
export function requireTenant(request: FastifyRequest): { tenantId: string; userId: string } {
  const principal = requirePrincipal(request);
  if (!principal.tenantId) throw forbidden('Choose a tenant with the X-Tenant-ID header.', 'TENANT_REQUIRED');
  return { tenantId: principal.tenantId, userId: principal.userId };
}

/**
 * Route security: every route must say who may call it, or the app refuses to start; each request
 * is then authenticated (Bearer access token) and authorised against the route's permission.
 */
export function registerAuth(
  app: FastifyInstance,
  tokens: TokenService,
  resolve: PrincipalResolver,
  options: { publicPrefixes?: string[] } = {},
): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    // Routes that third-party platform plugins add (the docs UI, the CORS preflight `OPTIONS *`)
    // cannot carry our config; the platform names them here.
    if (
      options.publicPrefixes?.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`))
    ) {
      route.config = { ...route.config, public: true };
    }
    const config = route.config ?? {};
    const declared = (config.public === true ? 1 : 0) + (config.permission !== undefined ? 1 : 0);
    if (declared !== 1) throw new RouteSecurityError(String(route.method), route.url);
  });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public === true || config.permission === undefined) return; // public, or the 404/405 handler
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw unauthenticated('Send an access token: Authorization: Bearer <token>.');
    const principal = await resolve(await tokens.verifyAccess(match[1]), request);
    request.principal = principal;
    if (!hasPermission(principal, config.permission)) {
      throw forbidden(`This needs the permission ${[config.permission].flat().join(' or ')}.`);
    }
  });
}
