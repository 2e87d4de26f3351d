import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { authRoutes, identityPrincipalResolver } from '../../src/modules/identity/auth/index.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { FIXTURE_PASSWORD, identityFixture, type IdentityFixture } from './fixtures.js';

const authModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  routes: authRoutes,
};

type Res = { statusCode: number; headers: Record<string, unknown>; body: string };
const statuses = (list: Res[]) => list.map((r) => r.statusCode);

/** A client address of its own per call (TRUST_PROXY is on), so limits of one test never touch another. */
let ipCounter = 1;
const nextIp = () => `10.77.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;

const limits: Partial<Config> = {
  trustProxy: true,
  rateLimitAuthWindowMs: 60_000,
  rateLimitLogin: { perIp: 5, perAccount: 2 },
  rateLimitRegister: { perIp: 4, perAccount: 2 },
  rateLimitForgotPassword: { perIp: 4, perAccount: 2 },
  rateLimitResetPassword: { perIp: 4, perAccount: 2 },
};

describe('rate limits run before authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { rateLimitMax: 3, rateLimitWindowMs: 60_000, trustProxy: true },
      deps: { modules: [authModule] },
    });
  });
  afterAll(() => t.close());

  it('counts requests with bad tokens: beyond the limit they get 429 with Retry-After, not 401', async () => {
    const ip = nextIp();
    const answers: Res[] = [];
    for (let i = 0; i < 8; i++)
      answers.push(
        await t.app.inject({
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer bad.token.${i}`, 'x-forwarded-for': ip },
        }),
      );
    expect(statuses(answers)).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    const limited = answers[3]!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Requests without any token are counted the same way; another client is unaffected.
    expect(
      (await t.app.inject({ url: '/api/v1/auth/me', headers: { 'x-forwarded-for': ip } })).statusCode,
    ).toBe(429);
    const other = await t.app.inject({ url: '/api/v1/auth/me', headers: { 'x-forwarded-for': nextIp() } });
    expect(other.statusCode).toBe(401);
  });

  it('never throttles health probes', async () => {
    const ip = nextIp();
    for (let i = 0; i < 6; i++) {
      const res = await t.app.inject({ url: '/health/live', headers: { 'x-forwarded-for': ip } });
      expect(res.statusCode).toBe(200);
    }
  });
});

