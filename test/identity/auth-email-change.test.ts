import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUserWithRoles } from '../../src/modules/identity/auth/auth.repository.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import {
  FIXTURE_PASSWORD,
  fixturePasswordHash,
  identityFixture,
  login,
  type IdentityFixture,
} from './fixtures.js';
import { startSmtp } from './smtp.js';

type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
};

describe('changing the own e-mail address', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let acme: IdentityFixture;
  let globex: IdentityFixture;

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object, headers = {}) =>
    t.app.inject({ method, url: `/api/v1${url}`, payload, headers });
  const sqlRun = (text: string, params: unknown[] = []) => t.database.db.query(text, params);
  const confirm = (token: string) => call('POST', '/auth/me/email/confirm', { token });
  const newAddress = (tag: string) => `${tag}.${Math.random().toString(36).slice(2, 10)}@newmail.test`;
  const tokenIn = (text: string) => /confirm-email\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];

  /** A fresh signed-in user of the fixture (so tests can change it freely). */
  async function freshUser(fixture = acme) {
    const email = `me.${Math.random().toString(36).slice(2, 10)}@oldmail.test`;
    const passwordHash = await fixturePasswordHash();
    const id = await t.database.db.withSystem((tx) =>
      insertUserWithRoles(tx, {
        tenantId: fixture.tenantId,
        email,
        passwordHash,
        firstName: 'Mia',
        roleKeys: ['agent'],
      }),
    );
    return { id, ...(await login(t, email, FIXTURE_PASSWORD)) };
  }

  /** Asks for the change and returns the token mailed to the new address (read from the outbox). */
  async function requestChange(user: { auth: object }, email: string, tenantId = acme.tenantId) {
    const res = await call('PUT', '/auth/me', { email, current_password: FIXTURE_PASSWORD }, user.auth);
    expectCode(res, 200);
    const [mail] = await t.app.platform.mailer.outbox({
      to: email,
      template: 'identity.email_change_confirm',
      tenantId,
    });
    return tokenIn(mail!.text)!;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      config: {
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        workers: true,
        publicUrl: 'https://app.example.test',
      },
      deps: { modules: [identityModule], jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    acme = await identityFixture(t, 'acme');
    globex = await identityFixture(t, 'globex');
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('mails a link to the new address and a notice to the old one; the old address works until confirmed', async () => {
    const user = await freshUser();
    const other = await login(t, user.email, FIXTURE_PASSWORD);
    const next = newAddress('Mia');
    const res = await call(
      'PUT',
      '/auth/me',
      { email: next, first_name: 'Mira', current_password: FIXTURE_PASSWORD },
      user.auth,
    );
    expectCode(res, 200);
    expect(res.json()).toMatchObject({ email: user.email, first_name: 'Mira', pending_email: next });
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      email: user.email,
      pending_email: next,
    });

    const [confirmMail] = await smtp.waitFor(next, 1);
    expect(confirmMail!.text).toContain('Subject: Confirm your new SalesOps e-mail address');
    const token = tokenIn(confirmMail!.text)!;
    expect(confirmMail!.text).toContain(`https://app.example.test/confirm-email?token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [notice] = await smtp.waitFor(user.email, 1);
    expect(notice!.text).toContain('Subject: Your SalesOps e-mail address is about to change');
    expect(notice!.text).toContain(next);
    expect(notice!.text).toContain('https://app.example.test/forgot-password');
    expect(notice!.text).not.toContain(token);
    // Stored only hashed.
    const stored = await sqlRun(`select token_hash, new_email from email_change_tokens where user_id = $1`, [
      user.id,
    ]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.token_hash).not.toContain(token);

    // Until confirmed, the old address signs in and the new one does not.
    await login(t, user.email, FIXTURE_PASSWORD);
    expectCode(await call('POST', '/auth/login', { email: next, password: FIXTURE_PASSWORD }), 401);

    expectCode(await confirm(token), 204);
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      email: next,
      pending_email: null,
    });
    await login(t, next, FIXTURE_PASSWORD);
    expectCode(
      await call('POST', '/auth/login', { email: user.email, password: FIXTURE_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    // Sessions stay open (documented): both devices still work.
    expectCode(await call('GET', '/auth/sessions', undefined, user.auth), 200);
    expectCode(await call('GET', '/auth/sessions', undefined, other.auth), 200);
    // Single use.
    expectCode(await confirm(token), 422, 'INVALID_EMAIL_CHANGE_TOKEN');
    const audit = await sqlRun(`select action, changes from audit_log where entity_id = $1 order by at, id`, [
      user.id,
    ]);
    const actions = audit.rows.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['user.update_self', 'auth.email_change_requested', 'auth.email_changed']),
    );
    const changed = audit.rows.find((r) => r.action === 'auth.email_changed')!;
    expect(changed.changes).toMatchObject({ before: { email: user.email }, after: { email: next } });
  });

  it('needs the current password: missing or wrong is 422, and nothing changes or is mailed', async () => {
    const user = await freshUser();
    const next = newAddress('nopass');
    const missing = await call('PUT', '/auth/me', { email: next, first_name: 'Changed' }, user.auth);
    expectCode(missing, 422, 'VALIDATION_FAILED');
    expect(missing.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/current_password',
    ]);
    const wrong = await call('PUT', '/auth/me', { email: next, current_password: 'Wrong-pass1' }, user.auth);
    expectCode(wrong, 422, 'INVALID_CURRENT_PASSWORD');
    expect(wrong.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/current_password');
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      email: user.email,
      first_name: 'Mia',
      pending_email: null,
    });
    expect(await t.app.platform.mailer.outbox({ to: next })).toHaveLength(0);
    expect(await t.app.platform.mailer.outbox({ to: user.email, tenantId: acme.tenantId })).toHaveLength(0);
    // The own address again (any case) is no change: no password needed, nothing pending.
    const same = await call(
      'PUT',
      '/auth/me',
      { email: user.email.toUpperCase(), last_name: 'Same' },
      user.auth,
    );
    expectCode(same, 200);
    expect(same.json()).toMatchObject({ email: user.email, last_name: 'Same', pending_email: null });
    // Without a session: 401.
    expectCode(await call('PUT', '/auth/me', { email: next, current_password: FIXTURE_PASSWORD }), 401);
  });

  it('refuses an address another user of the tenant has, at the request and again at confirmation', async () => {
    const user = await freshUser();
    const taken = await call(
      'PUT',
      '/auth/me',
      { email: acme.users.viewer.email.toUpperCase(), current_password: FIXTURE_PASSWORD },
      user.auth,
    );
    expectCode(taken, 409, 'DUPLICATE');
    expect(taken.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/email');

    // Free at the request, taken by an admin's edit of another user before the link is opened.
    const next = newAddress('race');
    const token = await requestChange(user, next);
    expectCode(
      await call('PUT', `/users/${acme.users.agent.id}`, { email: next }, acme.users.admin.auth),
      200,
    );
    expectCode(await confirm(token), 409, 'DUPLICATE');
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      email: user.email,
      pending_email: next,
    });
    // Freed again, the same link still works.
    expectCode(
      await call(
        'PUT',
        `/users/${acme.users.agent.id}`,
        { email: acme.users.agent.email },
        acme.users.admin.auth,
      ),
      200,
    );
    expectCode(await confirm(token), 204);

    // An address of another tenant is not revealed at the request, and refused at confirmation.
    const user2 = await freshUser();
    const token2 = await requestChange(user2, globex.users.viewer.email);
    expectCode(await confirm(token2), 409, 'DUPLICATE');
    expect((await call('GET', '/auth/me', undefined, user2.auth)).json()).toMatchObject({
      email: user2.email,
    });
  });

  it('refuses unknown, expired, replaced and cancelled tokens', async () => {
    expectCode(await confirm('made-up-token'), 422, 'INVALID_EMAIL_CHANGE_TOKEN');
    expectCode(await call('POST', '/auth/me/email/confirm', {}), 422, 'VALIDATION_FAILED');

    const user = await freshUser();
    const expiring = newAddress('expired');
    const expired = await requestChange(user, expiring);
    await sqlRun(
      `update email_change_tokens set expires_at = now() - interval '1 second' where user_id = $1`,
      [user.id],
    );
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      pending_email: null,
    });
    expectCode(await confirm(expired), 422, 'INVALID_EMAIL_CHANGE_TOKEN');
    // The token lives 24 hours.
    const first = newAddress('first');
    const replaced = await requestChange(user, first);
    const [row] = (
      await sqlRun(
        `select extract(epoch from expires_at - created_at)::int as ttl from email_change_tokens where new_email = $1`,
        [first],
      )
    ).rows;
    expect(row!.ttl).toBeGreaterThanOrEqual(24 * 3600 - 5);
    expect(row!.ttl).toBeLessThanOrEqual(24 * 3600 + 5);

    // A newer request replaces the open one.
    const second = newAddress('second');
    const current = await requestChange(user, second);
    expectCode(await confirm(replaced), 422, 'INVALID_EMAIL_CHANGE_TOKEN');
    // A password change cancels it.
    expectCode(
      await call(
        'PUT',
        '/auth/me/password',
        { current_password: FIXTURE_PASSWORD, new_password: 'Another-pass-2' },
        user.auth,
      ),
      204,
    );
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({
      email: user.email,
      pending_email: null,
    });
    expectCode(await confirm(current), 422, 'INVALID_EMAIL_CHANGE_TOKEN');
    expect((await call('GET', '/auth/me', undefined, user.auth)).json()).toMatchObject({ email: user.email });
  });

  it('keeps tenants apart: a token changes only its own user, and its rows are invisible to other tenants', async () => {
    const a = await freshUser(acme);
    const b = await freshUser(globex);
    const nextA = newAddress('tenant-a');
    const nextB = newAddress('tenant-b');
    const tokenA = await requestChange(a, nextA, acme.tenantId);
    await requestChange(b, nextB, globex.tenantId);
    // Tenant B's admin sees none of A's mails or tokens.
    const rows = await t.app.platform.db.withTenant({ tenantId: globex.tenantId }, (tx) =>
      tx.db.execute(sql`select id from email_change_tokens where tenant_id = ${acme.tenantId}`),
    );
    expect((rows as unknown as { rows?: unknown[] }).rows ?? rows).toHaveLength(0);
    expect(await t.app.platform.mailer.outbox({ to: nextA, tenantId: globex.tenantId })).toHaveLength(0);

    expectCode(await confirm(tokenA), 204);
    expect((await call('GET', '/auth/me', undefined, a.auth)).json()).toMatchObject({ email: nextA });
    expect((await call('GET', '/auth/me', undefined, b.auth)).json()).toMatchObject({
      email: b.email,
      pending_email: nextB,
    });
    const audit = await sqlRun(
      `select tenant_id from audit_log where action = 'auth.email_changed' and entity_id = $1`,
      [a.id],
    );
    expect(audit.rows.map((r) => r.tenant_id)).toEqual([acme.tenantId]);
  });

  it("leaves an admin's edit of a user's address as it was: immediate, no password, no confirmation", async () => {
    const user = await freshUser();
    const next = newAddress('by-admin');
    const res = await call('PUT', `/users/${user.id}`, { email: next }, acme.users.admin.auth);
    expectCode(res, 200);
    expect(res.json()).toMatchObject({ email: next });
    await login(t, next, FIXTURE_PASSWORD);
    expect(
      await t.app.platform.mailer.outbox({ to: next, template: 'identity.email_change_confirm' }),
    ).toHaveLength(0);
  });
});
