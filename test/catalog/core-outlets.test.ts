import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { haversineMeters } from '../../src/lib/geo.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureRole, type IdentityFixture } from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface OutletJson {
  id: string;
  code: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
  geofence_radius_m: number;
  type: string;
  archived_at: string | null;
  distance_m?: number;
}
interface OutletList {
  outlets: OutletJson[];
  total: number;
}

/** Real places in Tashkent, distances from Amir Temur square (41.3111, 69.2797). */
const CENTER = { latitude: 41.3111, longitude: 69.2797 };
const PLACES = [
  { code: 'TAS-AMIR', name: 'Amir Temur Square', latitude: 41.3111, longitude: 69.2797 },
  { code: 'TAS-CHORSU', name: 'Chorsu Bazaar', latitude: 41.3265, longitude: 69.2357 },
  { code: 'TAS-MAGIC', name: 'Magic City', latitude: 41.3033, longitude: 69.2457 },
  { code: 'TAS-TOWER', name: 'TV Tower', latitude: 41.3453, longitude: 69.2849 },
  { code: 'TAS-AIRPORT', name: 'Airport kiosk', latitude: 41.2579, longitude: 69.2812 },
  { code: 'SAM-REG', name: 'Registan, Samarkand', latitude: 39.6548, longitude: 66.9757 },
];

