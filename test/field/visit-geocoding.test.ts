import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';
import { startFakeNominatim, waitUntil, type FakeNominatim } from '../harness/fake-nominatim.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import { client, expectStatus, extraUser, FIELD_MODULES, uniq, type Headers } from './helpers.js';

interface VisitJson {
  id: string;
  check_in_address: Record<string, string | null> | null;
  check_in_geocode_status: string | null;
  completion_address: Record<string, string | null> | null;
  completion_geocode_status: string | null;
  geocode_error: string | null;
}

const AMIR = { latitude: 41.3111, longitude: 69.2797 };
/** A fix 2 m from the square, within its geofence and its address. */
const AT_SQUARE = { latitude: 41.31112, longitude: 69.27972, accuracy_m: 6 };
const AT_REGISTAN = { latitude: 39.6548, longitude: 66.9757, accuracy_m: 6 };
const IN_THE_STEPPE = { latitude: 44.5, longitude: 64.1, accuracy_m: 12 };
const today = () => new Date().toISOString().slice(0, 10);

const FAST_GEOCODER = {
  geocoderUserAgent: 'SalesOps test (ops@example.test)',
  geocoderRateLimit: 50,
  geocoderTimeoutMs: 500,
  geocoderRetryLimit: 2,
  geocoderRetryDelaySeconds: 1,
  workers: true,
};

