import type { Platform } from '../../../platform/module.js';
import { startFakeMoysklad, type FakeMoysklad } from '../moysklad/index.js';

/** The demo tenant's integration: named so a restart finds it again. */
export const DEMO_INTEGRATION_NAME = 'MoySklad (demo)';

let running: Promise<FakeMoysklad> | undefined;

/**
 * The fake MoySklad account the demo tenant syncs from: started once per process, in-process on a
 * loopback port, only when demo data is on (never in production by default). Its data is generated
 * from a fixed seed, so every start serves the same account.
 */
export function demoFakeMoysklad(): Promise<FakeMoysklad> {
  running ??= startFakeMoysklad({ host: '127.0.0.1', port: 0, seed: 'salesops-demo' });
  return running;
}

/** Closes this process's fake, if it runs: the app closing must not leave a listening server behind. */
export async function stopDemoFakeMoysklad(): Promise<void> {
  const fake = running;
  running = undefined;
  if (fake) await (await fake).close();
}

/**
 * Points the demo integration at this process's fake (its port changes with every start). Runs on
 * start when DEMO_DATA is on; on a first start the integration does not exist yet and the demo
 * seed creates it with the same address.
 */
export async function pointDemoIntegrationAtFake(platform: Platform): Promise<void> {
  if (!platform.config.demoData) return;
  const fake = await demoFakeMoysklad();
  await platform.system.seed((tx) =>
    tx.sql.query(
      `update integrations set base_url = $1, account_id = $2, updated_at = now()
       where name = $3 and tenant_id = (select id from tenants where slug = 'demo')`,
      [fake.baseUrl, fake.accountId, DEMO_INTEGRATION_NAME],
    ),
  );
}
