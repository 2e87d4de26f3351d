import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRoutes, identityPrincipalResolver } from '../../src/modules/identity/auth/index.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture, login, type IdentityFixture } from './fixtures.js';
import { startSmtp } from './smtp.js';

describe('password reset through a real SMTP server', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let acme: IdentityFixture;

  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload });

  const mailFor = async (address: string, count: number): Promise<string> =>
    (await smtp.waitFor(address, count))[count - 1]!.text;
  const tokenIn = (mail: string) => /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail)?.[1];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      config: {
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        workers: true,
        publicUrl: 'https://app.example.test',
      },
      deps: {
        modules: [
          {
            name: 'identity',
            permissions: IDENTITY_PERMISSIONS,
            principalResolver: identityPrincipalResolver,
            routes: authRoutes,
          },
        ],
        jobOptions: { pollingIntervalSeconds: 0.5 },
      },
    });
    acme = await identityFixture(t, 'resetco');
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('mails a single-use link that resets the password and ends every session', async () => {
    const user = acme.users.agent;
    const other = await login(t, user.email, FIXTURE_PASSWORD);
    expect((await post('/auth/forgot-password', { email: user.email })).statusCode).toBe(202);
    const mail = await mailFor(user.email, 1);
    expect(mail).toContain('Reset your SalesOps password');
    expect(mail).toContain('https://app.example.test/reset-password?token=');
    const token = tokenIn(mail)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const weak = await post('/auth/reset-password', { token, password: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toMatchObject({ code: 'PASSWORD_POLICY' });

    expect((await post('/auth/reset-password', { token, password: 'Brand-new-1' })).statusCode).toBe(204);
    // Every session ended.
    for (const auth of [user.auth, other.auth]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth });
      expect(me.json()).toMatchObject({ code: 'SESSION_REVOKED' });
    }
    expect((await post('/auth/refresh', { refresh_token: other.refreshToken })).statusCode).toBe(401);
    // The new password works, the old does not.
    expect((await post('/auth/login', { email: user.email, password: FIXTURE_PASSWORD })).statusCode).toBe(
      401,
    );
    await login(t, user.email, 'Brand-new-1');
    // Single use.
    const again = await post('/auth/reset-password', { token, password: 'Another-new-2' });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ code: 'INVALID_RESET_TOKEN' });
  });

  it('refuses an expired token', async () => {
    const user = acme.users.viewer;
    expect((await post('/auth/forgot-password', { email: user.email })).statusCode).toBe(202);
    const token = tokenIn(await mailFor(user.email, 1))!;
    await t.database.db.query(
      `update password_reset_tokens set expires_at = now() - interval '1 second' where user_id = $1`,
      [user.id],
    );
    const res = await post('/auth/reset-password', { token, password: 'Brand-new-1' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INVALID_RESET_TOKEN' });
    await login(t, user.email, FIXTURE_PASSWORD);
  });

  it('sends nothing for unknown addresses and still answers 202', async () => {
    const before = smtp.received.length;
    expect((await post('/auth/forgot-password', { email: 'ghost@nowhere.test' })).statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.length).toBe(before);
  });
});
