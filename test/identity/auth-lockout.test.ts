import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.js';
import { insertUserWithRoles } from '../../src/modules/identity/auth/auth.repository.js';
import { authRoutes, identityPrincipalResolver } from '../../src/modules/identity/auth/index.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { FIXTURE_PASSWORD, fixturePasswordHash, identityFixture, type IdentityFixture } from './fixtures.js';
import { startSmtp } from './smtp.js';

const authModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  routes: authRoutes,
};

type Res = { statusCode: number; headers: Record<string, unknown>; body: string };

/** Everything a client sees of an answer except the request id, which differs per request. */
const visible = (res: Res) => {
  const { request_id: _id, ...body } = JSON.parse(res.body) as Record<string, unknown>;
  return { status: res.statusCode, contentType: res.headers['content-type'], body };
};

describe('account lockout: indistinguishable answers and one mail to the owner', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let acme: IdentityFixture;
  const sqlRun = (text: string, params: unknown[] = []) => t.database.db.query(text, params);
  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers });

  async function freshUser() {
    const email = `locked.${Math.random().toString(36).slice(2, 10)}@lockout.test`;
    const passwordHash = await fixturePasswordHash();
    const id = await t.database.db.withSystem((tx) =>
      insertUserWithRoles(tx, {
        tenantId: acme.tenantId,
        email,
        passwordHash,
        firstName: 'Lou',
        roleKeys: ['agent'],
      }),
    );
    return { id, email };
  }
  const lockMails = (email: string) =>
    t.app.platform.mailer.outbox({ to: email, template: 'identity.account_locked', tenantId: acme.tenantId });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      config: {
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        workers: true,
        trustProxy: true,
        publicUrl: 'https://app.example.test',
      },
      deps: { modules: [authModule], jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    acme = await identityFixture(t, 'lockco');
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('answers a locked account exactly like a wrong password and an unknown login', async () => {
    const user = await freshUser();
    const unknown = await login(`ghost.${Date.now()}@lockout.test`, 'Wrong-pass1');
    const wrong: Res[] = [];
    for (let i = 0; i < 5; i++) wrong.push(await login(user.email, 'Wrong-pass1'));
    const [row] = (await sqlRun(`select locked_until from users where id = $1`, [user.id])).rows;
    expect(row!.locked_until).not.toBeNull();
    const lockedWrong = await login(user.email, 'Wrong-pass1');
    const lockedRight = await login(user.email, FIXTURE_PASSWORD);

    const expected = visible(unknown);
    expect(expected).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(Object.keys(expected.body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    // The first wrong passwords, the one that locked, and both answers while locked.
    for (const res of [...wrong, lockedWrong, lockedRight]) expect(visible(res)).toEqual(expected);
    expect(lockedRight.headers['retry-after']).toBeUndefined();

    // Attempts while locked neither count nor extend the lock.
    const [after] = (
      await sqlRun(`select failed_login_count, locked_until from users where id = $1`, [user.id])
    ).rows;
    expect(after).toMatchObject({ failed_login_count: 5, locked_until: row!.locked_until });
    // The audit keeps what the answers hide.
    const audit = (
      await sqlRun(`select action, changes from audit_log where entity_id = $1 order by at, id`, [user.id])
    ).rows as { action: string; changes: { after?: { reason?: string } } }[];
    expect(audit.filter((r) => r.action === 'auth.account_locked')).toHaveLength(1);
    expect(audit.filter((r) => r.action === 'auth.login_failed').map((r) => r.changes.after?.reason)).toEqual(
      [...Array(5).fill('wrong_password'), 'locked', 'locked'],
    );
  });

  it('mails the owner once per lock, with the time, client address and user agent', async () => {
    const user = await freshUser();
    const headers = { 'x-forwarded-for': '203.0.113.77', 'user-agent': 'GuessBot/1.0 (lockout test)' };
    const before = Date.now();
    for (let i = 0; i < 5; i++) await login(user.email, 'Wrong-pass1', headers);
    // More attempts while locked, wrong and right: no more mail.
    for (let i = 0; i < 3; i++) await login(user.email, 'Wrong-pass1', headers);
    await login(user.email, FIXTURE_PASSWORD, headers);

    const [mail] = await smtp.waitFor(user.email, 1);
    expect(mail!.text).toContain('Subject: Your SalesOps account was locked after failed sign-ins');
    expect(mail!.text).toContain('203.0.113.77');
    expect(mail!.text).toContain('GuessBot/1.0 (lockout test)');
    expect(mail!.text).toContain('https://app.example.test/forgot-password');
    const [row] = (await sqlRun(`select locked_until from users where id = $1`, [user.id])).rows;
    expect(mail!.text).toContain(new Date(row!.locked_until as string).toISOString());
    const time = /locked until .*?\n*.*?Last attempt: (\S+) \(UTC\)/s.exec(mail!.text)?.[1];
    expect(new Date(time!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(time!).getTime()).toBeLessThanOrEqual(Date.now());
    // Give a second message time to arrive, if one were sent.
    await new Promise((r) => setTimeout(r, 2000));
    expect(smtp.mailsTo(user.email)).toHaveLength(1);
    expect(await lockMails(user.email)).toHaveLength(1);

    // Once the window has passed, a new lock is a new event and mails again.
    await sqlRun(`update users set locked_until = now() - interval '1 second' where id = $1`, [user.id]);
    for (let i = 0; i < 5; i++) await login(user.email, 'Wrong-pass1', headers);
    await smtp.waitFor(user.email, 2);
    expect(await lockMails(user.email)).toHaveLength(2);
  });

  it('sends one mail when concurrent attempts cross the threshold together', async () => {
    const user = await freshUser();
    for (let i = 0; i < 3; i++) await login(user.email, 'Wrong-pass1');
    const answers = await Promise.all(Array.from({ length: 6 }, () => login(user.email, 'Wrong-pass1')));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(6).fill(401));
    expect(await lockMails(user.email)).toHaveLength(1);
    const locks = await sqlRun(
      `select count(*)::int as n from audit_log where entity_id = $1 and action = 'auth.account_locked'`,
      [user.id],
    );
    expect(locks.rows[0]!.n).toBe(1);
  });

  it('sends nothing for unknown logins', async () => {
    const ghost = `ghost.${Date.now()}@lockout.test`;
    for (let i = 0; i < 6; i++) expect((await login(ghost, 'Wrong-pass1')).statusCode).toBe(401);
    expect(await t.app.platform.mailer.outbox({ to: ghost })).toHaveLength(0);
  });
});
