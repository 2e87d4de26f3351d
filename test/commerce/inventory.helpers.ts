import { catalogModule } from '../../src/modules/catalog/index.js';
import { commerceModule } from '../../src/modules/commerce/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import type { Tx } from '../../src/platform/db/types.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { client, uniq, type Headers } from '../field/helpers.js';

export { client, expectStatus, extraUser, createTeam, uniq, type Headers } from '../field/helpers.js';

export const COMMERCE_MODULES = [identityModule, catalogModule, notifyModule, commerceModule];

export const commerceApp = (): Promise<TestApp> => createTestApp({ deps: { modules: COMMERCE_MODULES } });

export async function createWarehouse(t: TestApp, admin: Headers, body: object = {}) {
  return client(t).ok<{ id: string; code: string }>(
    'POST',
    '/warehouses',
    admin,
    { code: uniq('WH'), name: uniq('Warehouse'), ...body },
    201,
  );
}

export async function createProduct(t: TestApp, admin: Headers, body: object = {}) {
  return client(t).ok<{ id: string; code: string; name: string }>(
    'POST',
    '/products',
    admin,
    { code: uniq('PR'), name: uniq('Product'), ...body },
    201,
  );
}

export async function createCustomer(t: TestApp, admin: Headers, body: object = {}) {
  return client(t).ok<{ id: string }>(
    'POST',
    '/customers',
    admin,
    { code: uniq('CU'), name: uniq('Customer'), ...body },
    201,
  );
}

export async function createPriceType(t: TestApp, admin: Headers, name = uniq('Price')) {
  return client(t).ok<{ id: string }>('POST', '/products/price-types', admin, { name, currency: 'UZS' }, 201);
}

export async function createVariant(t: TestApp, admin: Headers, productId: string, body: object = {}) {
  return client(t).ok<{ id: string }>(
    'POST',
    `/products/${productId}/variants`,
    admin,
    { code: uniq('V'), name: uniq('Variant'), ...body },
    201,
  );
}

/** Runs `fn` in one tenant transaction of the test database (direct calls of the module's exports). */
export const inTenantTx = <T>(t: TestApp, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  t.database.db.withTenant({ tenantId }, fn);

/** Σ of rows of a raw query's first column. */
export async function scalar<T = unknown>(
  t: TestApp,
  tenantId: string,
  text: string,
  params: unknown[] = [],
) {
  return inTenantTx(t, tenantId, async (tx) => {
    const { rows } = await tx.sql.query<Record<string, T>>(text, params);
    return Object.values(rows[0] ?? {})[0] as T;
  });
}
