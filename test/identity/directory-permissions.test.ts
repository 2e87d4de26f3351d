import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { defaultPermissions, IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import {
  FIXTURE_ROLES,
  identityFixture,
  superAdminFixture,
  type FixtureRole,
  type FixtureUser,
  type IdentityFixture,
} from './fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Caller = FixtureRole | 'super_admin';
interface RouteCase {
  method: Method;
  route: string;
  permission: string | string[];
  /** Builds the concrete URL and body (fresh resources where the call changes them). */
  prepare: (caller: Caller) => Promise<{ url: string; body?: object }>;
}

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${seq++}`;

/**
 * Every directory and org route × every built-in role (and super_admin inside the tenant): a role
 * with the route's permission by default gets 2xx, every other role 403.
 */
describe('permission matrix: identity routes × built-in roles', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let victim: IdentityFixture;
  let root: FixtureUser;

  const call = async (method: Method, url: string, headers: Record<string, string>, body?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload: body });
  const asAdmin = async (method: Method, url: string, body?: object) => {
    const res = await call(method, url, acme.users.admin.auth, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<{ id: string }>();
  };
  const freshUser = async () =>
    (
      await asAdmin('POST', '/users', {
        email: `m.${uniq()}@acme.test`,
        password: 'Secret123x',
        first_name: 'M',
        roles: ['agent'],
      })
    ).id;
  const freshRole = async () =>
    (await asAdmin('POST', '/roles', { key: `r_${uniq()}`, name: 'R', level: 10, permissions: [] })).id;
  const freshUnit = async () => (await asAdmin('POST', '/org-units', { name: `U ${uniq()}` })).id;
  const freshTeam = async (member_ids: string[] = []) =>
    (await asAdmin('POST', '/teams', { name: `T ${uniq()}`, member_ids })).id;
  const url = (u: string) => async () => ({ url: u });

  const cases: RouteCase[] = [
    { method: 'GET', route: '/users', permission: 'users:read', prepare: url('/users') },
    {
      method: 'POST',
      route: '/users',
      permission: 'users:write',
      prepare: async () => ({
        url: '/users',
        body: { email: `n.${uniq()}@acme.test`, password: 'Secret123x', first_name: 'N' },
      }),
    },
    {
      method: 'GET',
      route: '/users/{id} (own)',
      permission: 'authenticated',
      prepare: async (c) => ({
        url: `/users/${c === 'super_admin' ? acme.users.agent.id : acme.users[c].id}`,
      }),
    },
    {
      method: 'PUT',
      route: '/users/{id}',
      permission: 'users:write',
      prepare: async () => ({ url: `/users/${await freshUser()}`, body: { last_name: 'X' } }),
    },
    {
      method: 'DELETE',
      route: '/users/{id}',
      permission: 'users:write',
      prepare: async () => ({ url: `/users/${await freshUser()}` }),
    },
    {
      method: 'PUT',
      route: '/users/{id}/activate',
      permission: 'users:write',
      prepare: async () => ({ url: `/users/${await freshUser()}/activate` }),
    },
    {
      method: 'POST',
      route: '/users/{id}/roles',
      permission: 'users:assign_roles',
      prepare: async () => ({ url: `/users/${await freshUser()}/roles`, body: { roles: ['viewer'] } }),
    },
    { method: 'GET', route: '/roles', permission: 'roles:read', prepare: url('/roles') },
    { method: 'GET', route: '/permissions', permission: 'roles:read', prepare: url('/permissions') },
    {
      method: 'POST',
      route: '/roles',
      permission: 'roles:manage',
      prepare: async () => ({
        url: '/roles',
        body: { key: `p_${uniq()}`, name: 'P', level: 10, permissions: ['teams:read'] },
      }),
    },
    {
      method: 'PUT',
      route: '/roles/{id}',
      permission: 'roles:manage',
      prepare: async () => ({ url: `/roles/${await freshRole()}`, body: { name: 'Q' } }),
    },
    {
      method: 'DELETE',
      route: '/roles/{id}',
      permission: 'roles:manage',
      prepare: async () => ({ url: `/roles/${await freshRole()}` }),
    },
    { method: 'GET', route: '/tenants', permission: 'tenants:manage', prepare: url('/tenants') },
    {
      method: 'POST',
      route: '/tenants',
      permission: 'tenants:manage',
      prepare: async () => {
        const slug = `t-${uniq()}`;
        return {
          url: '/tenants',
          body: {
            name: slug,
            slug,
            admin: { email: `a.${slug}@t.test`, password: 'Secret123x', first_name: 'A' },
          },
        };
      },
    },
    {
      method: 'GET',
      route: '/tenants/{id} (own)',
      permission: ['tenants:manage', 'tenant:read'],
      prepare: async () => ({ url: `/tenants/${acme.tenantId}` }),
    },
    {
      method: 'PUT',
      route: '/tenants/{id} (own)',
      permission: ['tenants:manage', 'tenant:update'],
      prepare: async () => ({ url: `/tenants/${acme.tenantId}`, body: { settings: { locale: 'en' } } }),
    },
    {
      method: 'POST',
      route: '/tenants/{id}/suspend',
      permission: 'tenants:manage',
      prepare: async () => ({ url: `/tenants/${victim.tenantId}/suspend` }),
    },
    {
      method: 'POST',
      route: '/tenants/{id}/reactivate',
      permission: 'tenants:manage',
      prepare: async () => ({ url: `/tenants/${victim.tenantId}/reactivate` }),
    },
    { method: 'GET', route: '/org-units', permission: 'org_units:read', prepare: url('/org-units') },
    {
      method: 'GET',
      route: '/org-units/{id}',
      permission: 'org_units:read',
      prepare: async () => ({ url: `/org-units/${await freshUnit()}` }),
    },
    {
      method: 'POST',
      route: '/org-units',
      permission: 'org_units:write',
      prepare: async () => ({ url: '/org-units', body: { name: `N ${uniq()}` } }),
    },
    {
      method: 'PUT',
      route: '/org-units/{id}',
      permission: 'org_units:write',
      prepare: async () => ({ url: `/org-units/${await freshUnit()}`, body: { name: `R ${uniq()}` } }),
    },
    {
      method: 'DELETE',
      route: '/org-units/{id}',
      permission: 'org_units:write',
      prepare: async () => ({ url: `/org-units/${await freshUnit()}` }),
    },
    { method: 'GET', route: '/teams', permission: 'teams:read', prepare: url('/teams') },
    {
      method: 'GET',
      route: '/teams/{id}',
      permission: 'teams:read',
      prepare: async () => ({ url: `/teams/${await freshTeam()}` }),
    },
    {
      method: 'POST',
      route: '/teams',
      permission: 'teams:write',
      prepare: async () => ({ url: '/teams', body: { name: `N ${uniq()}` } }),
    },
    {
      method: 'PUT',
      route: '/teams/{id}',
      permission: 'teams:write',
      prepare: async () => ({ url: `/teams/${await freshTeam()}`, body: { description: 'd' } }),
    },
    {
      method: 'DELETE',
      route: '/teams/{id}',
      permission: 'teams:write',
      prepare: async () => ({ url: `/teams/${await freshTeam()}` }),
    },
    {
      method: 'POST',
      route: '/teams/{id}/members',
      permission: 'teams:write',
      prepare: async () => ({
        url: `/teams/${await freshTeam()}/members`,
        body: { user_ids: [acme.users.agent.id] },
      }),
    },
    {
      method: 'DELETE',
      route: '/teams/{id}/members/{user_id}',
      permission: 'teams:write',
      prepare: async () => ({
        url: `/teams/${await freshTeam([acme.users.agent.id])}/members/${acme.users.agent.id}`,
      }),
    },
    { method: 'GET', route: '/audit', permission: 'audit:read', prepare: url('/audit') },
    { method: 'GET', route: '/audit/all', permission: 'audit:read_all', prepare: url('/audit/all') },
    {
      method: 'GET',
      route: '/admin/users/activity',
      permission: 'admin:reports',
      prepare: url('/admin/users/activity'),
    },
  ];

  const allowed = (caller: Caller, permission: string | string[]) => {
    if (caller === 'super_admin') return true;
    const granted = defaultPermissions(caller, IDENTITY_PERMISSIONS);
    return [permission].flat().some((p) => p === 'authenticated' || granted.includes(p));
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    acme = await identityFixture(t, 'acme');
    victim = await identityFixture(t, 'victim');
    root = await superAdminFixture(t);
  });
  afterAll(() => t.close());

  const callers: Caller[] = [...FIXTURE_ROLES, 'super_admin'];
  for (const c of cases) {
    it(`${c.method} ${c.route}`, async () => {
      const outcomes: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const caller of callers) {
        const { url: target, body } = await c.prepare(caller);
        const headers =
          caller === 'super_admin' ? { ...root.auth, 'x-tenant-id': acme.tenantId } : acme.users[caller].auth;
        const res = await call(c.method, target, headers, body);
        outcomes[caller] = res.statusCode >= 200 && res.statusCode < 300 ? 200 : res.statusCode;
        expected[caller] = allowed(caller, c.permission) ? 200 : 403;
        if (outcomes[caller] !== expected[caller]) outcomes[`${caller}:body`] = res.body as unknown as number;
      }
      expect(outcomes).toEqual(expected);
    });
  }
});
