import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { commerceModule } from '../../src/modules/commerce/index.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import {
  client,
  COMMERCE_TEST_MODULES,
  integrationsApp,
  type IntegrationJson,
} from './integrations.helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

describe('commerce demo: a MoySklad integration on the in-process fake', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await integrationsApp({ config: { demoData: true } });
    const seeders = COMMERCE_TEST_MODULES.filter(
      (m) => m.name === 'identity' || m.name === 'catalog' || m === commerceModule,
    );
    await seedDemo(t.app.platform, seeders, quiet);
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
  }, 240_000);
  afterAll(() => t?.close());

  it('the demo tenant has a working integration pointing at the loopback fake', async () => {
    const { integrations } = await client(t).ok<{ integrations: IntegrationJson[] }>(
      'GET',
      '/admin/integrations',
      admin,
    );
    expect(integrations).toHaveLength(1);
    const demo = integrations[0]!;
    expect(demo).toMatchObject({ name: 'MoySklad (demo)', provider: 'moysklad', credentials_status: 'ok' });
    expect(demo.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/remap\/1\.2$/);
    expect(await client(t).ok('POST', `/admin/integrations/${demo.id}/test`, admin)).toMatchObject({
      ok: true,
    });

    // A restart points it at that start's fake; seeding again adds nothing.
    await t.database.db.query(`update integrations set base_url = 'http://127.0.0.1:1/api/remap/1.2'`);
    await commerceModule.onStart!(t.app.platform);
    await seedDemo(t.app.platform, [commerceModule], quiet);
    const after = await client(t).ok<{ integrations: IntegrationJson[] }>(
      'GET',
      '/admin/integrations',
      admin,
    );
    expect(after.integrations).toHaveLength(1);
    expect(after.integrations[0]!.base_url).toBe(demo.base_url);
  });

  it('closing the app stops the fake, so a command that seeds demo data exits', async () => {
    const before = await client(t).ok<{ integrations: IntegrationJson[] }>(
      'GET',
      '/admin/integrations',
      admin,
    );
    const url = `${before.integrations[0]!.base_url}/entity/product`;
    expect((await fetch(url)).status).toBe(401);
    await commerceModule.onStop!(t.app.platform);
    await expect(fetch(url)).rejects.toThrow();
    // The next start serves the account again, on a new port.
    await commerceModule.onStart!(t.app.platform);
    const after = await client(t).ok<{ integrations: IntegrationJson[] }>(
      'GET',
      '/admin/integrations',
      admin,
    );
    expect(after.integrations[0]!.base_url).not.toBe(before.integrations[0]!.base_url);
    expect((await fetch(`${after.integrations[0]!.base_url}/entity/product`)).status).toBe(401);
  });
});
