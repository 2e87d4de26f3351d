import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { openDatabase } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { driverUnderTest, type TestDatabase } from '../harness/database.js';
import { FIXTURE_PASSWORD, identityFixture, login, type IdentityFixture } from './fixtures.js';

type Res = { statusCode: number; body: string };

/** Polls `probe` until it answers `status`, for at most `ms` (far below the 30 s cache lifetime). */
async function eventually(probe: () => Promise<Res>, status: number, ms = 2_000): Promise<Res> {
  const until = Date.now() + ms;
  let last = await probe();
  while (last.statusCode !== status && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    last = await probe();
  }
  return last;
}

/** An open event stream over real HTTP (the app listens on a loopback port). */
async function openStream(t: TestApp, authorization: string) {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  let body = '';
  let status = 0;
  const closed = new Promise<void>((resolve, reject) => {
    const request = http.get(
      `http://127.0.0.1:${port}/api/v1/events`,
      { headers: { authorization, accept: 'text/event-stream' } },
      (response) => {
        status = response.statusCode ?? 0;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('close', () => resolve());
      },
    );
    request.on('error', reject);
  });
  return {
    /** Whether the server ended the stream within `ms`. */
    ended: (ms = 3_000) =>
      Promise.race([
        closed.then(() => ({ closed: true as const, status, body })),
        new Promise<{ closed: false }>((r) => setTimeout(() => r({ closed: false }), ms)),
      ]),
  };
}

async function waitForSubscribers(t: TestApp, n: number) {
  const until = Date.now() + 3_000;
  while (t.app.platform.realtime.stats().subscribers !== n && Date.now() < until)
    await new Promise((r) => setTimeout(r, 10));
  expect(t.app.platform.realtime.stats().subscribers).toBe(n);
}

