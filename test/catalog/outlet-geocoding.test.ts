import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { startFakeNominatim, waitUntil, type FakeNominatim } from '../harness/fake-nominatim.js';
import { identityFixture, type FixtureRole, type IdentityFixture } from '../identity/fixtures.js';
import { runImport } from './imports.helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface OutletJson {
  id: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  geocode_status: string | null;
  geocoded_at: string | null;
  geocode_error: string | null;
  geocoded_field: string | null;
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

  it('looks a geocoded half up again when the other half is edited, and never replaces one written by hand', async () => {
    // The position came from the address: a new address moves it.
    const found = await create({ code: 'G-RELOC', name: 'Relocated', address: 'Chorsu Bazaar, Tashkent' });
    expect(await settled(found.id)).toMatchObject({ latitude: 41.3265, geocoded_field: 'position' });
    const moved = await call('PUT', `/outlets/${found.id}`, { address: 'Registan Square, Samarkand' });
    expect(moved.json()).toMatchObject({ geocode_status: 'pending', latitude: 41.3265 });
    expect(await settled(found.id)).toMatchObject({
      geocode_status: 'ok',
      latitude: 39.6548,
      longitude: 66.9757,
      geocoded_field: 'position',
    });
    // An address nobody knows leaves no position that belonged to the old one.
    await call('PUT', `/outlets/${found.id}`, { address: 'Nowhere Street 99, Atlantis' });
    expect(await settled(found.id)).toMatchObject({
      geocode_status: 'not_found',
      latitude: null,
      longitude: null,
      geocoded_field: null,
    });

    // The address came from the position: moving the position looks the address up again.
    const placed = await create({ code: 'G-REPLACE', name: 'Placed', latitude: 41.3111, longitude: 69.2797 });
    expect(await settled(placed.id)).toMatchObject({ geocoded_field: 'address' });
    await call('PUT', `/outlets/${placed.id}`, { latitude: 41.3265, longitude: 69.2357 });
    expect(await settled(placed.id)).toMatchObject({
      geocode_status: 'ok',
      address: expect.stringContaining('Navoi Street'),
      geocoded_field: 'address',
    });

    // Both halves by hand: editing one never touches the other.
    const surveyed = await create({
      code: 'G-SURVEYED',
      name: 'Surveyed',
      address: 'Chorsu Bazaar, Tashkent',
      latitude: 41.33,
      longitude: 69.24,
    });
    const lookups = nominatim.requests.length;
    const corrected = await call('PUT', `/outlets/${surveyed.id}`, { address: 'Registan Square, Samarkand' });
    expect(corrected.json()).toMatchObject({ geocode_status: null, latitude: 41.33, geocoded_field: null });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(nominatim.requests.length).toBe(lookups);
  });

  it('geocodes outlets an import creates or changes, and nothing for a dry run', async () => {
    const csv = [
      'code,name,address,latitude,longitude',
      'G-IMP-1,Imported bazaar,"Chorsu Bazaar, Tashkent",,',
      'G-IMP-2,Imported square,,41.3111,69.2797',
      'G-IMP-3,Imported both,"Somewhere 1, Tashkent",41.2,69.2',
    ].join('\n');
    const dry = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: `${csv}\nG-IMP-DRY,Dry,"Dry Run Lane 7, Tashkent",,` },
      { entity: 'outlets', dry_run: 'true' },
    );
    expect(dry.run).toMatchObject({ status: 'completed', dry_run: true });
    const { run } = await runImport(t, fx.users.admin, fx.tenantId, { bytes: csv }, { entity: 'outlets' });
    expect(run).toMatchObject({ status: 'completed', progress: { rows_created: 3 } });
    const byCode = async (code: string) =>
      (await call('GET', `/outlets?q=${code}`)).json<{ outlets: (OutletJson & { code: string })[] }>()
        .outlets[0]!;
    const [one, two, three] = await Promise.all(['G-IMP-1', 'G-IMP-2', 'G-IMP-3'].map(byCode));
    expect(three).toMatchObject({ geocode_status: null, latitude: 41.2 });
    expect(await settled(one!.id)).toMatchObject({ geocode_status: 'ok', latitude: 41.3265 });
    expect(await settled(two!.id)).toMatchObject({
      geocode_status: 'ok',
      address: 'Amir Temur Avenue 1, Tashkent, Uzbekistan',
    });
    // One lookup: the dry run queued nothing.
    expect(searchesFor('Dry Run Lane 7, Tashkent')).toBe(0);

    // Re-importing with a new address re-geocodes the position it had looked up.
    const update = ['code,name,address', 'G-IMP-1,Imported bazaar,"Registan Square, Samarkand"'].join('\n');
    const again = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: update },
      {
        entity: 'outlets',
        mode: 'upsert-by-code',
      },
    );
    expect(again.run).toMatchObject({ status: 'completed' });
    expect(await settled(one!.id)).toMatchObject({ latitude: 39.6548, geocoded_field: 'position' });
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
