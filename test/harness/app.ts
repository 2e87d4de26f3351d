import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { AccessClaims } from '../../src/platform/http/tokens.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export type TestConfig = Config & { jwtSecret: string };

/**
 * Settings for tests: quiet, a temp data dir, no workers, generous rate limits, and cheap password
 * hashes (fixtures create and sign in thousands of users per run).
 */
export function testConfig(overrides: Partial<Config> = {}): TestConfig {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-test-'));
  return {
    ...loadConfig(
      {},
      {
        nodeEnv: 'test',
        logLevel: 'silent',
        logPretty: false,
        dataDir,
        storageDir: path.join(dataDir, 'files'),
        jwtSecret: TEST_JWT_SECRET,
        rateLimitMax: 100_000,
        rateLimitLogin: { perIp: 100_000, perAccount: 100_000 },
        rateLimitLoginFailures: 100_000,
        rateLimitRegister: { perIp: 100_000, perAccount: 100_000 },
        rateLimitForgotPassword: { perIp: 100_000, perAccount: 100_000 },
        rateLimitResetPassword: { perIp: 100_000, perAccount: 100_000 },
        demoData: false,
        workers: false,
        passwordHashCost: 'low',
        ...overrides,
      },
    ),
    jwtSecret: overrides.jwtSecret ?? TEST_JWT_SECRET,
  };
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  config: TestConfig;
  /** An access token for the given claims (identity issues real ones; the platform only verifies). */
  token(claims: Partial<AccessClaims> & { tid: string | null }, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(
  options: { config?: Partial<Config>; deps?: AppDeps; database?: TestDatabase } = {},
): Promise<TestApp> {
  const config = testConfig(options.config);
  const database = options.database ?? (await createTestDatabase());
  let app: App | undefined;
  try {
    app = await buildApp(config, { modules: [], ...options.deps, db: database.db });
    await app.ready();
  } catch (error) {
    // An app that refuses to start (a test may expect it to) leaves no database or directory behind.
    await app?.close().catch(() => undefined);
    if (!options.database) await database.close();
    rmSync(config.dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    database,
    config,
    token: (claims, ttlSeconds = 900) =>
      app.platform.tokens.signAccess(
        { sub: claims.sub ?? '00000000-0000-7000-8000-000000000001', roles: [], perms: [], ...claims },
        ttlSeconds,
      ),
    async close() {
      await app.close();
      if (!options.database) await database.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
