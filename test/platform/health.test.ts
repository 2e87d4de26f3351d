import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { startTcpProxy } from '../harness/tcp-proxy.js';

describe('health and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('exposes Prometheus metrics by route template, with pool and process metrics', async () => {
    await t.app.inject({ url: '/health/live' });
    await t.app.inject({ url: '/api/v1/nowhere/123' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(
      /salesops_http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/health\/live",status_code="200"\}/,
    );
    expect(res.body).toMatch(
      /salesops_http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1/,
    );
    expect(res.body).toContain('salesops_http_requests_in_flight');
    expect(res.body).toMatch(/salesops_db_pool_connections\{state="total"\} \d+/);
    expect(res.body).toContain('salesops_job_queue_depth');
    expect(res.body).toContain('process_resident_memory_bytes');
  });
});

describe.skipIf(driverUnderTest !== 'postgres')('readiness when PostgreSQL goes away', () => {
  let database: TestDatabase;
  let t: TestApp | undefined;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const viaProxy = await openDatabase({
      driver: 'postgres',
      url: url.toString(),
      poolSize: 2,
      onError: () => {},
    });
    t = await createTestApp({ database: { db: viaProxy, close: () => viaProxy.close() } });
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.close();
    proxy.close();
    await database.close();
  });

  it('answers 503 with a problem document while the database is unreachable, and 200 once it is back', async () => {
    expect((await t!.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    await proxy.cut();
    const down = await t!.app.inject({ url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
    expect(down.headers['retry-after']).toBe('5');
    expect((await t!.app.inject({ url: '/health/live' })).statusCode).toBe(200);
    await proxy.restore();
    const up = await t!.app.inject({ url: '/health/ready' });
    expect(up.statusCode).toBe(200);
  });
});
