import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { reportsModule } from '../../src/modules/reports/index.js';
import { successModule } from '../../src/modules/success/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { client, uniq, type Headers } from '../field/helpers.js';

export { client, createTeam, expectStatus, extraUser, uniq, type Headers } from '../field/helpers.js';

export const SUCCESS_MODULES = [identityModule, catalogModule, successModule, notifyModule, reportsModule];

export const successApp = (): Promise<TestApp> => createTestApp({ deps: { modules: SUCCESS_MODULES } });

/** A catalog customer; `owner_id` makes it an account manager's (the success data scope). */
export async function createCustomer(t: TestApp, admin: Headers, body: object = {}): Promise<string> {
  return (
    await client(t).ok('POST', '/customers', admin, { code: uniq('CU'), name: uniq('Acme'), ...body }, 201)
  ).id;
}