describe('revocation closes event streams at once', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    acme = await identityFixture(t, 'streams');
  });
  afterAll(() => t.close());

  it('ends the stream of the session that logs out, and only that one', async () => {
    const email = acme.users.agent.email;
    const first = await login(t, email, FIXTURE_PASSWORD);
    const second = await login(t, email, FIXTURE_PASSWORD);
    const before = t.app.platform.realtime.stats().subscribers;
    const one = await openStream(t, first.auth.authorization);
    const two = await openStream(t, second.auth.authorization);
    await waitForSubscribers(t, before + 2);

    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: first.auth,
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    const ended = await one.ended();
    expect(ended).toMatchObject({ closed: true, status: 200 });
    expect((ended as { body: string }).body).toContain(': connected');
    // The other session's stream stays open, and its token still works.
    expect(await two.ended(300)).toEqual({ closed: false });
    expect(t.app.platform.realtime.stats().subscribers).toBe(before + 1);
    // A new stream with the revoked token is refused.
    const again = await t.app.inject({ url: '/api/v1/events', headers: first.auth });
    expect([again.statusCode, JSON.parse(again.body).code]).toEqual([401, 'SESSION_REVOKED']);

    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: second.auth, payload: {} });
    expect(await two.ended()).toMatchObject({ closed: true });
  });

  it("ends every stream of a deactivated user, and leaves other users' streams open", async () => {
    const agent = await login(t, acme.users.team_leader.email, FIXTURE_PASSWORD);
    const bystander = acme.users.viewer;
    const before = t.app.platform.realtime.stats().subscribers;
    const mine = await openStream(t, agent.auth.authorization);
    const theirs = await openStream(t, bystander.auth.authorization);
    await waitForSubscribers(t, before + 2);

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${acme.users.team_leader.id}`,
      headers: acme.users.admin.auth,
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await mine.ended()).toMatchObject({ closed: true, status: 200 });
    expect(await theirs.ended(300)).toEqual({ closed: false });
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: agent.auth });
    expect(me.statusCode).toBe(401);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bystander.auth, payload: {} });
    expect(await theirs.ended()).toMatchObject({ closed: true });
  });
});

/**
 * Two API instances on one database, each with its own principal cache and (on PostgreSQL) its own
 * connection pool, as two processes would have. On PGlite both share the embedded database.
 */
describe(`revocation across two instances (${driverUnderTest})`, () => {
  let a: TestApp;
  let b: TestApp;
  let second: TestDatabase | undefined;
  let acme: IdentityFixture;

  beforeAll(async () => {
    a = await createTestApp({ deps: { modules: [identityModule] } });
    if (driverUnderTest === 'postgres') {
      const db = await openDatabase({ driver: 'postgres', url: a.database.url!, poolSize: 3 });
      second = { db, url: a.database.url, close: () => db.close() };
    }
    b = await createTestApp({
      deps: { modules: [identityModule] },
      database: second ?? { ...a.database, close: async () => undefined },
    });
    acme = await identityFixture(a, 'instances');
  });
  afterAll(async () => {
    await b.close();
    await second?.close();
    await a.close();
  });

  const me = (t: TestApp, auth: { authorization: string }) =>
    t.app.inject({ url: '/api/v1/auth/me', headers: auth });

  it('a logout on A is a 401 on B at once, though B had cached the session as valid', async () => {
    const user = await login(a, acme.users.agent.email, FIXTURE_PASSWORD);
    expect((await me(b, user.auth)).statusCode).toBe(200); // B now holds a verdict for 30 s
    expect((await me(b, user.auth)).statusCode).toBe(200);
    const out = await a.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: user.auth,
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    const started = Date.now();
    const after = await eventually(() => me(b, user.auth), 401);
    expect([after.statusCode, JSON.parse(after.body).code]).toEqual([401, 'SESSION_REVOKED']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a deactivation on A stops the user on B at once and closes their stream there', async () => {
    const user = await login(a, acme.users.area_manager.email, FIXTURE_PASSWORD);
    expect((await me(b, user.auth)).statusCode).toBe(200);
    const before = b.app.platform.realtime.stats().subscribers;
    const stream = await openStream(b, user.auth.authorization);
    await waitForSubscribers(b, before + 1);
    const res = await a.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${acme.users.area_manager.id}`,
      headers: acme.users.admin.auth,
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await stream.ended()).toMatchObject({ closed: true, status: 200 });
    expect((await eventually(() => me(b, user.auth), 401)).statusCode).toBe(401);
  });

  type Me = { roles: string[]; permissions: string[] };
  /** Polls B's /auth/me until `done` holds, for at most 2 s (the cache would keep it for 30 s). */
  async function meOnB(auth: { authorization: string }, done: (me: Me) => boolean): Promise<Me> {
    const until = Date.now() + 2_000;
    for (;;) {
      const res = await me(b, auth);
      expect(res.statusCode, res.body).toBe(200);
      const body = JSON.parse(res.body) as Me;
      if (done(body) || Date.now() > until) return body;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('roles changed on A take effect on B at once; the session and its stream stay', async () => {
    const user = await login(a, acme.users.viewer.email, FIXTURE_PASSWORD);
    expect((await meOnB(user.auth, () => true)).roles).toEqual(['viewer']); // cached on B
    const before = b.app.platform.realtime.stats().subscribers;
    const stream = await openStream(b, user.auth.authorization);
    await waitForSubscribers(b, before + 1);
    const res = await a.app.inject({
      method: 'POST',
      url: `/api/v1/users/${acme.users.viewer.id}/roles`,
      headers: acme.users.admin.auth,
      payload: { roles: ['agent'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await meOnB(user.auth, (m) => m.roles[0] === 'agent')).roles).toEqual(['agent']);
    expect(await stream.ended(300)).toEqual({ closed: false });
    await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth, payload: {} });
    expect(await stream.ended()).toMatchObject({ closed: true });
  });

  it("a role's permissions edited on A reach its holders on B at once", async () => {
    const admin = acme.users.admin.auth;
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: admin,
      payload: { key: 'auditor', name: 'Auditor', level: 10, permissions: ['users:read'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const roleId = JSON.parse(created.body).id as string;
    const assigned = await a.app.inject({
      method: 'POST',
      url: `/api/v1/users/${acme.users.team_leader.id}/roles`,
      headers: admin,
      payload: { roles: ['auditor'] },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const user = await login(a, acme.users.team_leader.email, FIXTURE_PASSWORD);
    expect((await meOnB(user.auth, () => true)).permissions).toContain('users:read');
    const edited = await a.app.inject({
      method: 'PUT',
      url: `/api/v1/roles/${roleId}`,
      headers: admin,
      payload: { permissions: ['audit:read'] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = await meOnB(user.auth, (m) => !m.permissions.includes('users:read'));
    expect(after.permissions).toContain('audit:read');
    expect(after.permissions).not.toContain('users:read');
  });

  it('a password reset on A ends the sessions on B; a rolled-back revocation tells nobody', async () => {
    const user = await login(a, acme.users.national_manager.email, FIXTURE_PASSWORD);
    expect((await me(b, user.auth)).statusCode).toBe(200);
    // A revocation whose transaction rolls back must not reach B (NOTIFY is transactional).
    const { sessionRevocationsOf } = await import('../../src/modules/identity/auth/index.js');
    await a.database.db
      .withSystem(async (tx) => {
        await sessionRevocationsOf(a.app.platform).announce(tx, { userId: acme.users.national_manager.id });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect((await me(b, user.auth)).statusCode).toBe(200);

    await a.app.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/password',
      headers: (await login(a, acme.users.national_manager.email, FIXTURE_PASSWORD)).auth,
      payload: { current_password: FIXTURE_PASSWORD, new_password: 'Changed2026x' },
    });
    expect((await eventually(() => me(b, user.auth), 401)).statusCode).toBe(401);
  });
});
