import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { expectCursorWalk } from '../harness/paging.js';
import {
  FIXTURE_PASSWORD,
  identityFixture,
  login,
  superAdminFixture,
  type FixtureUser,
  type IdentityFixture,
} from './fixtures.js';

type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
type Headers = Record<string, string>;
const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};

describe('directory: users, roles, tenants', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let root: FixtureUser;
  let seq = 0;

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const admin = () => acme.users.admin.auth;
  const newEmail = () => `person.${Date.now().toString(36)}.${seq++}@acme.test`;
  const createUser = async (body: Record<string, unknown> = {}, headers: Headers = admin()) => {
    const res = await call('POST', '/users', headers, {
      email: newEmail(),
      password: 'Secret123x',
      first_name: 'Pat',
      last_name: 'Doe',
      ...body,
    });
    expectCode(res, 201);
    return res.json<{ id: string; email: string; roles: string[]; status: string; phone: string | null }>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    acme = await identityFixture(t, 'acme');
    root = await superAdminFixture(t);
  });
  afterAll(() => t.close());

  describe('users', () => {
    it('creates, reads, updates and lists a user (snake_case, E.164 phone, roles)', async () => {
      const created = await createUser({
        phone: '2015550123',
        roles: ['agent'],
        employee_code: 'E-1',
        hired_at: '2024-01-15',
      });
      expect(created).toMatchObject({
        phone: '+12015550123',
        roles: ['agent'],
        status: 'active',
        employee_code: 'E-1',
        hired_at: '2024-01-15',
      });
      expect(created).not.toHaveProperty('password_hash');
      const read = expectCode(await call('GET', `/users/${created.id}`, admin()), 200).json();
      expect(read).toMatchObject({ id: created.id, first_name: 'Pat', teams: [] });
      const updated = expectCode(
        await call('PUT', `/users/${created.id}`, admin(), { first_name: 'Patricia' }),
        200,
      ).json();
      expect(updated).toMatchObject({ first_name: 'Patricia' });
      const list = expectCode(await call('GET', `/users?q=patricia&limit=5`, admin()), 200).json<{
        users: { id: string }[];
        total: number;
        limit: number;
        offset: number;
      }>();
      expect(list.users.map((u) => u.id)).toEqual([created.id]);
      expect(list).toMatchObject({ total: 1, limit: 5, offset: 0 });
    });

    it('filters by role and status and sorts', async () => {
      const res = expectCode(await call('GET', '/users?role=team_leader', admin()), 200).json<{
        users: { id: string; roles: string[] }[];
      }>();
      expect(res.users.map((u) => u.id)).toEqual([acme.users.team_leader.id]);
      const sorted = expectCode(await call('GET', '/users?sort=-email&limit=500', admin()), 200).json<{
        users: { email: string }[];
      }>();
      const emails = sorted.users.map((u) => u.email);
      expect(emails).toEqual([...emails].sort().reverse());
      expectCode(await call('GET', '/users?sort=password_hash', admin()), 422, 'VALIDATION_FAILED');
    });

    it('answers 422 for invalid input and 409 for a duplicate e-mail', async () => {
      expectCode(
        await call('POST', '/users', admin(), { email: 'not-an-email', password: 'x', first_name: 'A' }),
        422,
        'VALIDATION_FAILED',
      );
      expectCode(
        await call('POST', '/users', admin(), { email: newEmail(), password: 'short1', first_name: 'A' }),
        422,
        'PASSWORD_POLICY',
      );
      expectCode(
        await call('POST', '/users', admin(), {
          email: newEmail(),
          password: 'Secret123x',
          first_name: 'A',
          phone: '12',
        }),
        422,
        'VALIDATION_FAILED',
      );
      expectCode(
        await call('POST', '/users', admin(), {
          email: newEmail(),
          password: 'Secret123x',
          first_name: 'A',
          roles: ['nope'],
        }),
        422,
        'VALIDATION_FAILED',
      );
      expectCode(
        await call('POST', '/users', admin(), {
          email: acme.users.agent.email.toUpperCase(),
          password: 'Secret123x',
          first_name: 'A',
        }),
        409,
        'DUPLICATE',
      );
      expectCode(await call('PUT', `/users/${acme.users.agent.id}`, admin(), {}), 422);
      expectCode(await call('GET', '/users/not-a-uuid', admin()), 422);
      expectCode(await call('GET', '/users/01900000-0000-7000-8000-000000000999', admin()), 404);
    });

    it('uses the tenant default phone region', async () => {
      expectCode(
        await call('PUT', `/tenants/${acme.tenantId}`, admin(), { settings: { default_phone_region: 'UZ' } }),
        200,
      );
      const u = await createUser({ phone: '998901234567' });
      expect(u.phone).toBe('+998901234567');
      expectCode(
        await call('PUT', `/tenants/${acme.tenantId}`, admin(), { settings: { default_phone_region: 'US' } }),
        200,
      );
    });

    it('deactivates (no hard delete), revokes sessions, and reactivates', async () => {
      const email = newEmail();
      const u = await createUser({ email, roles: ['agent'] });
      const session = await login(t, email, 'Secret123x');
      expectCode(await call('GET', `/users/${u.id}`, session.auth), 200);
      expectCode(await call('DELETE', `/users/${u.id}`, admin()), 204);
      // The access token stops working at once (the session is revoked and evicted from the cache).
      expect((await call('GET', `/users/${u.id}`, session.auth)).statusCode).toBe(401);
      const read = expectCode(await call('GET', `/users/${u.id}`, admin()), 200).json<{
        status: string;
        deactivated_at: string;
      }>();
      expect(read.status).toBe('inactive');
      expect(read.deactivated_at).toEqual(expect.any(String));
      const revoked = await t.database.db.query<{ n: number }>(
        'select count(*)::int as n from sessions where user_id = $1 and revoked_at is null',
        [u.id],
      );
      expect(revoked.rows[0]!.n).toBe(0);
      const refresh = await call('POST', '/auth/refresh', {}, { refresh_token: session.refreshToken });
      expect(refresh.statusCode).toBe(401);
      const again = expectCode(await call('PUT', `/users/${u.id}/activate`, admin()), 200).json<{
        status: string;
      }>();
      expect(again.status).toBe('active');
      await login(t, email, 'Secret123x');
    });

    it('replaces roles by key or id and refuses to remove the last active admin', async () => {
      const u = await createUser({ roles: ['agent'] });
      const roles = expectCode(await call('GET', '/roles?limit=100', admin()), 200).json<{
        roles: { id: string; key: string }[];
      }>();
      const leaderId = roles.roles.find((r) => r.key === 'team_leader')!.id;
      const res = expectCode(
        await call('POST', `/users/${u.id}/roles`, admin(), { roles: [leaderId, 'viewer'] }),
        200,
      ).json<{ roles: string[] }>();
      expect(res.roles).toEqual(['team_leader', 'viewer']);
      expectCode(await call('POST', `/users/${u.id}/roles`, admin(), { roles: ['ghost'] }), 422);

      // acme's admin is the only admin: neither demotion nor deactivation is allowed.
      expectCode(
        await call('POST', `/users/${acme.users.admin.id}/roles`, admin(), { roles: ['agent'] }),
        409,
        'LAST_ADMIN',
      );
      expectCode(await call('DELETE', `/users/${acme.users.admin.id}`, admin()), 409, 'LAST_ADMIN');
      // With a second admin the first may step down.
      const second = await createUser({ roles: ['admin'] });
      expectCode(await call('DELETE', `/users/${second.id}`, admin()), 204);
      expectCode(await call('DELETE', `/users/${acme.users.admin.id}`, admin()), 409, 'LAST_ADMIN');
    });

    it('applies a role change to the user’s existing token at once', async () => {
      const email = newEmail();
      const u = await createUser({ email, roles: ['viewer'] });
      const session = await login(t, email, 'Secret123x');
      expectCode(await call('GET', '/users', session.auth), 200);
      expectCode(await call('POST', `/users/${u.id}/roles`, admin(), { roles: ['agent'] }), 200);
      expectCode(await call('GET', '/users', session.auth), 403);
    });

    it('lets any user read their own record but no one else’s without users:read', async () => {
      const agent = acme.users.agent;
      expectCode(await call('GET', `/users/${agent.id}`, agent.auth), 200);
      expectCode(await call('GET', `/users/${acme.users.admin.id}`, agent.auth), 404);
      expectCode(await call('GET', '/users', agent.auth), 403, 'FORBIDDEN');
    });
  });

  describe('data scopes on GET /users', () => {
    let scoped: IdentityFixture;
    let ids: Record<string, string>;
    const listIds = async (user: FixtureUser) =>
      expectCode(await call('GET', '/users?limit=500', user.auth), 200)
        .json<{ users: { id: string }[] }>()
        .users.map((u) => u.id)
        .sort();

    beforeAll(async () => {
      scoped = await identityFixture(t, 'scoped');
      const a = scoped.users.admin.auth;
      const post = async (url: string, body: object) =>
        expectCode(await call('POST', url, a, body), 201).json<{ id: string }>().id;
      const put = async (url: string, body: object) => expectCode(await call('PUT', url, a, body), 200);
      const region = await post('/org-units', { name: 'North', type: 'region' });
      const area = await post('/org-units', { name: 'North-1', type: 'area', parent_id: region });
      const otherArea = await post('/org-units', { name: 'South-1', type: 'area' });
      const mk = async (name: string, extra: object = {}) =>
        expectCode(
          await call('POST', '/users', a, {
            email: `${name}.${Date.now()}.${seq++}@scoped.test`,
            password: 'Secret123x',
            first_name: name,
            ...extra,
          }),
          201,
        ).json<{ id: string }>().id;
      const inTeam = await mk('inteam');
      const inArea = await mk('inarea', { org_unit_id: area });
      const outside = await mk('outside', { org_unit_id: otherArea });
      await post('/teams', {
        name: 'Alpha',
        leader_id: scoped.users.team_leader.id,
        org_unit_id: area,
        member_ids: [inTeam, scoped.users.agent.id],
      });
      await put(`/users/${scoped.users.area_manager.id}`, { org_unit_id: region });
      ids = { inTeam, inArea, outside };
    });

    it('team leader: their teams’ members and themself', async () => {
      expect(await listIds(scoped.users.team_leader)).toEqual(
        [ids.inTeam!, scoped.users.agent.id, scoped.users.team_leader.id].sort(),
      );
      expectCode(await call('GET', `/users/${ids.outside}`, scoped.users.team_leader.auth), 404);
      expectCode(await call('GET', `/users/${ids.inTeam}`, scoped.users.team_leader.auth), 200);
    });

    it('area manager: everyone under their org unit subtree', async () => {
      expect(await listIds(scoped.users.area_manager)).toEqual(
        [ids.inTeam!, ids.inArea!, scoped.users.agent.id, scoped.users.area_manager.id].sort(),
      );
      expectCode(await call('GET', `/users/${ids.outside}`, scoped.users.area_manager.auth), 404);
    });

    it('national manager and viewer: the whole tenant; agent: only GET of themself', async () => {
      const all = await listIds(scoped.users.admin);
      expect(await listIds(scoped.users.national_manager)).toEqual(all);
      expect(await listIds(scoped.users.viewer)).toEqual(all);
      expect(all).toContain(ids.outside);
      expectCode(await call('GET', `/users/${ids.inTeam}`, scoped.users.agent.auth), 404);
    });

    it('filters by team and org unit subtree', async () => {
      const byUnit = expectCode(
        await call(
          'GET',
          `/users?org_unit=${(await t.database.db.query<{ id: string }>("select id from org_units where tenant_id = $1 and name = 'North'", [scoped.tenantId])).rows[0]!.id}`,
          scoped.users.admin.auth,
        ),
        200,
      ).json<{ users: { id: string }[] }>();
      expect(byUnit.users.map((u) => u.id).sort()).toEqual(
        [ids.inArea!, scoped.users.area_manager.id].sort(),
      );
    });
  });

  describe('roles and permissions', () => {
    it('lists the catalogue and the built-in roles', async () => {
      const cat = expectCode(await call('GET', '/permissions', admin()), 200).json<{
        permissions: { name: string; description: string }[];
      }>();
      expect(cat.permissions.map((p) => p.name)).toContain('users:read');
      const roles = expectCode(await call('GET', '/roles', acme.users.viewer.auth), 200).json<{
        roles: { key: string; builtin: boolean; data_scope: string }[];
      }>();
      expect(
        roles.roles
          .filter((r) => r.builtin)
          .map((r) => r.key)
          .sort(),
      ).toEqual([
        'admin',
        'agent',
        'area_manager',
        'national_manager',
        'regional_manager',
        'team_leader',
        'viewer',
      ]);
      expect(roles.roles.find((r) => r.key === 'area_manager')!.data_scope).toBe('org_unit');
    });

    it('pages roles by cursor in level order', async () => {
      const levels = expectCode(await call('GET', '/roles?limit=100', admin()), 200)
        .json<{ roles: { level: number }[] }>()
        .roles.map((r) => r.level);
      expect(levels).toEqual([...levels].sort((a, b) => a - b));
      await expectCursorWalk((url) => call('GET', url, admin()), '/roles', 'roles', 3);
    });

    it('creates, changes and deletes a custom role; protects built-in and used roles', async () => {
      const created = expectCode(
        await call('POST', '/roles', admin(), {
          key: 'sales_director',
          name: 'Sales director',
          level: 50,
          permissions: ['users:read', 'teams:read'],
        }),
        201,
      ).json<{ id: string; data_scope: string }>();
      expect(created.data_scope).toBe('tenant');
      expectCode(
        await call('POST', '/roles', admin(), {
          key: 'sales_director',
          name: 'Dup',
          level: 10,
          permissions: [],
        }),
        409,
        'DUPLICATE',
      );
      const bad = expectCode(
        await call('POST', '/roles', admin(), {
          key: 'x_role',
          name: 'X',
          level: 10,
          permissions: ['users:read', 'rockets:launch'],
        }),
        422,
        'VALIDATION_FAILED',
      );
      expect(bad.json<{ errors: { path: string }[] }>().errors).toEqual([
        { path: '/body/permissions/1', message: expect.any(String) },
      ]);
      expectCode(
        await call('POST', '/roles', admin(), { key: 'too_high', name: 'X', level: 60, permissions: [] }),
        422,
      );
      expectCode(
        await call('POST', '/roles', admin(), {
          key: 'super',
          name: 'X',
          level: 10,
          permissions: ['tenants:manage'],
        }),
        422,
      );
      const changed = expectCode(
        await call('PUT', `/roles/${created.id}`, admin(), { level: 30 }),
        200,
      ).json<{ level: number; data_scope: string }>();
      expect(changed).toMatchObject({ level: 30, data_scope: 'org_unit' });

      const u = await createUser({ roles: ['sales_director'] });
      expect(u.roles).toEqual(['sales_director']);
      const director = await login(t, u.email, 'Secret123x');
      expectCode(await call('GET', '/users', director.auth), 200);
      // users:write without users:assign_roles cannot hand out roles when creating a user.
      expectCode(
        await call('POST', '/roles', admin(), {
          key: 'hr_clerk',
          name: 'HR',
          level: 10,
          permissions: ['users:write'],
        }),
        201,
      );
      const clerkUser = await createUser({ roles: ['hr_clerk'] });
      const clerk = await login(t, clerkUser.email, 'Secret123x');
      expectCode(
        await call('POST', '/users', clerk.auth, {
          email: newEmail(),
          password: 'Secret123x',
          first_name: 'E',
          roles: ['admin'],
        }),
        403,
      );
      expectCode(
        await call('POST', '/users', clerk.auth, {
          email: newEmail(),
          password: 'Secret123x',
          first_name: 'E',
        }),
        201,
      );
      expectCode(await call('DELETE', `/roles/${created.id}`, admin()), 409, 'ROLE_IN_USE');
      expectCode(await call('POST', `/users/${u.id}/roles`, admin(), { roles: ['agent'] }), 200);
      expectCode(await call('DELETE', `/roles/${created.id}`, admin()), 204);

      const roles = expectCode(await call('GET', '/roles', admin()), 200).json<{
        roles: { id: string; key: string }[];
      }>();
      const builtin = roles.roles.find((r) => r.key === 'agent')!;
      expectCode(await call('PUT', `/roles/${builtin.id}`, admin(), { name: 'Rep' }), 409, 'BUILTIN_ROLE');
      expectCode(await call('DELETE', `/roles/${builtin.id}`, admin()), 409, 'BUILTIN_ROLE');
    });
  });

  describe('audit of directory writes', () => {
    it('wrote one audit row per kind of write, in the tenant, with the actor', async () => {
      const wanted = [
        'user.create',
        'user.update',
        'user.deactivate',
        'user.activate',
        'user.roles',
        'role.create',
        'role.update',
        'role.delete',
        'tenant.update',
      ];
      for (const action of wanted) {
        const res = expectCode(
          await call('GET', `/audit?action=${action}&user=${acme.users.admin.id}&limit=1`, admin()),
          200,
        ).json<{ audit: { actor_user_id: string; tenant_id: string }[] }>();
        // `total` is null here: the audit log is not counted when more rows follow the page.
        expect(res.audit, action).toHaveLength(1);
        expect(res.audit[0]).toMatchObject({ actor_user_id: acme.users.admin.id, tenant_id: acme.tenantId });
      }
    });
  });

  describe('tenants', () => {
    it('super admin creates, lists, reads, updates, suspends and reactivates tenants', async () => {
      const slug = `initech-${Date.now()}`;
      const email = `boss.${slug}@initech.test`;
      const created = expectCode(
        await call('POST', '/tenants', root.auth, {
          name: 'Initech',
          slug,
          settings: { time_zone: 'Asia/Tashkent', currency: 'UZS', default_phone_region: 'UZ' },
          admin: { email, password: FIXTURE_PASSWORD, first_name: 'Bill', phone: '998901234567' },
        }),
        201,
      ).json<{ id: string; admin_user_id: string; settings: Record<string, unknown>; status: string }>();
      expect(created.settings).toMatchObject({
        time_zone: 'Asia/Tashkent',
        currency: 'UZS',
        password_min_length: 8,
      });
      const boss = await login(t, email, FIXTURE_PASSWORD);
      const me = expectCode(await call('GET', `/users/${created.admin_user_id}`, boss.auth), 200).json<{
        roles: string[];
        phone: string;
      }>();
      expect(me).toMatchObject({ roles: ['admin'], phone: '+998901234567' });

      const list = expectCode(await call('GET', `/tenants?q=${slug}`, root.auth), 200).json<{
        tenants: { id: string }[];
        total: number;
      }>();
      expect(list.tenants.map((x) => x.id)).toEqual([created.id]);
      expectCode(await call('GET', `/tenants/${created.id}`, root.auth), 200);
      const renamed = expectCode(
        await call('PUT', `/tenants/${created.id}`, root.auth, { name: 'Initech Inc' }),
        200,
      ).json<{ name: string }>();
      expect(renamed.name).toBe('Initech Inc');

      const suspended = expectCode(
        await call('POST', `/tenants/${created.id}/suspend`, root.auth),
        200,
      ).json<{ status: string; suspended_at: string }>();
      expect(suspended).toMatchObject({ status: 'suspended', suspended_at: expect.any(String) });
      const refused = await call('POST', '/auth/login', {}, { email, password: FIXTURE_PASSWORD });
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expectCode(await call('POST', `/tenants/${created.id}/reactivate`, root.auth), 200);
      await login(t, email, FIXTURE_PASSWORD);
      expectCode(
        await call('POST', '/tenants', root.auth, {
          name: 'Dup',
          slug,
          admin: { email: `x.${slug}@x.test`, password: FIXTURE_PASSWORD, first_name: 'X' },
        }),
        409,
      );
    });

    it('pages tenants by cursor (super admin)', async () => {
      for (const n of [1, 2, 3]) {
        const slug = `paged-${n}-${Date.now()}`;
        expectCode(
          await call('POST', '/tenants', root.auth, {
            name: `Paged ${n}`,
            slug,
            admin: { email: `boss@${slug}.test`, password: FIXTURE_PASSWORD, first_name: 'Boss' },
          }),
          201,
        );
      }
      for (const sort of ['name', '-created_at'])
        await expectCursorWalk((url) => call('GET', url, root.auth), `/tenants?sort=${sort}`, 'tenants');
    });

    it('validates settings', async () => {
      const body = (settings: object) => ({ settings });
      for (const settings of [
        { time_zone: 'Mars/Olympus' },
        { currency: 'usd' },
        { password_min_length: 7 },
        { password_min_length: 129 },
        { lockout_threshold: 0 },
        { access_token_ttl_seconds: 5 },
        { default_phone_region: 'XX' },
      ]) {
        expectCode(
          await call('PUT', `/tenants/${acme.tenantId}`, admin(), body(settings)),
          422,
          'VALIDATION_FAILED',
        );
      }
      const ok = expectCode(
        await call(
          'PUT',
          `/tenants/${acme.tenantId}`,
          admin(),
          body({ password_min_length: 12, time_zone: 'Europe/Berlin' }),
        ),
        200,
      ).json<{ settings: Record<string, unknown> }>();
      expect(ok.settings).toMatchObject({ password_min_length: 12, time_zone: 'Europe/Berlin' });
      expectCode(
        await call('POST', '/users', admin(), { email: newEmail(), password: 'Secret123x', first_name: 'A' }),
        422,
        'PASSWORD_POLICY',
      );
      expectCode(
        await call('PUT', `/tenants/${acme.tenantId}`, admin(), body({ password_min_length: 8 })),
        200,
      );
    });

    it('admins read and update only their own tenant; others are super-admin only', async () => {
      const other = await identityFixture(t, 'other');
      expectCode(await call('GET', `/tenants/${acme.tenantId}`, admin()), 200);
      expectCode(await call('GET', `/tenants/${other.tenantId}`, admin()), 404);
      expectCode(await call('PUT', `/tenants/${other.tenantId}`, admin(), { name: 'Pwned' }), 404);
      expectCode(await call('GET', '/tenants', admin()), 403);
      expectCode(await call('POST', `/tenants/${other.tenantId}/suspend`, admin()), 403);
      expectCode(await call('GET', `/tenants/${acme.tenantId}`, acme.users.national_manager.auth), 403);
    });
  });
});
