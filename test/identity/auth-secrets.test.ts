import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { authRoutes, identityPrincipalResolver } from '../../src/modules/identity/auth/index.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture, type IdentityFixture } from './fixtures.js';

const authModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  routes: authRoutes,
};

const OLD_SECRET = 'old-secret-old-secret-old-secret-0123456789';
const NEW_SECRET = 'new-secret-new-secret-new-secret-0123456789';
const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('JWT_PREVIOUS_SECRETS', () => {
  it('is read from the environment; each entry must be a real secret', () => {
    const config = loadConfig({ JWT_PREVIOUS_SECRETS: `${OLD_SECRET}, ${'z'.repeat(40)}` });
    expect(config.jwtPreviousSecrets).toEqual([OLD_SECRET, 'z'.repeat(40)]);
    expect(loadConfig({}).jwtPreviousSecrets).toEqual([]);
    expect(() => loadConfig({ JWT_PREVIOUS_SECRETS: `${OLD_SECRET},short` })).toThrow(ConfigError);
  });

  describe('rotating the secret', () => {
    let before: TestApp; // signs with the old secret
    let rotated: TestApp; // signs with the new one, still accepts the old one's tokens
    let newOnly: TestApp; // the old secret forgotten
    let acme: IdentityFixture;

    beforeAll(async () => {
      before = await createTestApp({ config: { jwtSecret: OLD_SECRET }, deps: { modules: [authModule] } });
      const shared = { ...before.database, close: async () => undefined };
      rotated = await createTestApp({
        config: { jwtSecret: NEW_SECRET, jwtPreviousSecrets: [OLD_SECRET] },
        deps: { modules: [authModule] },
        database: shared,
      });
      newOnly = await createTestApp({
        config: { jwtSecret: NEW_SECRET },
        deps: { modules: [authModule] },
        database: shared,
      });
      acme = await identityFixture(before, 'rotation');
    });
    afterAll(async () => {
      await newOnly.close();
      await rotated.close();
      await before.close();
    });

    const me = (t: TestApp, token: string) =>
      t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    const signIn = async (t: TestApp) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: acme.users.agent.email, password: FIXTURE_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ access_token: string }>().access_token;
    };

    it('verifies a token signed with a previous secret and signs new ones with the current secret', async () => {
      const oldToken = await signIn(before);
      expect((await me(rotated, oldToken)).statusCode).toBe(200);
      // Without the previous secret the same token is refused: the setting is what makes it work.
      const refused = await me(newOnly, oldToken);
      expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([401, 'INVALID_TOKEN']);

      const newToken = await signIn(rotated);
      expect(kidOf(newToken)).not.toBe(kidOf(oldToken));
      expect(kidOf(newToken)).toBe(kidOf(await signIn(newOnly)));
      expect((await me(rotated, newToken)).statusCode).toBe(200);
      expect((await me(newOnly, newToken)).statusCode).toBe(200);
      expect((await me(before, newToken)).statusCode).toBe(401);
    });
  });
});

describe('reset links in logs', () => {
  /** An app whose log lines (JSON) are collected, sharing one database. */
  async function loggingApp(mailLogBodies: boolean, database?: TestApp['database']) {
    const lines: string[] = [];
    const t = await createTestApp({
      config: { logLevel: 'info', mailLogBodies },
      deps: { modules: [authModule], logStream: { write: (line: string) => void lines.push(line) } },
      database,
    });
    return { t, lines };
  }

  let quiet: Awaited<ReturnType<typeof loggingApp>>;
  let verbose: Awaited<ReturnType<typeof loggingApp>>;
  let acme: IdentityFixture;
  beforeAll(async () => {
    quiet = await loggingApp(false);
    verbose = await loggingApp(true, { ...quiet.t.database, close: async () => undefined });
    acme = await identityFixture(quiet.t, 'logs');
  });
  afterAll(async () => {
    await verbose.t.close();
    await quiet.t.close();
  });

  async function requestReset(t: TestApp, email: string): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email },
    });
    expect(res.statusCode).toBe(202);
    const [mail] = await t.app.platform.mailer.outbox({ to: email, template: 'identity.password_reset' });
    return /token=([^\s"&]+)/.exec(mail!.text)![1]!;
  }

  it('are not written to the log by default', async () => {
    const token = await requestReset(quiet.t, acme.users.agent.email);
    const log = quiet.lines.join('');
    expect(log).toContain('mail not sent'); // the mail is logged (recipient, template) …
    expect(log).toContain('identity.password_reset');
    expect(log).not.toContain(token); // … without its link
    expect(log).not.toContain('reset-password?token');
  });

  it('are written when MAIL_LOG_BODIES asks for it', async () => {
    const token = await requestReset(verbose.t, acme.users.viewer.email);
    expect(verbose.lines.join('')).toContain(token);
  });

  it('are off unless MAIL_LOG_BODIES is set, in every environment', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).mailLogBodies).toBe(false);
    expect(loadConfig({ MAIL_LOG_BODIES: 'true' }).mailLogBodies).toBe(true);
  });
});
