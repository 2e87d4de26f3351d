import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const redisAnswers = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = net.connect(Number(port || 6379), hostname);
  socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});

/** With REDIS_URL, instances share one budget per client; without Redis this file is skipped. */
describe.skipIf(!redisAnswers)('rate limiting shared through Redis', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('counts requests from one client across two API instances', async () => {
    const namespaceIp = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const config = { redisUrl: REDIS_URL, rateLimitMax: 4, rateLimitWindowMs: 60_000, trustProxy: true };
    const a = await createTestApp({ config });
    apps.push(a);
    const b = await createTestApp({ config, database: a.database });
    apps.push(b);
    const hit = (t: TestApp) =>
      t.app.inject({ url: '/openapi.json', headers: { 'x-forwarded-for': namespaceIp } });
    const statuses = [];
    for (const t of [a, b, a, b, a, b]) statuses.push((await hit(t)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
