import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { startFakeNominatim, waitUntil, type FakeNominatim } from '../harness/fake-nominatim.js';
import { identityFixture, type FixtureRole, type IdentityFixture } from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface OutletJson {
  id: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  geocode_status: string | null;
  geocoded_at: string | null;
  geocode_error: string | null;
  distance_m?: number;
}

/** Settings that make retries quick: two retries, 1 s backoff base, 500 ms request timeout. */
const FAST_GEOCODER = {
  geocoderUserAgent: 'SalesOps test (ops@example.test)',
  geocoderRateLimit: 50,
  geocoderTimeoutMs: 500,
  geocoderRetryLimit: 2,
  geocoderRetryDelaySeconds: 1,
  workers: true,
};

describe('outlet geocoding', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let nominatim: FakeNominatim;
  const call = (method: Method, url: string, payload?: object, role: FixtureRole = 'admin', who = fx) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: who.users[role].auth, payload });
  const create = async (body: object) => {
    const res = await call('POST', '/outlets', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<OutletJson>();
  };
  const read = async (id: string) => (await call('GET', `/outlets/${id}`)).json<OutletJson>();
  /** The outlet once its lookup has settled (no longer pending). */
  const settled = (id: string) =>
    waitUntil(async () => {
      const o = await read(id);
      return o.geocode_status === 'pending' ? undefined : o;
    }, `outlet ${id} geocoded`);
  const searchesFor = (q: string) => nominatim.requests.filter((r) => r.params.get('q') === q).length;

  beforeAll(async () => {
    nominatim = await startFakeNominatim();
    t = await createTestApp({
      config: { ...FAST_GEOCODER, geocoderUrl: nominatim.url },
      deps: { modules: [identityModule, catalogModule], jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    fx = await identityFixture(t, 'geo');
    other = await identityFixture(t, 'geo-other');
  });
  afterAll(async () => {
    await t.close();
    await nominatim.close();
  });

  it('finds the position of an outlet created with an address only, for the near search', async () => {
    const created = await create({
      code: 'G-CHORSU',
      name: 'Chorsu kiosk',
      address: 'Chorsu Bazaar, Tashkent',
    });
    expect(created).toMatchObject({
      latitude: null,
      longitude: null,
      geocode_status: 'pending',
      geocoded_at: null,
    });
    const done = await settled(created.id);
    expect(done).toMatchObject({
      geocode_status: 'ok',
      latitude: 41.3265,
      longitude: 69.2357,
      address: 'Chorsu Bazaar, Tashkent',
      geocode_error: null,
    });
    expect(Date.parse(done.geocoded_at!)).toBeGreaterThan(0);
    const near = await call('GET', '/outlets?near=41.3266,69.2358&radius_m=100');
    expect(near.json<{ outlets: OutletJson[] }>().outlets.map((o) => o.id)).toContain(created.id);
    // Another tenant sees nothing of it.
    expect((await call('GET', `/outlets/${created.id}`, undefined, 'admin', other)).statusCode).toBe(404);
    // The change is audited as the geocoder's, with the position it set.
    const audit = await call('GET', `/audit?action=outlet.geocode&entity_id=${created.id}`);
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json<{ audit: unknown[] }>().audit).toEqual([
      expect.objectContaining({
        action: 'outlet.geocode',
        actor_user_id: null,
        changes: {
          before: { latitude: null, longitude: null },
          after: { latitude: 41.3265, longitude: 69.2357 },
        },
      }),
    ]);
  });

  it('finds the address of an outlet created with a position only', async () => {
    const created = await create({
      code: 'G-AMIR',
      name: 'Square kiosk',
      latitude: 41.3111,
      longitude: 69.2797,
    });
    expect(created.geocode_status).toBe('pending');
    expect(await settled(created.id)).toMatchObject({
      geocode_status: 'ok',
      address: 'Amir Temur Avenue 1, Tashkent, Uzbekistan',
      latitude: 41.3111,
    });
  });

  it('looks nothing up for an outlet with both or neither, or a write that leaves them alone', async () => {
    const before = nominatim.requests.length;
    const both = await create({
      code: 'G-BOTH',
      name: 'Both',
      address: 'Somewhere 1',
      latitude: 40,
      longitude: 70,
    });
    const neither = await create({ code: 'G-NONE', name: 'Neither' });
    expect(both.geocode_status).toBeNull();
    expect(neither.geocode_status).toBeNull();
    const renamed = await call('PUT', `/outlets/${both.id}`, {
      name: 'Both, renamed',
      geofence_radius_m: 50,
    });
    expect(renamed.json()).toMatchObject({ geocode_status: null });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(nominatim.requests.length).toBe(before);
  });

  it('looks the position up again when the address of an outlet without one changes', async () => {
    const created = await create({ code: 'G-MOVE', name: 'Mover', address: 'Nowhere Street 99, Atlantis' });
    expect(await settled(created.id)).toMatchObject({ geocode_status: 'not_found', latitude: null });
    const moved = await call('PUT', `/outlets/${created.id}`, { address: 'Registan Square, Samarkand' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ geocode_status: 'pending' });
    expect(await settled(created.id)).toMatchObject({
      geocode_status: 'ok',
      latitude: 39.6548,
      longitude: 66.9757,
    });
    // Setting a position by hand ends the need: nothing pending, nothing overwritten.
    const manual = await call('PUT', `/outlets/${created.id}`, {
      address: null,
      latitude: 39.6,
      longitude: 66.9,
    });
    expect(manual.json()).toMatchObject({ geocode_status: 'pending', address: null });
    expect(await settled(created.id)).toMatchObject({
      geocode_status: 'not_found',
      latitude: 39.6,
      address: null,
    });
  });

  it('retries through throttling and server errors, keeping the error visible meanwhile', async () => {
    nominatim.fail({ status: 429, retryAfter: '1' }, { status: 503 });
    const created = await create({ code: 'G-BUSY', name: 'Busy', address: 'Amir Temur Square, Tashkent' });
    const pendingWithError = await waitUntil(async () => {
      const o = await read(created.id);
      return o.geocode_error ? o : undefined;
    }, 'the error on the outlet');
    expect(pendingWithError).toMatchObject({
      geocode_status: 'pending',
      geocode_error: expect.stringMatching(/429|503/),
    });
    expect(await settled(created.id)).toMatchObject({
      geocode_status: 'ok',
      latitude: 41.3111,
      geocode_error: null,
    });
    expect(searchesFor('Amir Temur Square, Tashkent')).toBe(3);
  });

  it('marks the outlet failed, with the reason, when the geocoder stays unreachable through every retry', async () => {
    await nominatim.down();
    try {
      const created = await create({ code: 'G-DOWN', name: 'Down', address: 'Some Street 5, Tashkent' });
      const failed = await settled(created.id);
      expect(failed).toMatchObject({ geocode_status: 'failed', latitude: null });
      expect(failed.geocode_error).toMatch(/unreachable/);
    } finally {
      await nominatim.up();
    }
  });

  it('marks the outlet failed when the geocoder does not answer in time', async () => {
    nominatim.fail({ hang: true }, { hang: true }, { hang: true });
    const created = await create({ code: 'G-SLOW', name: 'Slow', address: 'Slow Road 1, Tashkent' });
    const failed = await settled(created.id);
    expect(failed).toMatchObject({
      geocode_status: 'failed',
      geocode_error: expect.stringMatching(/500 ms/),
    });
  });

  it('keeps the write rules: 403 without outlets:write, 422 for a half position, 404 across tenants', async () => {
    const refused = await call(
      'POST',
      '/outlets',
      { code: 'G-AG', name: 'x', address: 'Chorsu Bazaar, Tashkent' },
      'agent',
    );
    expect(refused.statusCode).toBe(403);
    const half = await call('POST', '/outlets', { code: 'G-HALF', name: 'x', latitude: 41.3 });
    expect(half.statusCode).toBe(422);
    const theirs = await call(
      'POST',
      '/outlets',
      { code: 'G-T', name: 'Theirs', address: 'Chorsu Bazaar, Tashkent' },
      'admin',
      other,
    );
    expect(theirs.statusCode).toBe(201);
    const id = theirs.json<OutletJson>().id;
    expect((await call('PUT', `/outlets/${id}`, { address: 'Registan Square, Samarkand' })).statusCode).toBe(
      404,
    );
    // The viewer reads the status, the other tenant's outlet still geocodes in its own tenant.
    const viewed = await call('GET', `/outlets/${id}`, undefined, 'viewer', other);
    expect(viewed.statusCode).toBe(200);
    expect(viewed.json()).toHaveProperty('geocode_status');
  });
});
