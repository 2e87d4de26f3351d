import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { haversineMeters } from '../../src/lib/geo.js';

/** A place the fake knows, in the shape of Nominatim's jsonv2 answers. */
export interface FakePlace {
  query: string;
  lat: number;
  lon: number;
  name: string;
  address: Record<string, string>;
}

/** One scripted misbehaviour for the next request: throttled, a server error, or no answer at all. */
export type Fault = { status: 429; retryAfter?: string } | { status: 500 | 502 | 503 } | { hang: true };

export interface SeenRequest {
  path: string;
  params: URLSearchParams;
  userAgent: string | undefined;
  at: number;
}

/** Known places in Tashkent and Samarkand with OSM-style address objects. */
export const PLACES: FakePlace[] = [
  {
    query: 'amir temur square, tashkent',
    lat: 41.3111,
    lon: 69.2797,
    name: 'Amir Temur Square',
    address: {
      road: 'Amir Temur Avenue',
      house_number: '1',
      suburb: 'Yunusobod',
      city: 'Tashkent',
      state: 'Tashkent',
      postcode: '100000',
      country: 'Uzbekistan',
      country_code: 'uz',
    },
  },
  {
    query: 'chorsu bazaar, tashkent',
    lat: 41.3265,
    lon: 69.2357,
    name: 'Chorsu Bazaar',
    address: {
      road: 'Navoi Street',
      city: 'Tashkent',
      state: 'Tashkent',
      country: 'Uzbekistan',
      country_code: 'uz',
    },
  },
  {
    query: 'registan square, samarkand',
    lat: 39.6548,
    lon: 66.9757,
    name: 'Registan',
    address: {
      pedestrian: 'Registan Street',
      town: 'Samarkand',
      state: 'Samarqand Region',
      country: 'Uzbekistan',
      country_code: 'uz',
    },
  },
];

const LICENCE = 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright';

function jsonv2(place: FakePlace, index: number) {
  const a = place.address;
  const display = [
    a.house_number,
    a.road ?? a.pedestrian,
    a.suburb,
    a.city ?? a.town,
    a.state,
    a.postcode,
    a.country,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    place_id: 1000 + index,
    licence: LICENCE,
    osm_type: 'way',
    osm_id: 5000 + index,
    lat: place.lat.toFixed(7),
    lon: place.lon.toFixed(7),
    category: 'place',
    type: 'square',
    place_rank: 25,
    importance: 0.4,
    addresstype: 'square',
    name: place.name,
    display_name: `${place.name}, ${display}`,
    address: { ...a, 'ISO3166-2-lvl4': 'UZ-TK' },
    boundingbox: [place.lat - 0.001, place.lat + 0.001, place.lon - 0.001, place.lon + 0.001].map((n) =>
      n.toFixed(7),
    ),
  };
}

/**
 * A Nominatim stand-in on loopback that speaks its HTTP API: `/search?q=…&format=jsonv2` answers a
 * list (empty when nothing matches), `/reverse?lat=…&lon=…&format=jsonv2` one object or
 * `{"error":"Unable to geocode"}` (the nearest known place within 250 m). A request without a
 * User-Agent is refused with 403 (as the public instance does), a missing format or bad coordinates
 * with 400 and Nominatim's error JSON. Faults scripted with `fail` answer the next requests.
 */
export async function startFakeNominatim(places: FakePlace[] = PLACES) {
  const requests: SeenRequest[] = [];
  const faults: Fault[] = [];
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const badRequest = (res: ServerResponse, message: string) =>
    send(res, 400, { error: { code: 400, message } });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const userAgent = req.headers['user-agent'];
    requests.push({ path: url.pathname, params: url.searchParams, userAgent, at: Date.now() });
    if (!userAgent) {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<html><body>Access blocked: missing User-Agent</body></html>');
      return;
    }
    const fault = faults.shift();
    if (fault) {
      if ('hang' in fault) {
        hanging.add(res);
        return;
      }
      if (fault.status === 429) {
        res.writeHead(429, {
          'content-type': 'text/html',
          ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
        });
        res.end('<html><body>Too Many Requests</body></html>');
        return;
      }
      res.writeHead(fault.status, { 'content-type': 'text/html' });
      res.end('<html><body>Internal Server Error</body></html>');
      return;
    }
    if (url.searchParams.get('format') !== 'jsonv2')
      return badRequest(res, 'Parameter format must be jsonv2 here.');
    if (url.pathname === '/search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase().trim();
      if (!q) return badRequest(res, "Nominatim API: Parameter 'q' is required.");
      const index = places.findIndex((p) => p.query === q);
      return send(res, 200, index < 0 ? [] : [jsonv2(places[index]!, index)]);
    }
    if (url.pathname === '/reverse') {
      const lat = Number(url.searchParams.get('lat'));
      const lon = Number(url.searchParams.get('lon'));
      if (!url.searchParams.get('lat') || !Number.isFinite(lat) || !Number.isFinite(lon))
        return badRequest(res, 'Floating-point number expected for parameter lat');
      let best: { index: number; d: number } | undefined;
      places.forEach((p, index) => {
        const d = haversineMeters({ latitude: lat, longitude: lon }, { latitude: p.lat, longitude: p.lon });
        if (d <= 250 && (!best || d < best.d)) best = { index, d };
      });
      return send(res, 200, best ? jsonv2(places[best.index]!, best.index) : { error: 'Unable to geocode' });
    }
    send(res, 404, { error: { code: 404, message: 'Not found' } });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The next requests (one fault each, in order) misbehave. */
    fail(...next: Fault[]) {
      faults.push(...next);
    },
    clearFaults() {
      faults.length = 0;
    },
    /** Stops listening: connections are refused (an unreachable geocoder) until `up`. */
    async down() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeNominatim = Awaited<ReturnType<typeof startFakeNominatim>>;

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
