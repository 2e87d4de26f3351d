import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { leadsModule } from '../../src/modules/leads/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { client, uniq, type Headers } from '../field/helpers.js';

export {
  client,
  createOutlet,
  createTeam,
  expectStatus,
  extraUser,
  uniq,
  type Headers,
} from '../field/helpers.js';

export const LEADS_MODULES = [identityModule, catalogModule, leadsModule];

export const leadsApp = (): Promise<TestApp> => createTestApp({ deps: { modules: LEADS_MODULES } });

export async function createCampaign(t: TestApp, admin: Headers, body: object = {}): Promise<string> {
  return (await client(t).ok('POST', '/campaigns', admin, { code: uniq('C'), name: 'Spring', ...body }, 201))
    .id;
}

export async function createSource(t: TestApp, admin: Headers, body: object = {}): Promise<string> {
  return (
    await client(t).ok(
      'POST',
      '/attribution-sources',
      admin,
      { code: uniq('S'), name: 'Walk-in', ...body },
      201,
    )
  ).id;
}

export async function createProduct(t: TestApp, admin: Headers): Promise<string> {
  return (await client(t).ok('POST', '/products', admin, { code: uniq('P'), name: 'Phone X' }, 201)).id;
}
