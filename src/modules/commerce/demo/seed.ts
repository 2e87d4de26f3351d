import { randomBytes } from 'node:crypto';
import type { DemoLogin, Platform } from '../../../platform/module.js';
import { seal } from '../integrations/credentials.js';
import { moyskladProvider } from '../moysklad/index.js';
import { integrations } from '../tables/integrations.tables.js';
import { DEMO_INTEGRATION_NAME, demoFakeMoysklad } from './fake-moysklad.js';

/**
 * The demo tenant's MoySklad integration, pointing at the in-process fake account, with its
 * credentials sealed like any other: the scheduled sync then fills stock and documents, and an
 * admin can test it, register its webhooks or start a sync from the admin panel.
 */
export async function seedCommerceDemo(platform: Platform): Promise<DemoLogin[]> {
  const { rows } = await platform.system.seed((tx) =>
    tx.sql.query<{ tenant_id: string; admin_id: string | null; seeded: number }>(
      `select t.id as tenant_id,
         (select u.id from users u where u.tenant_id = t.id and u.email = 'admin@demo.salesops.local') as admin_id,
         (select count(*)::int from integrations i where i.tenant_id = t.id and i.name = $1) as seeded
       from tenants t where t.slug = 'demo'`,
      [DEMO_INTEGRATION_NAME],
    ),
  );
  const demo = rows[0];
  if (!demo || demo.seeded > 0) return [];
  const fake = await demoFakeMoysklad();
  const credentials = seal({
    type: 'basic',
    login: fake.credentials.login,
    password: fake.credentials.password,
  });
  const token = seal(randomBytes(32).toString('base64url'));
  await platform.db.withTenant({ tenantId: demo.tenant_id }, (tx) =>
    tx.db.insert(integrations).values({
      tenantId: demo.tenant_id,
      provider: moyskladProvider.name,
      name: DEMO_INTEGRATION_NAME,
      baseUrl: fake.baseUrl,
      authType: 'basic',
      credentialsCipher: credentials.cipher,
      credentialsKeyId: credentials.keyId,
      webhookTokenCipher: token.cipher,
      accountId: fake.accountId,
      credentialsStatus: 'ok',
      entities: [...moyskladProvider.entities],
      syncIntervalMinutes: platform.config.moyskladSyncIntervalMinutes,
      createdBy: demo.admin_id,
    }),
  );
  return [];
}
