import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { planningModule } from '../../src/modules/planning/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { client, uniq, type Headers } from '../field/helpers.js';

export { client, createTeam, expectStatus, extraUser, uniq, type Headers } from '../field/helpers.js';

export const PLANNING_MODULES = [identityModule, catalogModule, planningModule];

export const planningApp = (): Promise<TestApp> => createTestApp({ deps: { modules: PLANNING_MODULES } });

export async function createCustomer(t: TestApp, admin: Headers, body: object = {}) {
  return client(t).ok<{ id: string; code: string }>(
    'POST',
    '/customers',
    admin,
    { code: uniq('CU'), name: uniq('Customer'), ...body },
    201,
  );
}

export async function createProduct(t: TestApp, admin: Headers, body: object = {}) {
  return client(t).ok<{ id: string; code: string }>(
    'POST',
    '/products',
    admin,
    { code: uniq('PR'), name: uniq('Product'), ...body },
    201,
  );
}

export async function createMatrixRow(t: TestApp, admin: Headers, body: object) {
  return client(t).ok<{ id: string }>(
    'POST',
    '/product-customer-matrix',
    admin,
    { price: '10.00', ...body },
    201,
  );
}