describe('per-route limits of the auth routes, by IP and by account', () => {
  let t: TestApp;
  let setup: TestApp;
  let acme: IdentityFixture;
  const post = (url: string, payload: object, ip: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    // The fixture signs its users in from one address; it does so through an unlimited instance.
    setup = await createTestApp({ deps: { modules: [authModule] } });
    acme = await identityFixture(setup, 'limits');
    t = await createTestApp({ config: limits, deps: { modules: [authModule] }, database: setup.database });
  });
  afterAll(async () => {
    await t.close();
    await setup.close();
  });

  it('login: per account across addresses, per address across accounts', async () => {
    const account = `nobody.${Date.now()}@limits.test`;
    const a = await post('/auth/login', { email: account, password: 'Wrong1234' }, nextIp());
    const b = await post('/auth/login', { email: account.toUpperCase(), password: 'Wrong1234' }, nextIp());
    const c = await post('/auth/login', { email: account, password: 'Wrong1234' }, nextIp());
    expect(statuses([a, b, c])).toEqual([401, 401, 429]);
    expect(Number(c.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(c.body)).toMatchObject({ code: 'RATE_LIMITED' });
    // The same login through the OAuth2 form's `username` is the same account.
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: `username=${encodeURIComponent(account)}&password=Wrong1234`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextIp() },
    });
    expect(form.statusCode).toBe(429);

    // One address trying many accounts: 5 per window.
    const ip = nextIp();
    const answers: Res[] = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        await post('/auth/login', { email: `spray${i}.${Date.now()}@x.test`, password: 'Wrong1234' }, ip),
      );
    expect(statuses(answers)).toEqual([401, 401, 401, 401, 401, 429]);
    // A real user from elsewhere still signs in.
    expect(
      (await post('/auth/login', { email: acme.users.agent.email, password: FIXTURE_PASSWORD }, nextIp()))
        .statusCode,
    ).toBe(200);
  });

  it('register: per e-mail address and per client address', async () => {
    const body = (email: string, slug: string) => ({
      tenant_name: 'Limited Co',
      slug,
      email,
      password: 'Limited2026',
      first_name: 'L',
    });
    const email = `owner.${Date.now()}@limited.test`;
    const first = await post('/auth/register', body(email, `lim-a-${Date.now()}`), nextIp());
    const second = await post('/auth/register', body(email, `lim-b-${Date.now()}`), nextIp());
    const third = await post('/auth/register', body(email, `lim-c-${Date.now()}`), nextIp());
    expect(statuses([first, second, third])).toEqual([202, 202, 429]);
    const ip = nextIp();
    const answers: Res[] = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        await post('/auth/register', body(`r${i}.${Date.now()}@limited.test`, `lim-${i}-${Date.now()}`), ip),
      );
    expect(statuses(answers)).toEqual([202, 202, 202, 202, 429]);
  });

  it('forgot-password: per address, so nobody can flood a mailbox', async () => {
    const email = acme.users.viewer.email;
    const answers: Res[] = [];
    for (let i = 0; i < 3; i++) answers.push(await post('/auth/forgot-password', { email }, nextIp()));
    expect(statuses(answers)).toEqual([202, 202, 429]);
    const mails = await t.app.platform.mailer.outbox({ to: email, template: 'identity.password_reset' });
    expect(mails).toHaveLength(2);
  });

  it('reset-password: per token and per client address', async () => {
    const token = 'made-up-token-' + Date.now();
    const answers: Res[] = [];
    for (let i = 0; i < 3; i++)
      answers.push(await post('/auth/reset-password', { token, password: 'Another2026' }, nextIp()));
    expect(statuses(answers)).toEqual([422, 422, 429]);
    const ip = nextIp();
    const byIp: Res[] = [];
    for (let i = 0; i < 5; i++)
      byIp.push(
        await post(
          '/auth/reset-password',
          { token: `guess-${i}-${Date.now()}`, password: 'Another2026' },
          ip,
        ),
      );
    expect(statuses(byIp)).toEqual([422, 422, 422, 422, 429]);
  });
});

