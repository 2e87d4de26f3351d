import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/index.js';
import { encodeEvent } from '../../src/platform/realtime/envelope.js';
import {
  createRealtime,
  formatSseMessage,
  InvalidRealtimeEventError,
  MAX_NOTIFY_PAYLOAD_BYTES,
  REALTIME_CHANNEL,
  RealtimeEventTooLargeError,
  type Realtime,
  type RealtimeLogger,
  type RealtimeRouteOptions,
  type RealtimeTopic,
  type SubscriberAccess,
  UndeclaredRealtimeTopicError,
} from '../../src/platform/realtime/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { connect, eventually, isData, type SseClient } from '../harness/sse.js';

const tenantA = '01900000-0000-7000-8000-00000000a000';
const tenantB = '01900000-0000-7000-8000-00000000b000';
const userA1 = '01900000-0000-7000-8000-00000000a001';
const userA2 = '01900000-0000-7000-8000-00000000a002';
const userB1 = '01900000-0000-7000-8000-00000000b001';

const warnings: unknown[] = [];
const log = {
  debug: () => undefined,
  warn: (obj: unknown) => void warnings.push(obj),
  error: (obj: unknown) => void warnings.push(obj),
} as unknown as RealtimeLogger;

/** The topics these tests publish on, open to any signed-in user of the tenant. */
const topics: RealtimeTopic[] = ['notifications', 'alerts', 'reports', 'orders', 'big'].map((topic) => ({
  topic,
  permission: 'authenticated',
  description: `test topic ${topic}`,
}));
const topicsModule: SalesOpsModule = { name: 'probe', realtimeTopics: topics };
/** An in-process subscriber that may receive everything. */
const everything: SubscriberAccess = { hasPermission: () => true, owners: 'all' };

interface Instance {
  t: TestApp;
  realtime: Realtime;
  baseUrl: string;
  close(): Promise<void>;
}

