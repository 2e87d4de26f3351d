import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { commerceModule, startFakeMoysklad, type FakeMoysklad } from '../../src/modules/commerce/index.js';
import { webhookReceivedJob } from '../../src/modules/commerce/integrations/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import type { TestDatabase } from '../harness/database.js';
import { client, type Headers } from '../field/helpers.js';

export { client, expectStatus, type Headers } from '../field/helpers.js';

/**
 * The webhook job's handler belongs to the sync engine; an app without it still needs the job kind
 * registered for the receiver to enqueue it (jobs only wait in the queue: tests run no workers).
 */
const webhookQueue: SalesOpsModule = {
  name: 'test-webhook-queue',
  registerJobs(platform) {
    try {
      platform.jobs.register(webhookReceivedJob, async () => undefined);
    } catch {
      // Registered by the commerce module's sync engine already.
    }
  },
};

export const COMMERCE_TEST_MODULES = [
  identityModule,
  catalogModule,
  notifyModule,
  commerceModule,
  webhookQueue,
];

export interface LogLines {
  lines: string[];
}

/** The app with every log line (info and above) collected, so tests can look for secrets in them. */
export async function integrationsApp(
  options: { config?: Partial<Config>; database?: TestDatabase } = {},
): Promise<TestApp & LogLines> {
  const lines: string[] = [];
  const t = await createTestApp({
    config: { logLevel: 'info', ...options.config },
    database: options.database,
    deps: { modules: COMMERCE_TEST_MODULES, logStream: { write: (line: string) => void lines.push(line) } },
  });
  return Object.assign(t, { lines });
}

/** A fake MoySklad account on loopback with a known login, password and token. */
export function fakeMoysklad(login = 'admin@shop', password = 'S3cret-Pa55word!'): Promise<FakeMoysklad> {
  return startFakeMoysklad({
    sizes: { products: 4, documents: 4 },
    credentials: { login, password, token: 'tok-0123456789abcdef0123456789abcdef' },
  });
}

export const basicAuth = (fake: FakeMoysklad) => ({
  type: 'basic' as const,
  login: fake.credentials.login,
  password: fake.credentials.password,
});

export interface IntegrationJson {
  id: string;
  name: string;
  provider: string;
  base_url: string;
  auth_type: string;
  has_credentials: boolean;
  login: string | null;
  account_id: string | null;
  entities: string[];
  sync_interval_minutes: number;
  status: string;
  credentials_status: string;
  options: Record<string, unknown>;
  webhook_url: string;
  webhooks_registered_at: string | null;
}

let seq = 0;
export const integrationName = () => `MoySklad ${Date.now().toString(36)}-${(seq++).toString(36)}`;

export async function createIntegration(
  t: TestApp,
  admin: Headers,
  fake: FakeMoysklad,
  body: object = {},
): Promise<IntegrationJson> {
  return client(t).ok<IntegrationJson>(
    'POST',
    '/admin/integrations',
    admin,
    { provider: 'moysklad', name: integrationName(), base_url: fake.baseUrl, auth: basicAuth(fake), ...body },
    201,
  );
}

/** The path (under /api/v1) of an integration's webhook URL. */
export const webhookPath = (integration: IntegrationJson) =>
  new URL(integration.webhook_url).pathname.replace(/^\/api\/v1/, '');

/** Fails when any of the secrets appears in the text. */
export function expectNoSecrets(text: string, secrets: readonly string[]) {
  for (const secret of secrets) expect(text, `a secret leaked: ${text.slice(0, 300)}`).not.toContain(secret);
}
