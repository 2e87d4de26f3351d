import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authRoutes,
  clearPrincipalCache,
  identityPrincipalResolver,
} from '../../src/modules/identity/auth/index.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import {
  FIXTURE_PASSWORD,
  fixturePasswordHash,
  identityFixture,
  login,
  superAdminFixture,
  type IdentityFixture,
} from './fixtures.js';

/** Identity's auth part alone (independent of the directory and org routes). */
export const authModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  routes: authRoutes,
};

type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
};

describe('auth', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let globex: IdentityFixture;

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers });
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const put = (url: string, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'PUT', url: `/api/v1${url}`, payload, headers });
  const del = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const sqlRun = (text: string, params: unknown[] = []) => t.database.db.query(text, params);

  /** A fresh user of tenant `acme` with the agent role (so tests can break it freely). */
  async function freshUser(fixture = acme, role = 'agent') {
    const email = `u.${Math.random().toString(36).slice(2, 10)}@fresh.test`;
    const { insertUserWithRoles } = await import('../../src/modules/identity/auth/auth.repository.js');
    const passwordHash = await fixturePasswordHash();
    const id = await t.database.db.withSystem((tx) =>
      insertUserWithRoles(tx, {
        tenantId: fixture.tenantId,
        email,
        passwordHash,
        firstName: 'Fresh',
        roleKeys: [role],
      }),
    );
    return { id, email };
  }

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [authModule] } });
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
  });
  afterAll(() => t.close());

  describe('register', () => {
    /** The sign-up link mailed to `email` (the newest one), as its token. */
    async function mailedToken(email: string, template: string): Promise<string> {
      const [mail] = await t.app.platform.mailer.outbox({ to: email, template });
      expect(mail, `a ${template} mail to ${email}`).toBeDefined();
      return decodeURIComponent(/token=([^\s"&]+)/.exec(mail!.text)![1]!);
    }

    it('mails a link for a new address; the link creates the tenant and its admin and signs them in', async () => {
      const res = await post('/auth/register', {
        tenant_name: 'Umbrella Trading LLC',
        email: 'boss@umbrella.test',
        password: 'Umbrella2026',
        first_name: 'Alice',
        last_name: 'Boss',
      });
      expectCode(res, 202);
      expect(res.json()).toEqual({ message: expect.any(String) });
      // Nothing exists until the link is opened.
      expect((await sqlRun("select 1 from tenants where slug = 'umbrella-trading-llc'")).rows).toEqual([]);
      const token = await mailedToken('boss@umbrella.test', 'identity.registration_confirm');

      const confirmed = await post('/auth/register/confirm', { token });
      expectCode(confirmed, 201);
      const body = confirmed.json<{
        access_token: string;
        token_type: string;
        user: { roles: string[]; tenant_id: string };
      }>();
      expect(body.token_type).toBe('bearer');
      expect(body.user.roles).toEqual(['admin']);
      const [tenant] = (await sqlRun('select slug from tenants where id = $1', [body.user.tenant_id])).rows;
      expect(tenant).toEqual({ slug: 'umbrella-trading-llc' });
      const me = await get('/auth/me', bearer(body.access_token));
      expectCode(me, 200);
      expect(me.json()).toMatchObject({ email: 'boss@umbrella.test', scope: 'tenant' });
      // The password chosen at sign-up is the one that signs in.
      expectCode(await post('/auth/login', { email: 'boss@umbrella.test', password: 'Umbrella2026' }), 200);

      // A link works once; a forged or altered one never.
      expectCode(await post('/auth/register/confirm', { token }), 422, 'INVALID_REGISTRATION_TOKEN');
      expectCode(
        await post('/auth/register/confirm', { token: `${token.slice(0, -4)}AAAA` }),
        422,
        'INVALID_REGISTRATION_TOKEN',
      );
      expectCode(await post('/auth/register/confirm', { token: 'nope' }), 422, 'INVALID_REGISTRATION_TOKEN');
    });

    it('answers an existing address exactly like a new one and tells its owner instead', async () => {
      const base = { tenant_name: 'Copycat Inc', password: 'Copycat2026', first_name: 'Eve' };
      const fresh = await post('/auth/register', { ...base, slug: 'copycat-new', email: 'eve@copycat.test' });
      const taken = await post('/auth/register', {
        ...base,
        slug: 'copycat-old',
        email: acme.users.agent.email.toUpperCase(),
      });
      expect([taken.statusCode, taken.headers['content-type']]).toEqual([
        fresh.statusCode,
        fresh.headers['content-type'],
      ]);
      expect(taken.json()).toEqual(fresh.json());
      expectCode(taken, 202);
      // The owner hears about it (a note with sign-in and reset links, no sign-up link) …
      const [note] = await t.app.platform.mailer.outbox({
        to: acme.users.agent.email,
        template: 'identity.registration_existing',
      });
      expect(note).toBeDefined();
      expect(note!.tenantId).toBe(acme.tenantId);
      expect(note!.text).toContain('/forgot-password');
      expect(note!.text).not.toContain('token=');
      // … and nothing is created: the account and its password are unchanged.
      expect((await sqlRun("select 1 from tenants where slug = 'copycat-old'")).rows).toEqual([]);
      await login(t, acme.users.agent.email, FIXTURE_PASSWORD);
    });

    it('refuses a taken slug with 409 and a weak password with 422, whatever the address', async () => {
      const base = {
        tenant_name: 'Umbrella Two',
        email: 'other@umbrella.test',
        password: 'Umbrella2026',
        first_name: 'B',
      };
      expectCode(await post('/auth/register', { ...base, slug: acme.slug }), 409, 'DUPLICATE');
      expectCode(
        await post('/auth/register', { ...base, email: acme.users.admin.email, slug: acme.slug }),
        409,
      );
      expectCode(await post('/auth/register', { ...base, password: 'short1' }), 422, 'PASSWORD_POLICY');
      expectCode(await post('/auth/register', { ...base, password: 'onlyletters' }), 422, 'PASSWORD_POLICY');
    });

    it('answers 422 for invalid bodies', async () => {
      expectCode(await post('/auth/register', {}), 422, 'VALIDATION_FAILED');
      expectCode(
        await post('/auth/register', { tenant_name: 'X Y', email: 'nope', password: 'a', first_name: '' }),
        422,
      );
      expectCode(
        await post('/auth/register', {
          tenant_name: 'Ok name',
          slug: 'Bad Slug',
          email: 'a@b.test',
          password: 'Abcdefg12',
          first_name: 'A',
        }),
        422,
      );
    });

    it('is open by default and answers 403 REGISTRATION_CLOSED to both steps with SELF_REGISTRATION=false', async () => {
      expect(t.config.selfRegistration).toBe(true);
      const body = {
        tenant_name: 'Closed Shop',
        email: 'owner@closed.test',
        password: 'ClosedShop2026',
        first_name: 'Cora',
      };
      // A link mailed while sign-up was open…
      expectCode(await post('/auth/register', body), 202);
      const token = await mailedToken('owner@closed.test', 'identity.registration_confirm');

      const closed = await createTestApp({
        config: { selfRegistration: false },
        deps: { modules: [authModule] },
        database: t.database,
      });
      try {
        const closedPost = (url: string, payload: object) =>
          closed.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });
        const refused = await closedPost('/auth/register', { ...body, email: 'second@closed.test' });
        expectCode(refused, 403, 'REGISTRATION_CLOSED');
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        // Closed before the body is even looked at, and no mail goes out.
        expectCode(await closedPost('/auth/register', {}), 403, 'REGISTRATION_CLOSED');
        expect(await t.app.platform.mailer.outbox({ to: 'second@closed.test' })).toEqual([]);
        // …is refused too, and creates nothing.
        expectCode(await closedPost('/auth/register/confirm', { token }), 403, 'REGISTRATION_CLOSED');
        expect((await sqlRun("select 1 from tenants where slug = 'closed-shop'")).rows).toEqual([]);
      } finally {
        await closed.close();
      }
      // The same link still works where sign-up is open: the setting alone refused it.
      expectCode(await post('/auth/register/confirm', { token }), 201);
    });
  });

  describe('login', () => {
    it('signs in with JSON e-mail, JSON username and an OAuth2 form post', async () => {
      const json = await post('/auth/login', {
        email: acme.users.agent.email.toUpperCase(),
        password: FIXTURE_PASSWORD,
      });
      expectCode(json, 200);
      expect(json.json()).toMatchObject({
        token_type: 'bearer',
        expires_in: 900,
        user: { roles: ['agent'], scope: 'own' },
      });

      await sqlRun(`update users set username = 'acme.agent.login' where id = $1`, [acme.users.agent.id]);
      expectCode(
        await post('/auth/login', { username: 'acme.agent.login', password: FIXTURE_PASSWORD }),
        200,
      );

      const form = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'password',
          username: acme.users.viewer.email,
          password: FIXTURE_PASSWORD,
        }).toString(),
      });
      expectCode(form, 200);
      expect(form.json()).toMatchObject({
        token_type: 'bearer',
        user: { roles: ['viewer'], scope: 'tenant' },
      });
    });

    it('answers the same 401 for an unknown user and a wrong password', async () => {
      const unknown = await post('/auth/login', { email: 'nobody@nowhere.test', password: 'whatever1' });
      const wrong = await post('/auth/login', {
        email: acme.users.viewer.email,
        password: 'wrong-password1',
      });
      expectCode(unknown, 401, 'INVALID_CREDENTIALS');
      expectCode(wrong, 401, 'INVALID_CREDENTIALS');
      expect(unknown.json<{ detail: string }>().detail).toBe(wrong.json<{ detail: string }>().detail);
    });

    it('answers 422 without a login or password', async () => {
      expectCode(await post('/auth/login', { password: 'x' }), 422, 'VALIDATION_FAILED');
      expectCode(await post('/auth/login', { email: 'a@b.test' }), 422, 'VALIDATION_FAILED');
    });

    it('locks the account after 5 failures and unlocks it after the window', async () => {
      const user = await freshUser();
      for (let i = 0; i < 4; i++)
        expectCode(
          await post('/auth/login', { email: user.email, password: 'wrong-pass1' }),
          401,
          'INVALID_CREDENTIALS',
        );
      const fifth = await post('/auth/login', { email: user.email, password: 'wrong-pass1' });
      expectCode(fifth, 401, 'INVALID_CREDENTIALS');
      const [locked] = (await sqlRun(`select locked_until from users where id = $1`, [user.id])).rows;
      expect(locked!.locked_until).not.toBeNull();
      // Even the right password is refused while locked, with the same answer.
      expectCode(
        await post('/auth/login', { email: user.email, password: FIXTURE_PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
      const audit = await sqlRun(`select action from audit_log where entity_id = $1 order by at`, [user.id]);
      expect(audit.rows.map((r) => r.action)).toContain('auth.account_locked');
      // The window passes.
      await sqlRun(`update users set locked_until = now() - interval '1 second' where id = $1`, [user.id]);
      const ok = await post('/auth/login', { email: user.email, password: FIXTURE_PASSWORD });
      expectCode(ok, 200);
      const [row] = (
        await sqlRun(`select failed_login_count, locked_until, last_login_at from users where id = $1`, [
          user.id,
        ])
      ).rows;
      expect(row).toMatchObject({ failed_login_count: 0, locked_until: null });
      expect(row!.last_login_at).not.toBeNull();
      const actions = (await sqlRun(`select action from audit_log where entity_id = $1`, [user.id])).rows.map(
        (r) => r.action,
      );
      expect(actions).toContain('auth.login');
      expect(actions).toContain('auth.login_failed');
    });

    it('honours the tenant lockout settings', async () => {
      const tenant = await identityFixture(t, 'strict');
      await sqlRun(
        `update tenants set settings = '{"lockout_threshold": 2, "lockout_minutes": 1}' where id = $1`,
        [tenant.tenantId],
      );
      const { email } = tenant.users.agent;
      expectCode(await post('/auth/login', { email, password: 'wrong-pass1' }), 401);
      expectCode(await post('/auth/login', { email, password: 'wrong-pass1' }), 401, 'INVALID_CREDENTIALS');
      const [row] = (await sqlRun(`select locked_until from users where id = $1`, [tenant.users.agent.id]))
        .rows;
      const until = new Date(row!.locked_until as string).getTime();
      expect(until - Date.now()).toBeGreaterThan(30_000);
      expect(until - Date.now()).toBeLessThanOrEqual(61_000);
    });

    it('refuses inactive users and suspended tenants with their own codes', async () => {
      const user = await freshUser();
      await sqlRun(`update users set status = 'inactive' where id = $1`, [user.id]);
      expectCode(
        await post('/auth/login', { email: user.email, password: FIXTURE_PASSWORD }),
        403,
        'USER_INACTIVE',
      );
      const tenant = await identityFixture(t, 'suspended');
      await sqlRun(`update tenants set status = 'suspended' where id = $1`, [tenant.tenantId]);
      expectCode(
        await post('/auth/login', { email: tenant.users.agent.email, password: FIXTURE_PASSWORD }),
        403,
        'TENANT_SUSPENDED',
      );
      // Existing tokens stop working too.
      clearPrincipalCache();
      expectCode(await get('/auth/me', tenant.users.admin.auth), 403, 'TENANT_SUSPENDED');
    });

    it('puts current roles and scope in the token, and permissions in /me', async () => {
      const me = await get('/auth/me', acme.users.area_manager.auth);
      expectCode(me, 200);
      expect(me.json()).toMatchObject({
        id: acme.users.area_manager.id,
        tenant_id: acme.tenantId,
        roles: ['area_manager'],
        scope: 'org_unit',
        is_super_admin: false,
        permissions: expect.arrayContaining(['users:read', 'teams:read']),
      });
      const claims = await t.app.platform.tokens.verifyAccess(acme.users.team_leader.token);
      expect(claims).toMatchObject({
        tid: acme.tenantId,
        roles: ['team_leader'],
        scope: 'team',
        sid: expect.any(String),
        perms: [],
      });
      // The permissions stay out of the token: an admin's hundred would make every header ~3 KB.
      const adminToken = acme.users.admin.token;
      expect(JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString())).not.toHaveProperty(
        'perms',
      );
      expect(adminToken.length).toBeLessThan(600);
      const adminMe = await get('/auth/me', acme.users.admin.auth);
      expect(adminMe.json<{ permissions: string[] }>().permissions).toContain('users:write');
    });

    it('signs in a super admin without a tenant', async () => {
      const root = await superAdminFixture(t);
      const claims = await t.app.platform.tokens.verifyAccess(root.token);
      expect(claims).toMatchObject({ tid: null, roles: ['super_admin'] });
      const me = await get('/auth/me', root.auth);
      expectCode(me, 200);
      expect(me.json()).toMatchObject({ is_super_admin: true, tenant_id: null, roles: ['super_admin'] });
      expectCode(await get('/auth/sessions', root.auth), 200);
    });
  });

  describe('tokens and sessions', () => {
    it('rejects requests without a token or with a forged one', async () => {
      expectCode(await get('/auth/me'), 401);
      expectCode(await get('/auth/me', bearer('abc.def.ghi')), 401, 'INVALID_TOKEN');
      const noSession = await t.token({ sub: acme.users.admin.id, tid: acme.tenantId, roles: ['admin'] });
      expectCode(await get('/auth/me', bearer(noSession)), 401, 'SESSION_REVOKED');
      const unknownSession = await t.token({
        sub: acme.users.admin.id,
        tid: acme.tenantId,
        sid: '01900000-0000-7000-8000-000000000999',
      });
      expectCode(await get('/auth/me', bearer(unknownSession)), 401, 'SESSION_REVOKED');
    });

    it('rotates refresh tokens and revokes the session when a rotated one comes back', async () => {
      const user = await freshUser();
      const first = await login(t, user.email, FIXTURE_PASSWORD);
      const r1 = await post('/auth/refresh', { refresh_token: first.refreshToken });
      expectCode(r1, 200);
      const second = r1.json<{ access_token: string; refresh_token: string }>();
      expect(second.refresh_token).not.toBe(first.refreshToken);
      expectCode(await get('/auth/me', bearer(second.access_token)), 200);
      // The old token again: reuse. The whole session dies.
      expectCode(
        await post('/auth/refresh', { refresh_token: first.refreshToken }),
        401,
        'REFRESH_TOKEN_REUSED',
      );
      expectCode(
        await post('/auth/refresh', { refresh_token: second.refresh_token }),
        401,
        'SESSION_REVOKED',
      );
      clearPrincipalCache(); // other instances learn within the cache window
      expectCode(await get('/auth/me', bearer(second.access_token)), 401, 'SESSION_REVOKED');
      expectCode(await get('/auth/me', first.auth), 401, 'SESSION_REVOKED');
      const [session] = (await sqlRun(`select revoked_reason from sessions where user_id = $1`, [user.id]))
        .rows;
      expect(session).toEqual({ revoked_reason: 'refresh_reuse' });
    });

    it('refuses unknown and expired refresh tokens', async () => {
      expectCode(await post('/auth/refresh', { refresh_token: 'not-a-token' }), 401, 'INVALID_REFRESH_TOKEN');
      expectCode(await post('/auth/refresh', {}), 422, 'VALIDATION_FAILED');
      const user = await freshUser();
      const s = await login(t, user.email, FIXTURE_PASSWORD);
      await sqlRun(
        `update refresh_tokens set expires_at = now() - interval '1 second' where tenant_id = $1 and session_id in (select id from sessions where user_id = $2)`,
        [acme.tenantId, user.id],
      );
      expectCode(await post('/auth/refresh', { refresh_token: s.refreshToken }), 401, 'SESSION_REVOKED');
    });

    it('stores refresh tokens only hashed', async () => {
      const user = await freshUser();
      const s = await login(t, user.email, FIXTURE_PASSWORD);
      const rows = (
        await sqlRun(`select token_hash from refresh_tokens where token_hash = $1`, [s.refreshToken])
      ).rows;
      expect(rows).toHaveLength(0);
      expect(s.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('logs out this session, or all of them', async () => {
      const user = await freshUser();
      const a = await login(t, user.email, FIXTURE_PASSWORD);
      const b = await login(t, user.email, FIXTURE_PASSWORD);
      const c = await login(t, user.email, FIXTURE_PASSWORD);
      expectCode(await post('/auth/logout', {}, a.auth), 204);
      expectCode(await get('/auth/me', a.auth), 401, 'SESSION_REVOKED');
      expectCode(await post('/auth/refresh', { refresh_token: a.refreshToken }), 401, 'SESSION_REVOKED');
      expectCode(await get('/auth/me', b.auth), 200);
      expectCode(await post('/auth/logout', { all: true }, b.auth), 204);
      expectCode(await get('/auth/me', b.auth), 401, 'SESSION_REVOKED');
      expectCode(await get('/auth/me', c.auth), 401, 'SESSION_REVOKED');
      expectCode(await post('/auth/logout', { all: 'yes' }, c.auth), 401);
    });

    it('lists the own sessions with the current one flagged and deletes them', async () => {
      const user = await freshUser();
      const a = await login(t, user.email, FIXTURE_PASSWORD);
      const b = await login(t, user.email, FIXTURE_PASSWORD);
      const list = await get('/auth/sessions', a.auth);
      expectCode(list, 200);
      const sessions = list.json<{ sessions: { id: string; current: boolean }[] }>().sessions;
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      const other = sessions.find((s) => !s.current)!;
      expectCode(await del(`/auth/sessions/${other.id}`, a.auth), 204);
      expectCode(await get('/auth/me', b.auth), 401, 'SESSION_REVOKED');
      expectCode(await del(`/auth/sessions/${other.id}`, a.auth), 404);
      expectCode(await del('/auth/sessions/not-a-uuid', a.auth), 422, 'VALIDATION_FAILED');
      // Another user's session (same tenant) is not found.
      const mine = (await get('/auth/sessions', acme.users.viewer.auth)).json<{
        sessions: { id: string; current: boolean }[];
      }>();
      const viewerSession = mine.sessions.find((s) => s.current)!.id;
      expectCode(await del(`/auth/sessions/${viewerSession}`, a.auth), 404);
      expectCode(await get('/auth/me', acme.users.viewer.auth), 200);
    });

    it('keeps tenants apart: a session id of tenant B is not found for tenant A', async () => {
      const theirs = (await get('/auth/sessions', globex.users.agent.auth)).json<{
        sessions: { id: string }[];
      }>();
      const id = theirs.sessions[0]!.id;
      expectCode(await del(`/auth/sessions/${id}`, acme.users.admin.auth), 404);
      expectCode(await get('/auth/me', globex.users.agent.auth), 200);
      const mine = (await get('/auth/sessions', acme.users.admin.auth)).json<{
        sessions: { id: string }[];
      }>();
      expect(mine.sessions.map((s) => s.id)).not.toContain(id);
      // X-Tenant-ID is for super admins only.
      expectCode(
        await get('/auth/me', { ...acme.users.admin.auth, 'x-tenant-id': globex.tenantId }),
        403,
        'TENANT_SWITCH_FORBIDDEN',
      );
    });

    it("stops a deactivated user's token (within the cache window)", async () => {
      const user = await freshUser();
      const s = await login(t, user.email, FIXTURE_PASSWORD);
      expectCode(await get('/auth/me', s.auth), 200);
      await sqlRun(`update users set status = 'inactive' where id = $1`, [user.id]);
      clearPrincipalCache();
      expectCode(await get('/auth/me', s.auth), 401, 'USER_INACTIVE');
      expectCode(await post('/auth/refresh', { refresh_token: s.refreshToken }), 403, 'USER_INACTIVE');
    });

    it('uses current roles, not the ones in the token', async () => {
      const user = await freshUser();
      const s = await login(t, user.email, FIXTURE_PASSWORD);
      await sqlRun(
        `update user_roles set role_id = (select id from roles where tenant_id = $1 and key = 'viewer') where user_id = $2`,
        [acme.tenantId, user.id],
      );
      clearPrincipalCache();
      const me = await get('/auth/me', s.auth);
      expect(me.json()).toMatchObject({ roles: ['viewer'], scope: 'tenant' });
    });
  });

  describe('me', () => {
    it('updates the name and phone (normalised to E.164 with the tenant region)', async () => {
      const tenant = await identityFixture(t, 'tashkent');
      await sqlRun(`update tenants set settings = '{"default_phone_region": "UZ"}' where id = $1`, [
        tenant.tenantId,
      ]);
      const { auth } = tenant.users.agent;
      const res = await put(
        '/auth/me',
        { first_name: 'Akmal', last_name: 'Karimov', phone: '998901234567' },
        auth,
      );
      expectCode(res, 200);
      expect(res.json()).toMatchObject({ first_name: 'Akmal', last_name: 'Karimov', phone: '+998901234567' });
      expect((await put('/auth/me', { phone: '90 123 45 67' }, auth)).json()).toMatchObject({
        phone: '+998901234567',
      });
      expect((await put('/auth/me', { phone: '+1 202 555 0143' }, auth)).json()).toMatchObject({
        phone: '+12025550143',
      });
      const bad = await put('/auth/me', { phone: '12' }, auth);
      expectCode(bad, 422, 'VALIDATION_FAILED');
      expect(bad.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/phone');
      expectCode(await put('/auth/me', { email: 'not-an-email' }, auth), 422, 'VALIDATION_FAILED');
      expectCode(await put('/auth/me', { first_name: '' }, auth), 422, 'VALIDATION_FAILED');
      expectCode(await put('/auth/me', {}, auth), 422, 'VALIDATION_FAILED');
      // A new address waits for its confirmation (auth-email-change.test.ts); the current one stays.
      const email = tenant.users.agent.email;
      expect((await get('/auth/me', auth)).json()).toMatchObject({
        email,
        phone: '+12025550143',
        pending_email: null,
      });
      await login(t, email, FIXTURE_PASSWORD);
      const audit = await sqlRun(
        `select action from audit_log where tenant_id = $1 and action = 'user.update_self'`,
        [tenant.tenantId],
      );
      expect(audit.rows.length).toBeGreaterThan(0);
    });

    it("changes the password and ends the user's other sessions", async () => {
      const user = await freshUser();
      const a = await login(t, user.email, FIXTURE_PASSWORD);
      const b = await login(t, user.email, FIXTURE_PASSWORD);
      expectCode(
        await put(
          '/auth/me/password',
          { current_password: 'wrong-one1', new_password: 'NewPassw0rd' },
          a.auth,
        ),
        422,
        'INVALID_CURRENT_PASSWORD',
      );
      expectCode(
        await put(
          '/auth/me/password',
          { current_password: FIXTURE_PASSWORD, new_password: 'short1' },
          a.auth,
        ),
        422,
        'PASSWORD_POLICY',
      );
      expectCode(
        await put(
          '/auth/me/password',
          { current_password: FIXTURE_PASSWORD, new_password: user.email },
          a.auth,
        ),
        422,
        'PASSWORD_POLICY',
      );
      expectCode(
        await put('/auth/me/password', { current_password: FIXTURE_PASSWORD }, a.auth),
        422,
        'VALIDATION_FAILED',
      );
      expectCode(
        await put(
          '/auth/me/password',
          { current_password: FIXTURE_PASSWORD, new_password: 'NewPassw0rd' },
          a.auth,
        ),
        204,
      );
      expectCode(await get('/auth/me', a.auth), 200);
      expectCode(await get('/auth/me', b.auth), 401, 'SESSION_REVOKED');
      expectCode(await post('/auth/refresh', { refresh_token: b.refreshToken }), 401, 'SESSION_REVOKED');
      expectCode(
        await post('/auth/login', { email: user.email, password: FIXTURE_PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
      await login(t, user.email, 'NewPassw0rd');
    });
  });

  describe('forgot password (logged mail)', () => {
    it('always answers 202 and mails only existing accounts', async () => {
      const user = await freshUser();
      expectCode(await post('/auth/forgot-password', { email: 'nobody@nowhere.test' }), 202);
      expectCode(await post('/auth/forgot-password', { email: user.email }), 202);
      expectCode(await post('/auth/forgot-password', { email: 'broken' }), 422);
      const mails = await t.app.platform.mailer.outbox({ to: user.email, tenantId: acme.tenantId });
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain(`${t.config.publicUrl}/reset-password?token=`);
      expect(await t.app.platform.mailer.outbox({ to: 'nobody@nowhere.test' })).toHaveLength(0);
      const tokens = (
        await sqlRun(`select token_hash from password_reset_tokens where user_id = $1`, [user.id])
      ).rows;
      const mailed = /token=([A-Za-z0-9_-]+)/.exec(mails[0]!.text)![1]!;
      expect(tokens[0]!.token_hash).not.toBe(mailed);
      expectCode(
        await post('/auth/reset-password', { token: 'nope', password: 'Another1pass' }),
        422,
        'INVALID_RESET_TOKEN',
      );
      expectCode(await post('/auth/reset-password', { token: mailed }), 422, 'VALIDATION_FAILED');
    });
  });

  it('keeps every identity query under RLS: a session row of tenant B is invisible as tenant A', async () => {
    const rows = await t.app.platform.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
      tx.db.execute(sql`select id from sessions where tenant_id = ${globex.tenantId}`),
    );
    expect((rows as unknown as { rows?: unknown[] }).rows ?? rows).toHaveLength(0);
  });
});
