import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { findByExternalRef, linkExternalRef } from '../../src/modules/catalog/core/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureRole, type IdentityFixture } from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface WarehouseJson {
  id: string;
  code: string;
  name: string;
  address: string | null;
  archived_at: string | null;
  external_refs: { provider: string; entity_type: string; external_id: string }[];
}

describe('warehouses', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const call = (method: Method, url: string, payload?: object, role: FixtureRole = 'admin') =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: fx.users[role].auth, payload });
  const create = async (body: object) => {
    const res = await call('POST', '/warehouses', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<WarehouseJson>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    fx = await identityFixture(t, 'wh');
  });
  afterAll(() => t.close());

  it('creates, lists, filters, updates and archives', async () => {
    const main = await create({ code: 'WH-MAIN', name: 'Main warehouse', address: 'Sergeli 7' });
    await create({ code: 'WH-NORTH', name: 'North depot' });
    expect(main).toMatchObject({ address: 'Sergeli 7', archived_at: null, external_refs: [] });
    const listed = (await call('GET', '/warehouses?sort=-code')).json<{
      warehouses: WarehouseJson[];
      total: number;
    }>();
    expect(listed.warehouses.map((w) => w.code)).toEqual(['WH-NORTH', 'WH-MAIN']);
    expect(listed.total).toBe(2);
    const q = (await call('GET', '/warehouses?q=north')).json<{ warehouses: WarehouseJson[] }>();
    expect(q.warehouses.map((w) => w.code)).toEqual(['WH-NORTH']);
    const put = await call('PUT', `/warehouses/${main.id}`, { name: 'Central warehouse', address: null });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ name: 'Central warehouse', address: null, code: 'WH-MAIN' });
    expect((await call('DELETE', `/warehouses/${main.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/warehouses/${main.id}`)).json().archived_at).not.toBeNull();
    const active = (await call('GET', '/warehouses')).json<{ warehouses: WarehouseJson[] }>();
    expect(active.warehouses.map((w) => w.code)).toEqual(['WH-NORTH']);
  });

  it('rejects invalid bodies with 422 and duplicate codes with 409', async () => {
    expect((await call('POST', '/warehouses', { code: 'WH-X' })).statusCode).toBe(422);
    expect((await call('POST', '/warehouses', { code: '', name: 'x' })).statusCode).toBe(422);
    const w = await create({ code: 'WH-DUP', name: 'x' });
    expect((await call('POST', '/warehouses', { code: 'WH-DUP', name: 'y' })).statusCode).toBe(409);
    expect((await call('PUT', `/warehouses/${w.id}`, {})).statusCode).toBe(422);
  });

  it('maps external ids through linkExternalRef / findByExternalRef', async () => {
    const w = await create({ code: 'WH-EXT', name: 'ERP warehouse' });
    const other = await create({ code: 'WH-EXT2', name: 'ERP warehouse 2' });
    const scope = { tenantId: fx.tenantId, userId: fx.users.admin.id };
    const ref = { provider: 'erp', entityType: 'warehouse', externalId: '000123' };
    await t.app.platform.db.withTenant(scope, (tx) =>
      linkExternalRef(tx, fx.tenantId, { ...ref, entityId: w.id }),
    );
    expect(await t.app.platform.db.withTenant(scope, (tx) => findByExternalRef(tx, fx.tenantId, ref))).toBe(
      w.id,
    );
    expect((await call('GET', `/warehouses/${w.id}`)).json().external_refs).toEqual([
      { provider: 'erp', entity_type: 'warehouse', external_id: '000123' },
    ]);
    // Re-linking the same external id moves it (unique per tenant, provider, entity type).
    await t.app.platform.db.withTenant(scope, (tx) =>
      linkExternalRef(tx, fx.tenantId, { ...ref, entityId: other.id }),
    );
    expect(await t.app.platform.db.withTenant(scope, (tx) => findByExternalRef(tx, fx.tenantId, ref))).toBe(
      other.id,
    );
    expect((await call('GET', `/warehouses/${w.id}`)).json().external_refs).toEqual([]);
    expect(
      await t.app.platform.db.withTenant(scope, (tx) =>
        findByExternalRef(tx, fx.tenantId, { ...ref, externalId: 'nope' }),
      ),
    ).toBeUndefined();
  });

  describe('permissions by role', () => {
    const ALL: FixtureRole[] = [
      'admin',
      'national_manager',
      'regional_manager',
      'area_manager',
      'team_leader',
      'agent',
      'viewer',
    ];
    it.each(ALL)('%s reads; only admin writes', async (role) => {
      expect((await call('GET', '/warehouses', undefined, role)).statusCode).toBe(200);
      const target = await create({ code: `PT-${role}`, name: 'target' });
      expect((await call('GET', `/warehouses/${target.id}`, undefined, role)).statusCode).toBe(200);
      const expected = role === 'admin';
      expect((await call('POST', '/warehouses', { code: `P-${role}`, name: role }, role)).statusCode).toBe(
        expected ? 201 : 403,
      );
      expect((await call('PUT', `/warehouses/${target.id}`, { name: 'c' }, role)).statusCode).toBe(
        expected ? 200 : 403,
      );
      expect((await call('DELETE', `/warehouses/${target.id}`, undefined, role)).statusCode).toBe(
        expected ? 204 : 403,
      );
    });
  });
});