/** One API instance: its own app, realtime and listening socket, on `database`. */
async function startInstance(database: TestDatabase, routes: RealtimeRouteOptions = {}): Promise<Instance> {
  const t = await createTestApp({ database, deps: { realtimeRoutes: routes, modules: [topicsModule] } });
  const realtime = t.app.platform.realtime;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { t, realtime, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

/** Postgres: a second pool of its own (a second process, as far as the server can tell). PGlite is in-process. */
async function secondDatabase(database: TestDatabase): Promise<TestDatabase> {
  if (driverUnderTest === 'pglite') return { ...database, close: async () => undefined };
  const db = await openDatabase({ driver: 'postgres', url: database.url!, poolSize: 3 });
  return { db, url: database.url, close: () => db.close() };
}

describe(`realtime across two API instances (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let other: TestDatabase;
  let a: Instance;
  let b: Instance;
  const token = (tid: string | null, sub: string, roles: string[] = []) => a.t.token({ tid, sub, roles });

  beforeAll(async () => {
    database = await createTestDatabase();
    other = await secondDatabase(database);
    a = await startInstance(database);
    b = await startInstance(other);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await other?.close();
    await database?.close();
  });

  it('delivers an event published on instance A to an SSE client of instance B', async () => {
    const client = await connect(b.baseUrl, await token(tenantA, userA1));
    try {
      expect(client.response.statusCode).toBe(200);
      expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(client.response.headers['cache-control']).toMatch(/^no-cache/);
      expect(client.response.headers['x-accel-buffering']).toBe('no');
      expect(client.response.headers['content-encoding']).toBeUndefined();
      expect(client.response.headers['x-request-id']).toEqual(expect.any(String));
      expect(client.response.headers['x-content-type-options']).toBe('nosniff'); // reply headers carried over
      await client.waitFor((f) => f.comments.includes('connected'), 'the greeting');
      expect(client.frames[0]!.retry).toBe('3000');

      const published = await a.realtime.publish({
        tenantId: tenantA,
        topic: 'notifications',
        data: { title: 'Visit approved', count: 2, at: new Date('2025-01-02T03:04:05Z') },
      });
      const frame = await client.waitFor((f) => f.event === 'notifications', 'the event');
      expect(frame.id).toBe(published.id);
      expect(JSON.parse(frame.data!)).toEqual({
        title: 'Visit approved',
        count: 2,
        at: '2025-01-02T03:04:05.000Z',
      });
      expect(published.data).toEqual(JSON.parse(frame.data!)); // local and remote see the same JSON
    } finally {
      client.close();
    }
  });

  it('keeps tenants apart, targets users and filters topics', async () => {
    const a1 = await connect(b.baseUrl, await token(tenantA, userA1));
    const a2 = await connect(a.baseUrl, await token(tenantA, userA2), '?topics=notifications,reports');
    const b1 = await connect(b.baseUrl, await token(tenantB, userB1));
    try {
      await a.realtime.publish({ tenantId: tenantA, topic: 'alerts', data: { n: 1 } });
      await a.realtime.publish({ tenantId: tenantA, topic: 'notifications', userId: userA1, data: { n: 2 } });
      await b.realtime.publish({ tenantId: tenantA, topic: 'notifications', data: { n: 3 } });
      // Tenant A, addressed to a user id of tenant B: nobody in tenant A is that user, nobody in B gets A's.
      await a.realtime.publish({ tenantId: tenantA, topic: 'notifications', userId: userB1, data: { n: 4 } });
      await b.realtime.publish({ tenantId: tenantB, topic: 'alerts', data: { n: 5 } });
      // Upper-case UUIDs name the same tenant and user.
      await a.realtime.publish({
        tenantId: tenantA.toUpperCase(),
        topic: 'reports',
        userId: userA2.toUpperCase(),
        data: { n: 6 },
      });
      await a.realtime.publish({ tenantId: tenantA, topic: 'notifications', data: { n: 'end' } });
      await a.realtime.publish({ tenantId: tenantB, topic: 'notifications', data: { n: 'end' } });

      for (const client of [a1, a2, b1]) await client.waitFor(isData({ n: 'end' }), 'the end marker');
      const seen = (client: SseClient) =>
        client.events().map((e) => `${e.event}:${(e.data as { n: unknown }).n}`);
      expect(seen(a1)).toEqual(['alerts:1', 'notifications:2', 'notifications:3', 'notifications:end']);
      expect(seen(a2)).toEqual(['notifications:3', 'reports:6', 'notifications:end']);
      expect(seen(b1)).toEqual(['alerts:5', 'notifications:end']);
    } finally {
      for (const client of [a1, a2, b1]) client.close();
    }
  });

  it('publishes many events in one statement, in order, and refuses the lot for one bad event', async () => {
    const client = await connect(b.baseUrl, await token(tenantA, userA1), '?topics=orders');
    try {
      const events = Array.from({ length: 50 }, (_, n) => ({
        tenantId: tenantA,
        topic: 'orders',
        data: { n },
      }));
      const published = await a.realtime.publishMany(events);
      expect(published.map((e) => e.data)).toEqual(events.map((e) => e.data));
      await expect(
        a.realtime.publishMany([
          { tenantId: tenantA, topic: 'orders', data: { n: 'never' } },
          { tenantId: tenantA, topic: 'undeclared', data: {} },
        ]),
      ).rejects.toThrow(/not declared/);
      expect(await a.realtime.publishMany([])).toEqual([]);
      await a.realtime.publish({ tenantId: tenantA, topic: 'orders', data: { n: 'end' } });
      await client.waitFor(isData({ n: 'end' }), 'the end marker');
      const seen = client.events().map((e) => (e.data as { n: unknown }).n);
      expect(seen).toEqual([...events.map((e) => e.data.n), 'end']);
    } finally {
      client.close();
    }
  });

  it('delivers an event published in a transaction only when it commits', async () => {
    const client = await connect(b.baseUrl, await token(tenantA, userA1), '?topics=orders');
    try {
      const ctx = { tenantId: tenantA, userId: userA1 };
      await expect(
        database.db.withTenant(ctx, async (tx) => {
          await a.realtime.publish(
            { tenantId: tenantA, topic: 'orders', data: { n: 'rolled back' } },
            { tx },
          );
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');

      await database.db.withTenant(ctx, async (tx) => {
        await a.realtime.publish({ tenantId: tenantA, topic: 'orders', data: { n: 'committed' } }, { tx });
        await new Promise((r) => setTimeout(r, 150));
        expect(client.events()).toEqual([]); // not before the commit
      });
      await client.waitFor(isData({ n: 'committed' }), 'the committed event');
      await a.realtime.publish({ tenantId: tenantA, topic: 'orders', data: { n: 'end' } });
      await client.waitFor(isData({ n: 'end' }), 'the end marker');
      expect(client.events().map((e) => e.data)).toEqual([{ n: 'committed' }, { n: 'end' }]);
    } finally {
      client.close();
    }
  });

  it('answers 401, 403 and 422 with problem documents before streaming', async () => {
    const anonymous = await b.t.app.inject({ url: '/api/v1/events' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const root = await token(null, userA1, ['super_admin']);
    const noTenant = await b.t.app.inject({
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${root}` },
    });
    expect(noTenant.json()).toMatchObject({ status: 403, code: 'TENANT_REQUIRED' });

    const user = await token(tenantA, userA1);
    for (const topics of ['', 'Alerts', 'a,,b', 'alerts;drop']) {
      const bad = await b.t.app.inject({
        url: `/api/v1/events?topics=${encodeURIComponent(topics)}`,
        headers: { authorization: `Bearer ${user}` },
      });
      expect(bad.statusCode, topics).toBe(422);
      expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const unknown = await b.t.app.inject({
      url: '/api/v1/events?topics=alerts,undeclared',
      headers: { authorization: `Bearer ${user}` },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'UNKNOWN_TOPIC',
      errors: [{ path: '/query/topics', message: 'unknown topic undeclared' }],
    });
  });

  it('lets a super_admin follow the tenant chosen with X-Tenant-ID', async () => {
    const root = await token(null, userA2, ['super_admin']);
    const client = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(
          `${a.baseUrl}/api/v1/events?topics=alerts`,
          { headers: { authorization: `Bearer ${root}`, 'x-tenant-id': tenantB } },
          resolve,
        )
        .on('error', reject);
    });
    try {
      let received = '';
      client.setEncoding('utf8');
      client.on('data', (chunk: string) => (received += chunk));
      await b.realtime.publish({ tenantId: tenantA, topic: 'alerts', data: { n: 'tenant A' } });
      await b.realtime.publish({ tenantId: tenantB, topic: 'alerts', data: { n: 'tenant B' } });
      await eventually(() => received.includes('tenant B'), 'the tenant B event');
      expect(received).not.toContain('tenant A');
    } finally {
      client.destroy();
    }
  });

  it('drops the subscription when the client disconnects', async () => {
    const before = b.realtime.stats().subscribers;
    const client = await connect(b.baseUrl, await token(tenantA, userA1));
    expect(b.realtime.stats().subscribers).toBe(before + 1);
    client.close();
    await eventually(() => b.realtime.stats().subscribers === before, 'the subscription to end');
  });

  it('rejects events over the NOTIFY limit and delivers one right at it', async () => {
    const client = await connect(b.baseUrl, await token(tenantA, userA1), '?topics=big');
    try {
      const event = { tenantId: tenantA, topic: 'big' } as const;
      const overhead = Buffer.byteLength(encodeEvent({ ...event, data: '' }).payload);
      const largest = 'x'.repeat(MAX_NOTIFY_PAYLOAD_BYTES - overhead);
      expect(Buffer.byteLength(encodeEvent({ ...event, data: largest }).payload)).toBe(
        MAX_NOTIFY_PAYLOAD_BYTES,
      );

      await expect(a.realtime.publish({ ...event, data: `${largest}x` })).rejects.toBeInstanceOf(
        RealtimeEventTooLargeError,
      );
      // The limit counts bytes, not characters.
      await expect(a.realtime.publish({ ...event, data: 'é'.repeat(4_500) })).rejects.toThrow(
        /encodes to \d+ bytes; the limit is 7999/,
      );
      await a.realtime.publish({ ...event, data: largest });
      const frame = await client.waitFor((f) => f.event === 'big', 'the largest event');
      expect(JSON.parse(frame.data!)).toBe(largest);
      expect(client.events()).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('validates events and filters', async () => {
    const bad = [
      { tenantId: 'tenant-a', topic: 'alerts', data: null },
      { tenantId: tenantA, topic: 'Alerts', data: null },
      { tenantId: tenantA, topic: 'alerts\nevent: x', data: null },
      { tenantId: tenantA, topic: 'alerts', userId: 'bob', data: null },
      { tenantId: tenantA, topic: 'alerts', data: { big: 1n } },
    ];
    for (const event of bad) {
      await expect(a.realtime.publish(event)).rejects.toBeInstanceOf(InvalidRealtimeEventError);
    }
    // A topic is closed until declared: publishing to one nobody declared throws, before sending.
    const undeclared = a.realtime.publish({ tenantId: tenantA, topic: 'undeclared', data: null });
    await expect(undeclared).rejects.toBeInstanceOf(UndeclaredRealtimeTopicError);
    await expect(undeclared).rejects.toThrow(/"undeclared" is not declared/);
    expect(() =>
      a.realtime.subscribe({ tenantId: '', userId: null, access: everything }, () => undefined),
    ).toThrow(InvalidRealtimeEventError);
    expect(() =>
      a.realtime.subscribe(
        { tenantId: tenantA, userId: null, topics: ['no spaces'], access: everything },
        () => undefined,
      ),
    ).toThrow(InvalidRealtimeEventError);
  });

  it('ignores malformed and forged notifications on the channel', async () => {
    const client = await connect(b.baseUrl, await token(tenantA, userA1), '?topics=alerts');
    // A listener with a recording logger, to see that every bad notification is reported.
    const observer = createRealtime(database.db, log, { topics });
    await observer.start();
    try {
      warnings.length = 0;
      const notify = (payload: string) =>
        database.db.query('select pg_notify($1, $2)', [REALTIME_CHANNEL, payload]);
      await notify('not json');
      await notify(
        JSON.stringify({ v: 1, id: 'x', at: 'x', tenant_id: 'not-a-uuid', topic: 'alerts', data: 1 }),
      );
      await notify(JSON.stringify({ v: 2, id: 'x', at: 'x', tenant_id: tenantA, topic: 'alerts', data: 2 }));
      await a.realtime.publish({ tenantId: tenantA, topic: 'alerts', data: { n: 'end' } });
      await client.waitFor(isData({ n: 'end' }), 'the valid event');
      expect(client.events().map((e) => e.data)).toEqual([{ n: 'end' }]);
      // The observer listens on a connection of its own, which may get the notifications later
      // than instance b did.
      for (let i = 0; i < 100 && warnings.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(warnings.length).toBeGreaterThanOrEqual(3);
    } finally {
      await observer.stop();
      client.close();
    }
  });

  it('documents the route in a valid OpenAPI 3.1 document', async () => {
    const doc = a.t.app.swagger() as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operation = doc.paths['/api/v1/events']!.get!;
    expect(operation).toMatchObject({
      summary: expect.stringContaining('Server-Sent Events'),
      tags: ['realtime'],
      security: [{ bearerAuth: [] }, { oauth2: [] }],
      responses: { '200': { content: { 'text/event-stream': expect.anything() } } },
    });
    expect(JSON.stringify(operation.parameters)).toContain('"topics"');
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe(`realtime lifecycle (${driverUnderTest})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it('sends heartbeats and ends open streams promptly when the app closes', async () => {
    const instance = await startInstance(database, { heartbeatMs: 50, retryMs: 1_000 });
    const client = await connect(instance.baseUrl, await instance.t.token({ tid: tenantA, sub: userA1 }));
    try {
      await client.waitFor((f) => f.comments.includes('heartbeat'), 'a heartbeat', 2_000);
      expect(client.frames[0]!.retry).toBe('1000');
      const started = Date.now();
      await instance.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      await client.ended;
      expect(client.response.complete).toBe(true); // ended cleanly, not cut off
      expect(instance.realtime.stats()).toEqual({ state: 'stopped', subscribers: 0 });
    } finally {
      client.close();
    }
  });

  it('stop() ends every subscription and later ones at once; start() after stop() fails', async () => {
    const realtime = createRealtime(database.db, log, { topics });
    const received: unknown[] = [];
    let ended = 0;
    realtime.subscribe(
      { tenantId: tenantA, userId: null, access: everything },
      (e) => received.push(e.data),
      {
        onEnd: () => ended++,
      },
    );
    await realtime.start();
    await realtime.start(); // idempotent
    expect(realtime.stats()).toEqual({ state: 'running', subscribers: 1 });
    await realtime.publish({ tenantId: tenantA, topic: 'alerts', data: 1 });
    await eventually(() => received.length === 1, 'the event');

    await realtime.stop();
    expect(ended).toBe(1);
    expect(realtime.stats()).toEqual({ state: 'stopped', subscribers: 0 });
    await realtime.publish({ tenantId: tenantA, topic: 'alerts', data: 2 }); // still sends; nobody here listens
    realtime.subscribe({ tenantId: tenantA, userId: null, access: everything }, () => undefined, {
      onEnd: () => ended++,
    });
    await eventually(() => ended === 2, 'the late subscription to end');
    await expect(realtime.start()).rejects.toThrow(/stopped/);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual([1]);
  });

  it('isolates a failing subscriber from the others', async () => {
    const realtime = createRealtime(database.db, log, { topics });
    await realtime.start();
    try {
      const received: unknown[] = [];
      realtime.subscribe({ tenantId: tenantA, userId: null, access: everything }, () => {
        throw new Error('subscriber bug');
      });
      realtime.subscribe({ tenantId: tenantA, userId: null, access: everything }, (e) =>
        received.push(e.data),
      );
      await realtime.publish({ tenantId: tenantA, topic: 'alerts', data: 'ok' });
      await eventually(() => received.length === 1, 'the event');
    } finally {
      await realtime.stop();
    }
  });
});

describe('SSE frames', () => {
  it('puts each line of data on its own data: line and keeps fields on one line', () => {
    expect(formatSseMessage({ id: '1', event: 'alerts', data: '{"a":1}' })).toBe(
      'id: 1\nevent: alerts\ndata: {"a":1}\n\n',
    );
    expect(formatSseMessage({ event: 'x\ny', data: 'one\ntwo\r\nthree' })).toBe(
      'event: x y\ndata: one\ndata: two\ndata: three\n\n',
    );
  });
});