describe('outlets', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const call = (method: Method, url: string, payload?: object, role: FixtureRole = 'admin') =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: fx.users[role].auth, payload });
  const create = async (body: object) => {
    const res = await call('POST', '/outlets', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<OutletJson>();
  };
  const list = async (qs: string) => {
    const res = await call('GET', `/outlets?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<OutletList>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    fx = await identityFixture(t, 'outl');
    for (const place of PLACES)
      await create({ ...place, type: place.code === 'TAS-AIRPORT' ? 'pop_up' : 'store' });
  });
  afterAll(() => t.close());

  it('creates with defaults, reads, updates and archives', async () => {
    const unit = await call('POST', '/org-units', { name: 'Tashkent region' });
    expect(unit.statusCode, unit.body).toBe(201);
    const customer = await call('POST', '/customers', { code: 'CHAIN-1', name: 'Makro' });
    const o = await create({
      code: 'O-1',
      name: 'Makro Yunusabad',
      address: 'Yunusabad 4',
      latitude: 41.3645,
      longitude: 69.2868,
      org_unit_id: unit.json().id,
      customer_id: customer.json().id,
    });
    expect(o).toMatchObject({ geofence_radius_m: 100, type: 'store', archived_at: null, latitude: 41.3645 });
    expect((await call('GET', `/outlets/${o.id}`)).json()).toMatchObject({ code: 'O-1', external_refs: [] });
    const put = await call('PUT', `/outlets/${o.id}`, { geofence_radius_m: 250, type: 'partner' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ geofence_radius_m: 250, type: 'partner', name: 'Makro Yunusabad' });
    const cleared = await call('PUT', `/outlets/${o.id}`, { latitude: null, longitude: null, address: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ latitude: null, longitude: null, address: null });
    const half = await call('PUT', `/outlets/${o.id}`, { latitude: 41.36 });
    expect(half.statusCode).toBe(422);
    expect((await list(`customer=${customer.json().id}`)).outlets.map((x) => x.code)).toEqual(['O-1']);
    expect((await list(`org_unit=${unit.json().id}&type=partner`)).outlets.map((x) => x.code)).toEqual([
      'O-1',
    ]);

    expect((await call('DELETE', `/outlets/${o.id}`)).statusCode).toBe(204);
    expect((await list('q=O-1')).total).toBe(0);
    expect((await list('q=O-1&archived=true')).outlets[0]!.archived_at).not.toBeNull();
  });

  it('validates coordinates, required fields, references and duplicate codes', async () => {
    const cases: [string, object][] = [
      ['/body/latitude', { code: 'V-1', name: 'x', latitude: 91, longitude: 0 }],
      ['/body/longitude', { code: 'V-2', name: 'x', latitude: 0, longitude: -180.5 }],
      ['/body/longitude', { code: 'V-3', name: 'x', latitude: 41 }],
      ['/body/name', { code: 'V-4' }],
      ['/body/geofence_radius_m', { code: 'V-5', name: 'x', geofence_radius_m: 0 }],
      ['/body/type', { code: 'V-6', name: 'x', type: 'Not A Type' }],
      ['/body/org_unit_id', { code: 'V-7', name: 'x', org_unit_id: '01900000-0000-7000-8000-000000000000' }],
      ['/body/customer_id', { code: 'V-8', name: 'x', customer_id: '01900000-0000-7000-8000-000000000000' }],
    ];
    for (const [path, body] of cases) {
      const res = await call('POST', '/outlets', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(res.json().errors), JSON.stringify(body)).toContain(path);
    }
    const dup = await call('POST', '/outlets', { code: 'TAS-AMIR', name: 'again' });
    expect(dup.statusCode).toBe(409);
    expect((await call('GET', '/outlets?near=95,69')).statusCode).toBe(422);
    expect((await call('GET', '/outlets?near=abc')).statusCode).toBe(422);
  });

  it('near search returns outlets within the radius, nearest first, with distance_m', async () => {
    const body = await list(`near=${CENTER.latitude},${CENTER.longitude}&radius_m=5000`);
    const expected = PLACES.map((p) => ({ code: p.code, d: haversineMeters(CENTER, p) }))
      .filter((p) => p.d <= 5000)
      .sort((a, b) => a.d - b.d);
    expect(body.outlets.map((o) => o.code)).toEqual(expected.map((p) => p.code));
    expect(body.outlets.map((o) => o.code)).toEqual(['TAS-AMIR', 'TAS-MAGIC', 'TAS-TOWER', 'TAS-CHORSU']);
    expect(body.total).toBe(4);
    body.outlets.forEach((o, i) => expect(o.distance_m).toBeCloseTo(expected[i]!.d, 0));
    expect(body.outlets[0]!.distance_m).toBe(0);

    const small = await list(`near=${CENTER.latitude},${CENTER.longitude}&radius_m=3000`);
    expect(small.outlets.map((o) => o.code)).toEqual(['TAS-AMIR', 'TAS-MAGIC']);
    const wide = await list(`near=${CENTER.latitude},${CENTER.longitude}&radius_m=200000&type=pop_up`);
    expect(wide.outlets.map((o) => o.code)).toEqual(['TAS-AIRPORT']);
    const samarkand = await list('near=39.6542,66.9597&radius_m=2000');
    expect(samarkand.outlets.map((o) => o.code)).toEqual(['SAM-REG']);
    const plain = await list('q=TAS&sort=code');
    expect(plain.outlets.every((o) => o.distance_m === undefined)).toBe(true);
  });

  describe('permissions by role', () => {
    const WRITERS: FixtureRole[] = ['admin', 'national_manager', 'regional_manager', 'area_manager'];
    const ALL: FixtureRole[] = [...WRITERS, 'team_leader', 'agent', 'viewer'];
    it.each(ALL)('%s', async (role) => {
      expect((await call('GET', '/outlets', undefined, role)).statusCode).toBe(200);
      expect((await call('GET', '/outlets?near=41.3,69.2', undefined, role)).statusCode).toBe(200);
      const res = await call('POST', '/outlets', { code: `P-${role}`, name: role }, role);
      expect(res.statusCode).toBe(WRITERS.includes(role) ? 201 : 403);
      const target = await create({ code: `PT-${role}`, name: 'target' });
      expect((await call('GET', `/outlets/${target.id}`, undefined, role)).statusCode).toBe(200);
      const put = await call('PUT', `/outlets/${target.id}`, { name: 'changed' }, role);
      expect(put.statusCode).toBe(WRITERS.includes(role) ? 200 : 403);
      const del = await call('DELETE', `/outlets/${target.id}`, undefined, role);
      expect(del.statusCode).toBe(WRITERS.includes(role) ? 204 : 403);
    });
  });
});