describe('visit geocoding', () => {
  let t: TestApp;
  let nominatim: FakeNominatim;
  let api: ReturnType<typeof client>;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let outlet: string;

  const newVisit = async (who: FixtureUser = agent) =>
    (await api.ok('POST', '/visits', who.auth, { outlet_id: outlet, planned_date: today() }, 201)).id;
  const read = (id: string, who: Headers = admin) => api.ok<VisitJson>('GET', `/visits/${id}`, who);
  const settled = (id: string, field: 'check_in_geocode_status' | 'completion_geocode_status') =>
    waitUntil(async () => {
      const v = await read(id);
      return v[field] === 'pending' ? undefined : v;
    }, `visit ${id} ${field}`);

  beforeAll(async () => {
    nominatim = await startFakeNominatim();
    t = await createTestApp({
      config: { ...FAST_GEOCODER, geocoderUrl: nominatim.url },
      deps: { modules: FIELD_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    api = client(t);
    fx = await identityFixture(t, 'vgeo');
    other = await identityFixture(t, 'vgeo-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    peer = await extraUser(t, fx, 'agent');
    // The outlet's position comes from its address, through the geocoder.
    outlet = (
      await api.ok(
        'POST',
        '/outlets',
        admin,
        { code: uniq('O'), name: 'Square', address: 'Amir Temur Square, Tashkent' },
        201,
      )
    ).id;
    await waitUntil(async () => {
      const o = await api.ok<{ geocode_status: string }>('GET', `/outlets/${outlet}`, admin);
      return o.geocode_status === 'ok' ? o : undefined;
    }, 'the outlet geocoded');
  });
  afterAll(async () => {
    await t.close();
    await nominatim.close();
  });

  it('stores the address at the check-in and at the completion with the visit', async () => {
    const id = await newVisit();
    const checkedIn = await api.ok<VisitJson & { check_in_within_geofence: boolean }>(
      'PUT',
      `/visits/${id}/check-in`,
      agent.auth,
      AT_SQUARE,
    );
    // The geofence uses the geocoded outlet position; the address follows from the job.
    expect(checkedIn).toMatchObject({
      check_in_within_geofence: true,
      check_in_geocode_status: 'pending',
      check_in_address: null,
    });
    const afterCheckIn = await settled(id, 'check_in_geocode_status');
    expect(afterCheckIn).toMatchObject({
      check_in_geocode_status: 'ok',
      check_in_address: {
        street: 'Amir Temur Avenue',
        house_number: '1',
        city: 'Tashkent',
        region: 'Tashkent',
        postcode: '100000',
        country: 'Uzbekistan',
        country_code: 'UZ',
        display_name: expect.stringContaining('Amir Temur Square'),
      },
      completion_geocode_status: null,
    });
    const completed = await api.ok<VisitJson>('PUT', `/visits/${id}/complete`, agent.auth, AT_REGISTAN);
    expect(completed.completion_geocode_status).toBe('pending');
    const done = await settled(id, 'completion_geocode_status');
    expect(done).toMatchObject({
      completion_geocode_status: 'ok',
      completion_address: { street: 'Registan Street', city: 'Samarkand', region: 'Samarqand Region' },
      check_in_address: { city: 'Tashkent' },
    });
    // The agent who owns it reads the addresses; a peer agent (own scope) and another tenant get 404.
    expect((await read(id, agent.auth)).completion_address).not.toBeNull();
    expectStatus(await api.call('GET', `/visits/${id}`, peer.auth), 404);
    expectStatus(await api.call('GET', `/visits/${id}`, other.users.admin.auth), 404);
  });

  it('answers a fix at an address already looked up from the cache', async () => {
    const before = nominatim.requests.length;
    const id = await newVisit();
    await api.ok('PUT', `/visits/${id}/check-in`, agent.auth, { ...AT_SQUARE, accuracy_m: 9 });
    expect(await settled(id, 'check_in_geocode_status')).toMatchObject({
      check_in_address: { street: 'Amir Temur Avenue' },
    });
    expect(nominatim.requests.length).toBe(before);
  });

  it('marks a fix where the geocoder knows no address not_found', async () => {
    const id = await newVisit();
    await api.ok('PUT', `/visits/${id}/check-in`, agent.auth, IN_THE_STEPPE);
    expect(await settled(id, 'check_in_geocode_status')).toMatchObject({
      check_in_geocode_status: 'not_found',
      check_in_address: null,
      geocode_error: null,
    });
  });

  it('retries a throttled lookup and ends with the address', async () => {
    nominatim.fail({ status: 429, retryAfter: '1' }, { status: 500 });
    const id = await newVisit();
    await api.ok('PUT', `/visits/${id}/check-in`, agent.auth, {
      latitude: 41.3265,
      longitude: 69.2357,
      accuracy_m: 5,
    });
    expect(await settled(id, 'check_in_geocode_status')).toMatchObject({
      check_in_geocode_status: 'ok',
      check_in_address: { street: 'Navoi Street' },
      geocode_error: null,
    });
  });

  it('marks the fix failed with the reason when the geocoder is unreachable through every retry', async () => {
    await nominatim.down();
    try {
      const id = await newVisit();
      await api.ok('PUT', `/visits/${id}/check-in`, agent.auth, {
        latitude: 41.35,
        longitude: 69.3,
        accuracy_m: 5,
      });
      const failed = await settled(id, 'check_in_geocode_status');
      expect(failed).toMatchObject({ check_in_geocode_status: 'failed', check_in_address: null });
      expect(failed.geocode_error).toMatch(/unreachable/);
    } finally {
      await nominatim.up();
    }
  });

  it('places the outlet on the coverage heat-map at its geocoded position', async () => {
    const coverage = await api.ok<{
      heatmap: { outlet_id: string; lat: number; lng: number; weight: number }[];
    }>('GET', '/analytics/call-cycle-coverage', admin);
    expect(coverage.heatmap).toContainEqual({
      outlet_id: outlet,
      lat: AMIR.latitude,
      lng: AMIR.longitude,
      weight: 1,
    });
  });

  it('enqueues nothing for refused check-ins: 403, 422, 409', async () => {
    const id = await newVisit();
    expectStatus(await api.call('PUT', `/visits/${id}/check-in`, fx.users.viewer.auth, AT_SQUARE), 403);
    expectStatus(
      await api.call('PUT', `/visits/${id}/check-in`, agent.auth, { ...AT_SQUARE, latitude: 91 }),
      422,
    );
    expectStatus(await api.call('PUT', `/visits/${id}/check-in`, other.users.admin.auth, AT_SQUARE), 404);
    expect(await read(id)).toMatchObject({ check_in_geocode_status: null });
    await api.ok('PUT', `/visits/${id}/check-in`, agent.auth, AT_SQUARE);
    expectStatus(
      await api.call('PUT', `/visits/${id}/check-in`, agent.auth, IN_THE_STEPPE),
      409,
      'VISIT_ALREADY_CHECKED_IN',
    );
    // The first fix's address, never the refused one's.
    expect(await settled(id, 'check_in_geocode_status')).toMatchObject({
      check_in_address: { city: 'Tashkent' },
    });
  });
});

describe('geocoding off (no GEOCODER_URL), then configured', () => {
  let database: TestDatabase;
  let t: TestApp;
  let nominatim: FakeNominatim | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database, config: { workers: true }, deps: { modules: FIELD_MODULES } });
  });
  afterAll(async () => {
    await t.close();
    await nominatim?.close();
    await database.close();
  });

  it('marks outlets and visit fixes that would need a lookup off, and queues those outlets once configured', async () => {
    let api = client(t);
    const fx = await identityFixture(t, 'vgeo-off');
    const admin = fx.users.admin.auth;
    const create = (body: object) =>
      api.ok<{ id: string; geocode_status: string | null }>(
        'POST',
        '/outlets',
        admin,
        { code: uniq('O'), name: 'Off', ...body },
        201,
      );
    const waiting = await create({ address: 'Chorsu Bazaar, Tashkent' });
    expect(waiting.geocode_status).toBe('off');
    const placed = await create({ address: 'Registan Square, Samarkand' });
    expect(placed.geocode_status).toBe('off');
    expect(
      await api.ok('PUT', `/outlets/${placed.id}`, admin, { latitude: 41.3, longitude: 69.2 }),
    ).toMatchObject({
      geocode_status: null,
    });
    const visit = await api.ok(
      'POST',
      '/visits',
      fx.users.agent.auth,
      { outlet_id: placed.id, planned_date: today() },
      201,
    );
    const checkedIn = await api.ok('PUT', `/visits/${visit.id}/check-in`, fx.users.agent.auth, AT_SQUARE);
    expect(checkedIn).toMatchObject({ check_in_geocode_status: 'off', check_in_address: null });

    // The same database, restarted with a geocoder: the waiting outlet is queued and found.
    await t.close();
    nominatim = await startFakeNominatim();
    t = await createTestApp({
      database,
      config: { ...FAST_GEOCODER, geocoderUrl: nominatim.url },
      deps: { modules: FIELD_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    api = client(t);
    const found = await waitUntil(async () => {
      const o = await api.ok<{ geocode_status: string; latitude: number | null }>(
        'GET',
        `/outlets/${waiting.id}`,
        admin,
      );
      return o.geocode_status === 'ok' ? o : undefined;
    }, 'the waiting outlet geocoded');
    expect(found.latitude).toBe(41.3265);
    // Past visit fixes are not back-filled.
    expect(await api.ok('GET', `/visits/${visit.id}`, admin)).toMatchObject({
      check_in_geocode_status: 'off',
    });
  });
});
