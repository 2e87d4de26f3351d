import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGeocoder,
  GeocoderRejectedError,
  GeocoderUnavailableError,
  type GeocoderSettings,
} from '../../src/platform/geocoding/index.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { startFakeNominatim, type FakeNominatim } from '../harness/fake-nominatim.js';

const AMIR = { latitude: 41.3111, longitude: 69.2797 };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe(`geocoder over Nominatim (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let nominatim: FakeNominatim;
  const settings = (overrides: Partial<GeocoderSettings> = {}): GeocoderSettings => ({
    geocoderUrl: nominatim.url,
    geocoderUserAgent: 'SalesOps test (ops@example.test)',
    geocoderRateLimit: 50,
    geocoderTimeoutMs: 500,
    ...overrides,
  });
  const requestsSince = (n: number) => nominatim.requests.slice(n);

  beforeAll(async () => {
    database = await createTestDatabase();
    nominatim = await startFakeNominatim();
  });
  afterAll(async () => {
    await nominatim.close();
    await database.close();
  });

  it('is off without a URL', async () => {
    const geocoder = createGeocoder(settings({ geocoderUrl: undefined }), database.db);
    expect(geocoder.enabled).toBe(false);
    await expect(geocoder.reverse(AMIR)).rejects.toThrow(/off/);
  });

  it('reverse-geocodes with jsonv2 and address details, then answers the same rounded position from the cache', async () => {
    const geocoder = createGeocoder(settings(), database.db);
    const before = nominatim.requests.length;
    const first = await geocoder.reverse(AMIR);
    expect(first).toEqual({
      found: true,
      place: {
        latitude: 41.3111,
        longitude: 69.2797,
        displayName: expect.stringContaining('Amir Temur Square'),
        street: 'Amir Temur Avenue',
        houseNumber: '1',
        city: 'Tashkent',
        region: 'Tashkent',
        postcode: '100000',
        country: 'Uzbekistan',
        countryCode: 'UZ',
      },
    });
    const [seen] = requestsSince(before);
    expect(seen!.path).toBe('/reverse');
    expect(Object.fromEntries(seen!.params)).toMatchObject({
      lat: '41.3111',
      lon: '69.2797',
      format: 'jsonv2',
      addressdetails: '1',
    });
    expect(seen!.userAgent).toBe('SalesOps test (ops@example.test)');
    // Within the 5th decimal (≈ 1 m) it is the same place: no second request.
    const again = await geocoder.reverse({ latitude: 41.311100004, longitude: 69.279699996 });
    expect(again).toEqual(first);
    expect(requestsSince(before)).toHaveLength(1);
    // Another process (another geocoder over the same database) shares the cache.
    await createGeocoder(settings(), database.db).reverse(AMIR);
    expect(requestsSince(before)).toHaveLength(1);
  });

  it('forward-geocodes an address, normalising case and spaces for the cache; empty results are not found', async () => {
    const geocoder = createGeocoder(settings(), database.db);
    const before = nominatim.requests.length;
    const found = await geocoder.search('Chorsu Bazaar, Tashkent');
    expect(found).toMatchObject({
      found: true,
      place: { latitude: 41.3265, longitude: 69.2357, city: 'Tashkent' },
    });
    expect(Object.fromEntries(requestsSince(before)[0]!.params)).toMatchObject({
      q: 'Chorsu Bazaar, Tashkent',
      format: 'jsonv2',
      limit: '1',
      addressdetails: '1',
    });
    expect(await geocoder.search('  chorsu   BAZAAR ,tashkent ')).toEqual(found);
    expect(requestsSince(before)).toHaveLength(1);
    expect(await geocoder.search('Nowhere Street 99, Atlantis')).toEqual({ found: false });
    expect(await geocoder.search('nowhere street 99, atlantis')).toEqual({ found: false });
    expect(requestsSince(before)).toHaveLength(2);
    // Town instead of city, pedestrian way instead of road.
    expect(await geocoder.search('Registan Square, Samarkand')).toMatchObject({
      found: true,
      place: { city: 'Samarkand', street: 'Registan Street', region: 'Samarqand Region' },
    });
  });

  it('reads "Unable to geocode" as nothing there', async () => {
    const geocoder = createGeocoder(settings(), database.db);
    expect(await geocoder.reverse({ latitude: 0.5, longitude: -30.25 })).toEqual({ found: false });
  });

  it('reports throttling, server errors and timeouts as unavailable, and caches none of them', async () => {
    const geocoder = createGeocoder(settings(), database.db);
    const point = { latitude: 41.32651, longitude: 69.23571 };
    nominatim.fail({ status: 429 }, { status: 500 }, { status: 503 }, { hang: true });
    for (const expected of [/429/, /500/, /503/, /no answer within 500 ms/]) {
      const error = await geocoder.reverse(point).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GeocoderUnavailableError);
      expect((error as Error).message).toMatch(expected);
    }
    expect(await geocoder.reverse(point)).toMatchObject({ found: true, place: { street: 'Navoi Street' } });
  });

  it("holds every caller back for a 429's Retry-After", async () => {
    const geocoder = createGeocoder(settings(), database.db);
    nominatim.fail({ status: 429, retryAfter: '1' });
    const error = await geocoder.reverse({ latitude: 39.6548, longitude: 66.9757 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GeocoderUnavailableError', retryAfterSeconds: 1 });
    const throttled = nominatim.requests.at(-1)!.at;
    // A second process asking now waits for the pause to end.
    await createGeocoder(settings(), database.db).reverse({ latitude: 39.65481, longitude: 66.97571 });
    expect(nominatim.requests.at(-1)!.at - throttled).toBeGreaterThanOrEqual(950);
  });

  it('gives a caller its worker back instead of waiting out a long pause', async () => {
    const geocoder = createGeocoder(settings(), database.db);
    nominatim.fail({ status: 429, retryAfter: '120' });
    await expect(geocoder.reverse({ latitude: 10.5, longitude: 10.5 })).rejects.toBeInstanceOf(
      GeocoderUnavailableError,
    );
    const before = nominatim.requests.length;
    const error = await geocoder.reverse({ latitude: 10.6, longitude: 10.6 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'GeocoderUnavailableError',
      message: expect.stringMatching(/paused/),
    });
    expect((error as GeocoderUnavailableError).retryAfterSeconds).toBeGreaterThan(100);
    expect(nominatim.requests.length).toBe(before);
    await database.db.query(`update geocoder_throttle set next_slot_at = now()`);
  });

  it('spaces requests by the rate limit across processes sharing the database', async () => {
    const a = createGeocoder(settings({ geocoderRateLimit: 5 }), database.db);
    const b = createGeocoder(settings({ geocoderRateLimit: 5 }), database.db);
    const before = nominatim.requests.length;
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        (i % 2 ? a : b).reverse({ latitude: 20 + i / 10, longitude: 30 + i / 10 }),
      ),
    );
    const times = requestsSince(before)
      .map((r) => r.at)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(6);
    // The n-th request goes no earlier than n slots (200 ms each) after the first's slot; the first
    // may itself leave up to a little late (unthrottled, all six would arrive within a few ms).
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[0]!).toBeGreaterThanOrEqual(i * 200 - 100);
  });

  it('treats an unreachable geocoder as unavailable and a refused request as final', async () => {
    const unreachable = createGeocoder(
      settings({ geocoderUrl: `http://127.0.0.1:${await closedPort()}` }),
      database.db,
    );
    const error = await unreachable.search('amir temur square, tashkent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeocoderUnavailableError);
    expect((error as Error).message).toMatch(/unreachable/);
    const noAgent = createGeocoder(settings({ geocoderUserAgent: '' }), database.db);
    await expect(noAgent.search('somewhere new')).rejects.toBeInstanceOf(GeocoderRejectedError);
  });
});
