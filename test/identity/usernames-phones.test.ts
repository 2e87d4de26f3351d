import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule, tenantFacts, userIdsByUsernames } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import {
  FIXTURE_PASSWORD,
  FIXTURE_ROLES,
  identityFixture,
  superAdminFixture,
  type FixtureUser,
  type IdentityFixture,
} from './fixtures.js';

type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
type Headers = Record<string, string>;
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type UserJson = { id: string; email: string; username: string | null; phone: string | null };

const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};
/** A 422 (or 409) naming exactly `path`. */
const expectAt = (res: Res, status: number, path: string) => {
  expectCode(res, status);
  expect(res.json<Problem>().errors?.map((e) => e.path)).toContain(path);
  return res.json<Problem>();
};

describe('usernames and phone numbers', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let globex: IdentityFixture;
  let initech: IdentityFixture;
  let root: FixtureUser;
  let seq = 0;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });
  const form = (fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'password', ...fields }).toString(),
    });
  const tag = () => `${Date.now().toString(36)}${seq++}`;
  const newUser = (fx: IdentityFixture, body: Record<string, unknown> = {}) =>
    call('POST', '/users', fx.users.admin.auth, {
      email: `person.${tag()}@users.test`,
      password: 'Secret123x',
      first_name: 'Pat',
      ...body,
    });
  const created = async (fx: IdentityFixture, body: Record<string, unknown> = {}) =>
    expectCode(await newUser(fx, body), 201).json<UserJson>();
  const settings = (fx: IdentityFixture, values: Record<string, unknown>, who = fx.users.admin) =>
    call('PUT', `/tenants/${fx.tenantId}`, who.auth, { settings: values });

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
    initech = await identityFixture(t, 'initech');
    root = await superAdminFixture(t);
    expectCode(await settings(acme, { default_phone_region: 'UZ' }), 200);
  });
  afterAll(() => t.close());

  describe('usernames', () => {
    it('are unique per tenant whatever their case; another tenant may use the same one', async () => {
      const first = await created(acme, { username: 'Akmal.R' });
      expect(first.username).toBe('Akmal.R');
      expectAt(await newUser(acme, { username: 'akmal.r' }), 409, '/body/username');
      const other = await created(acme, { username: 'akmal.s' });
      expectAt(
        await call('PUT', `/users/${other.id}`, acme.users.admin.auth, { username: 'AKMAL.R' }),
        409,
        '/body/username',
      );
      // Its own username in another case is no conflict.
      const renamed = expectCode(
        await call('PUT', `/users/${first.id}`, acme.users.admin.auth, { username: 'akmal.r' }),
        200,
      ).json<UserJson>();
      expect(renamed.username).toBe('akmal.r');
      const elsewhere = await created(globex, { username: 'AKMAL.R' });
      expect(elsewhere.username).toBe('AKMAL.R');
    });

    it('refuse an e-mail shape, odd characters and bad lengths (422 at /body/username)', async () => {
      for (const username of [
        'a@b.test',
        'ab',
        '.dot',
        'space d',
        'x'.repeat(65),
        'slash/name',
        'nul\u0000x',
      ])
        expectAt(await newUser(acme, { username }), 422, '/body/username');
      expect((await created(acme, { username: `ok_${tag()}-1.x` })).username).toMatch(/^ok_/);
    });

    it('are searched in the user list', async () => {
      const u = await created(acme, { username: `searchme.${tag()}` });
      const list = expectCode(
        await call('GET', `/users?q=${encodeURIComponent(u.username!.toUpperCase())}`, acme.users.admin.auth),
        200,
      ).json<{ users: { id: string }[] }>();
      expect(list.users.map((x) => x.id)).toEqual([u.id]);
    });
  });

  describe('login by username', () => {
    it('signs in by username in JSON (either field) and in the OAuth2 form, case-insensitively', async () => {
      const name = `solo.${tag()}`;
      const u = await created(acme, { username: name, roles: ['agent'] });
      const json = expectCode(
        await post('/auth/login', { username: name.toUpperCase(), password: 'Secret123x' }),
        200,
      ).json<{ user: { id: string; username: string } }>();
      expect(json.user).toMatchObject({ id: u.id, username: name });
      expectCode(await post('/auth/login', { email: name, password: 'Secret123x' }), 200);
      const viaForm = expectCode(await form({ username: name, password: 'Secret123x' }), 200).json<{
        user: { id: string };
      }>();
      expect(viaForm.user.id).toBe(u.id);
      // E-mail still works in the same field.
      expectCode(await form({ username: u.email, password: 'Secret123x' }), 200);
    });

    it('a username two tenants share signs in only with the tenant named; the failure reveals nothing', async () => {
      const name = `shared.${tag()}`;
      const inAcme = await created(acme, { username: name });
      const inGlobex = await created(globex, { username: name });
      const unknown = expectCode(
        await post('/auth/login', { username: `nobody.${tag()}`, password: 'Secret123x' }),
        401,
        'INVALID_CREDENTIALS',
      );
      const bare = expectCode(
        await post('/auth/login', { username: name, password: 'Secret123x' }),
        401,
        'INVALID_CREDENTIALS',
      );
      const wrong = expectCode(
        await post('/auth/login', { username: name, tenant: acme.slug, password: 'not-it-1' }),
        401,
        'INVALID_CREDENTIALS',
      );
      const strip = (r: Res) => {
        const { request_id: _r, ...rest } = r.json<Record<string, unknown>>();
        return rest;
      };
      expect(strip(bare)).toEqual(strip(unknown));
      expect(strip(wrong)).toEqual(strip(unknown));

      const a = expectCode(
        await post('/auth/login', { username: name, tenant: acme.slug, password: 'Secret123x' }),
        200,
      ).json<{ user: { id: string; tenant_id: string } }>();
      expect(a.user).toMatchObject({ id: inAcme.id, tenant_id: acme.tenantId });
      const g = expectCode(
        await form({ username: `${globex.slug}/${name.toUpperCase()}`, password: 'Secret123x' }),
        200,
      ).json<{ user: { id: string } }>();
      expect(g.user.id).toBe(inGlobex.id);
      // The tenant named must be the user's: another tenant's slug is an unknown login.
      expectCode(
        await post('/auth/login', { username: name, tenant: initech.slug, password: 'Secret123x' }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });

  describe('phone numbers', () => {
    it("normalise to E.164 with the tenant's region, with or without a country code", async () => {
      const cases: [string, string][] = [
        ['90 123 45 67', '+998901234567'],
        ['998901234567', '+998901234567'],
        ['+998 90-123-45-67', '+998901234567'],
        ['(90) 123.45.67', '+998901234567'],
        ['+1 201-555-0123', '+12015550123'],
      ];
      for (const [input, e164] of cases) expect((await created(acme, { phone: input })).phone).toBe(e164);
      const u = await created(acme, { phone: '90 123 45 67' });
      const cleared = expectCode(
        await call('PUT', `/users/${u.id}`, acme.users.admin.auth, { phone: null }),
        200,
      ).json<UserJson>();
      expect(cleared.phone).toBeNull();
    });

    it('refuse what is not a phone number, naming the field', async () => {
      for (const phone of ['12345', 'call me', '90 123 45 67 ext 5', '+9989012345678901', '1'.repeat(33)])
        expectAt(await newUser(acme, { phone }), 422, '/body/phone');
      const nul = expectAt(await newUser(acme, { phone: '90 123\u000045 67' }), 422, '/body/phone');
      expect(nul.errors![0]!.message).toMatch(/NUL/);
      const u = await created(acme);
      expectAt(
        await call('PUT', `/users/${u.id}`, acme.users.admin.auth, { phone: '+0 000' }),
        422,
        '/body/phone',
      );
      expectAt(await call('PUT', '/auth/me', acme.users.agent.auth, { phone: 'nope' }), 422, '/body/phone');
      const me = expectCode(
        await call('PUT', '/auth/me', acme.users.agent.auth, { phone: '90-123-45-67' }),
        200,
      ).json<{ phone: string }>();
      expect(me.phone).toBe('+998901234567');
    });

    it("follow a change of the tenant's default region", async () => {
      expect((await created(initech, { phone: '(201) 555-0123' })).phone).toBe('+12015550123');
      expectCode(await settings(initech, { default_phone_region: 'UZ' }), 200);
      expect((await created(initech, { phone: '90 123 45 67' })).phone).toBe('+998901234567');
      // A number with its country code does not depend on the region.
      expect((await created(initech, { phone: '+1 201 555 0123' })).phone).toBe('+12015550123');
      expectAt(
        await settings(initech, { default_phone_region: 'XX' }),
        422,
        '/body/settings/default_phone_region',
      );
      expectAt(
        await settings(initech, { default_phone_region: 'uz' }),
        422,
        '/body/settings/default_phone_region',
      );
      expectCode(await settings(initech, { default_phone_region: 'US' }), 200);
      expect((await created(initech, { phone: '2015550123' })).phone).toBe('+12015550123');
    });

    it('are searched by their digits, however they are typed, within the tenant', async () => {
      const here = await created(acme, { phone: '+998 93 777 12 34' });
      await created(globex, { phone: '+998 93 777 12 34' });
      for (const q of ['93 777 12', '937771234', '+998-93-777']) {
        const list = expectCode(
          await call('GET', `/users?q=${encodeURIComponent(q)}`, acme.users.admin.auth),
          200,
        ).json<{ users: { id: string }[] }>();
        expect(list.users.map((x) => x.id)).toEqual([here.id]);
      }
    });
  });

  describe('require_phone', () => {
    it('refuses users without a phone number while on, and only then', async () => {
      const before = await created(globex);
      const on = expectCode(await settings(globex, { require_phone: true }), 200).json<{
        settings: { require_phone: boolean };
      }>();
      expect(on.settings.require_phone).toBe(true);
      const missing = expectAt(await newUser(globex), 422, '/body/phone');
      expect(missing.errors![0]!.message).toMatch(/require_phone/);
      expectAt(await newUser(globex, { phone: null }), 422, '/body/phone');
      expectAt(await newUser(globex, { phone: '  ' }), 422, '/body/phone');
      const withPhone = await created(globex, { phone: '+1 201 555 0199' });
      expect(withPhone.phone).toBe('+12015550199');
      // Updating: clearing is refused, and a user still without a number gets one on their next edit.
      expectAt(
        await call('PUT', `/users/${withPhone.id}`, globex.users.admin.auth, { phone: null }),
        422,
        '/body/phone',
      );
      expectAt(
        await call('PUT', `/users/${before.id}`, globex.users.admin.auth, { first_name: 'Still' }),
        422,
        '/body/phone',
      );
      expectCode(
        await call('PUT', `/users/${before.id}`, globex.users.admin.auth, {
          first_name: 'Still',
          phone: '201 555 0111',
        }),
        200,
      );
      // Self-service: a user may not clear their number, but may edit their name without one.
      expectAt(await call('PUT', '/auth/me', globex.users.viewer.auth, { phone: null }), 422, '/body/phone');
      expectCode(await call('PUT', '/auth/me', globex.users.viewer.auth, { first_name: 'Vee' }), 200);

      expectCode(await settings(globex, { require_phone: false }), 200);
      expect((await created(globex)).phone).toBeNull();
      expectCode(await call('PUT', `/users/${withPhone.id}`, globex.users.admin.auth, { phone: null }), 200);
    });

    it("applies to a new tenant's first administrator", async () => {
      const slug = `req-${tag()}`;
      const body = (admin: Record<string, unknown>) => ({
        name: 'Phones Ltd',
        slug,
        settings: { require_phone: true, default_phone_region: 'UZ' },
        admin: { email: `first.${tag()}@phones.test`, password: 'Secret123x', first_name: 'First', ...admin },
      });
      expectAt(await call('POST', '/tenants', root.auth, body({})), 422, '/body/admin/phone');
      expectAt(await call('POST', '/tenants', root.auth, body({ phone: '123' })), 422, '/body/admin/phone');
      const made = expectCode(
        await call('POST', '/tenants', root.auth, body({ phone: '90 123 45 67', username: 'first' })),
        201,
      ).json<{ admin_user_id: string; settings: { require_phone: boolean } }>();
      expect(made.settings.require_phone).toBe(true);
      const signedIn = expectCode(
        await post('/auth/login', { username: `${slug}/first`, password: 'Secret123x' }),
        200,
      ).json<{ user: { id: string; phone: string } }>();
      expect(signedIn.user).toMatchObject({ id: made.admin_user_id, phone: '+998901234567' });
    });

    it('is off by default and a boolean', async () => {
      const read = expectCode(
        await call('GET', `/tenants/${initech.tenantId}`, initech.users.admin.auth),
        200,
      ).json<{
        settings: { require_phone: boolean };
      }>();
      expect(read.settings.require_phone).toBe(false);
      expectAt(await settings(initech, { require_phone: 'yes' }), 422, '/body/settings/require_phone');
    });
  });

  describe('permissions and isolation', () => {
    it('only administrators change tenant settings', async () => {
      for (const role of FIXTURE_ROLES.filter((r) => r !== 'admin'))
        expectCode(await settings(initech, { require_phone: true }, initech.users[role]), 403);
      const read = expectCode(
        await call('GET', `/tenants/${initech.tenantId}`, initech.users.admin.auth),
        200,
      ).json<{
        settings: { require_phone: boolean };
      }>();
      expect(read.settings.require_phone).toBe(false);
    });

    it("one tenant's settings and users stay its own", async () => {
      // Acme's admin cannot reach Globex's settings, and Acme's region does not apply in Globex.
      expectCode(
        await call('PUT', `/tenants/${globex.tenantId}`, acme.users.admin.auth, {
          settings: { require_phone: true },
        }),
        404,
      );
      const g = expectCode(
        await call('GET', `/tenants/${globex.tenantId}`, globex.users.admin.auth),
        200,
      ).json<{
        settings: { require_phone: boolean; default_phone_region: string };
      }>();
      expect(g.settings).toMatchObject({ require_phone: false, default_phone_region: 'US' });
      expect((await created(globex, { phone: '2015550177' })).phone).toBe('+12015550177');
      // Globex's usernames are not Acme's: searching Acme for one finds nothing, nor does a PUT by id.
      const name = `globex.only.${tag()}`;
      const theirs = await created(globex, { username: name });
      const list = expectCode(await call('GET', `/users?q=${name}`, acme.users.admin.auth), 200).json<{
        users: unknown[];
      }>();
      expect(list.users).toEqual([]);
      expectCode(
        await call('PUT', `/users/${theirs.id}`, acme.users.admin.auth, { username: 'stolen' }),
        404,
      );
      // …and Acme may take the same username for its own user.
      expect((await created(acme, { username: name })).username).toBe(name);
    });
  });

  it("lookups for other modules: ids by username within the tenant, the tenant's phone region", async () => {
    const name = `lookup.${tag()}`;
    const mine = await created(acme, { username: name });
    await created(globex, { username: name });
    const found = await t.database.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
      userIdsByUsernames(tx, acme.tenantId, [name.toUpperCase(), 'nobody.here']),
    );
    expect([...found]).toEqual([[name, mine.id]]);
    const facts = await t.database.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
      tenantFacts(tx, acme.tenantId),
    );
    expect(facts?.phoneRegion).toBe('UZ');
  });

  it('the fixture password still signs in by e-mail (nothing else changed for e-mail logins)', async () => {
    expectCode(
      await post('/auth/login', { email: acme.users.viewer.email, password: FIXTURE_PASSWORD }),
      200,
    );
  });
});