describe('failed logins per client address', () => {
  let t: TestApp;
  let setup: TestApp;
  let acme: IdentityFixture;
  const login = (payload: object, ip: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload,
      headers: { 'x-forwarded-for': ip },
    });
  /** The answer without its request id: what tells one account from another, if anything. */
  const visible = (res: Res) => {
    const { request_id: _id, ...body } = JSON.parse(res.body) as Record<string, unknown>;
    return { status: res.statusCode, body };
  };

  beforeAll(async () => {
    setup = await createTestApp({ deps: { modules: [authModule] } });
    acme = await identityFixture(setup, 'failures');
    // Attempts are plentiful; failures are not: 3 per address per window.
    t = await createTestApp({
      config: {
        trustProxy: true,
        rateLimitAuthWindowMs: 60_000,
        rateLimitLogin: { perIp: 1000, perAccount: 1000 },
        rateLimitLoginFailures: 3,
      },
      deps: { modules: [authModule] },
      database: setup.database,
    });
  });
  afterAll(async () => {
    await t.close();
    await setup.close();
  });

  it('throttles an address after its failures, alike for known and unknown accounts, before any lockout', async () => {
    const ip = nextIp();
    const { agent, viewer, admin } = acme.users;
    const failures = [
      await login({ email: agent.email, password: 'Wrong1234' }, ip),
      await login({ email: `ghost.${Date.now()}@failures.test`, password: 'Wrong1234' }, ip),
      await login({ email: viewer.email, password: 'Wrong1234' }, ip),
    ];
    expect(statuses(failures)).toEqual([401, 401, 401]);
    const known = await login({ email: admin.email, password: 'Wrong1234' }, ip);
    const unknown = await login({ email: `nobody.${Date.now()}@failures.test`, password: 'Wrong1234' }, ip);
    const right = await login({ email: admin.email, password: FIXTURE_PASSWORD }, ip);
    for (const res of [known, unknown, right]) {
      expect(visible(res)).toEqual(visible(unknown));
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(visible(unknown)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    // The throttled attempts never reached the accounts: the admin's count is untouched, nothing is locked.
    const rows = await t.database.db.query<{ id: string; failed_login_count: number; locked_until: unknown }>(
      `select id, failed_login_count, locked_until from users where id = any($1::uuid[])`,
      [[agent.id, viewer.id, admin.id]],
    );
    const count = Object.fromEntries(rows.rows.map((r) => [r.id, r.failed_login_count]));
    expect(count).toEqual({ [agent.id]: 1, [viewer.id]: 1, [admin.id]: 0 });
    expect(rows.rows.every((r) => r.locked_until === null)).toBe(true);
    // Another address is unaffected, and the owner signs in.
    expect((await login({ email: admin.email, password: FIXTURE_PASSWORD }, nextIp())).statusCode).toBe(200);
  });

  it('lets one address lock at most what its failure budget allows', async () => {
    const strict = await identityFixture(setup, 'budget');
    await t.database.db.query(`update tenants set settings = '{"lockout_threshold": 2}' where id = $1`, [
      strict.tenantId,
    ]);
    const ip = nextIp();
    const targets = [strict.users.agent, strict.users.viewer, strict.users.team_leader];
    const answers: Res[] = [];
    for (const user of targets)
      for (let i = 0; i < 2; i++) answers.push(await login({ email: user.email, password: 'Wrong1234' }, ip));
    expect(statuses(answers)).toEqual([401, 401, 401, 429, 429, 429]);
    const locked = await t.database.db.query<{ id: string }>(
      `select id from users where tenant_id = $1 and locked_until > now()`,
      [strict.tenantId],
    );
    expect(locked.rows.map((r) => r.id)).toEqual([strict.users.agent.id]);
  });

  it('does not count successful logins', async () => {
    const ip = nextIp();
    for (let i = 0; i < 6; i++)
      expect(
        (await login({ email: acme.users.agent.email, password: FIXTURE_PASSWORD }, ip)).statusCode,
      ).toBe(200);
    const more = [];
    for (let i = 0; i < 4; i++)
      more.push(await login({ email: acme.users.agent.email, password: 'Wrong1234' }, ip));
    expect(statuses(more)).toEqual([401, 401, 401, 429]);
  });
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisAnswers = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = net.connect(Number(port || 6379), hostname);
  socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});

describe.skipIf(!redisAnswers)('per-route limits shared through Redis', () => {
  it('counts one account across two API instances', async () => {
    const a = await createTestApp({
      config: { ...limits, redisUrl: REDIS_URL },
      deps: { modules: [authModule] },
    });
    const b = await createTestApp({
      config: { ...limits, redisUrl: REDIS_URL },
      deps: { modules: [authModule] },
      database: a.database,
    });
    try {
      const account = `shared.${Date.now()}.${Math.random()}@redis.test`;
      const hit = (t: TestApp) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: account, password: 'Wrong1234' },
          headers: { 'x-forwarded-for': nextIp() },
        });
      expect(statuses([await hit(a), await hit(b), await hit(a), await hit(b)])).toEqual([
        401, 401, 429, 429,
      ]);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('counts the failures of one client address across two API instances', async () => {
    const config = {
      ...limits,
      rateLimitLogin: { perIp: 1000, perAccount: 1000 },
      rateLimitLoginFailures: 2,
      redisUrl: REDIS_URL,
    };
    const a = await createTestApp({ config, deps: { modules: [authModule] } });
    const b = await createTestApp({ config, deps: { modules: [authModule] }, database: a.database });
    try {
      // Redis keeps counting across test runs: an address of its own for this one.
      const rnd = () => Math.floor(Math.random() * 250) + 1;
      const ip = `10.${rnd()}.${rnd()}.${rnd()}`;
      const hit = (t: TestApp, i: number) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `spread.${i}.${Date.now()}.${Math.random()}@redis.test`, password: 'Wrong1234' },
          headers: { 'x-forwarded-for': ip },
        });
      expect(statuses([await hit(a, 1), await hit(b, 2), await hit(a, 3), await hit(b, 4)])).toEqual([
        401, 401, 429, 429,
      ]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
