import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/modules/commerce/integrations/provider.js';
import {
  moyskladProvider,
  startFakeMoysklad,
  type FakeMoysklad,
} from '../../src/modules/commerce/moysklad/index.js';
import { connectionTo, readAll } from './moysklad-helpers.js';

let fake: FakeMoysklad | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const small = { products: 30, documents: 40, counterparties: 10, folders: 4, services: 3, stores: 2 };

describe('rate limit', () => {
  it('a storm of parallel reads finishes without exceeding the limit in any window', async () => {
    fake = await startFakeMoysklad({
      seed: 'storm',
      sizes: small,
      rateLimit: { limit: 10, intervalMs: 600 },
      latencyMs: 15,
    });
    const conn = connectionTo(fake);
    const calls = [
      ...Array.from({ length: 24 }, () => moyskladProvider.readPage(conn, 'products', { offset: 0 })),
      ...Array.from({ length: 4 }, () => moyskladProvider.readPage(conn, 'stock', { offset: 0 })),
    ];
    const pages = await Promise.all(calls);
    expect(pages.every((p) => p.records.length > 0)).toBe(true);
    const stats = fake.control.stats();
    // 24 units + 4 stock reports × 5 units (plus variant lookups), at most 10 units per 600 ms.
    expect(stats.accepted).toBeGreaterThanOrEqual(28);
    expect(stats.maxUnitsPerWindow).toBeLessThanOrEqual(10);
    expect(stats.rejectedParallel).toBe(0);
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
    // Paced from the headers, the client rarely meets a 429 at all.
    expect(stats.rejectedRate).toBeLessThanOrEqual(3);
  });

  it('shares one limiter between connections of the same account and recovers from 429s another client caused', async () => {
    fake = await startFakeMoysklad({
      seed: 'shared',
      sizes: small,
      rateLimit: { limit: 8, intervalMs: 500 },
    });
    const auth =
      'Basic ' + Buffer.from(`${fake.credentials.login}:${fake.credentials.password}`).toString('base64');
    // Another client of the same user spends the whole window.
    await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${fake!.baseUrl}/context/employee`, {
          headers: { Authorization: auth, 'Accept-Encoding': 'gzip' },
        }),
      ),
    );
    const pages = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        moyskladProvider.readPage(connectionTo(fake!, { marker: n }), 'stores', { offset: 0 }),
      ),
    );
    expect(pages.every((p) => p.records.length === 2)).toBe(true);
    expect(fake.control.stats().maxUnitsPerWindow).toBeLessThanOrEqual(8);
  });

  it('steps back on the parallel limit (429 without Retry-After) and finishes', async () => {
    fake = await startFakeMoysklad({
      seed: 'parallel',
      sizes: small,
      rateLimit: { maxParallel: 2, limit: 1000 },
      latencyMs: 40,
    });
    const conn = connectionTo(fake, { maxParallel: 5 });
    const pages = await Promise.all(
      Array.from({ length: 10 }, () => moyskladProvider.readPage(conn, 'counterparties', { offset: 0 })),
    );
    expect(pages.every((p) => p.records.length === 10)).toBe(true);
    const stats = fake.control.stats();
    expect(stats.rejectedParallel).toBeGreaterThan(0);
    expect(pages.reduce((sum, p) => sum + p.requests, 0)).toBe(stats.requests);
  });
});

describe('retries', () => {
  it('retries 5xx with backoff and counts every attempt', async () => {
    fake = await startFakeMoysklad({ seed: 'retry', sizes: small });
    fake.control.injectFailure({ status: 503, count: 2, path: '/entity/product' });
    const started = Date.now();
    const page = await moyskladProvider.readPage(connectionTo(fake, { retryBaseMs: 50 }), 'products', {
      offset: 0,
    });
    expect(page.records.length).toBeGreaterThan(0);
    expect(page.requests).toBe(3);
    // Backoff 50·2^(n−1) ± 50%: at least 25 + 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(fake.control.requests().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after the bounded retries with server_error', async () => {
    fake = await startFakeMoysklad({ seed: 'retry', sizes: small });
    fake.control.injectFailure({ status: 500, count: 10 });
    const error = await moyskladProvider
      .readPage(connectionTo(fake, { maxRetries: 2, retryBaseMs: 5 }), 'stores', { offset: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'server_error', status: 500 });
    expect(fake.control.requests()).toHaveLength(3);
  });

  it('never retries another 4xx', async () => {
    fake = await startFakeMoysklad({ seed: 'retry', sizes: small });
    const conn = connectionTo(fake, {}, { type: 'basic', login: 'admin@fake', password: 'wrong' });
    await expect(moyskladProvider.readPage(conn, 'stores', { offset: 0 })).rejects.toMatchObject({
      code: 'credentials_rejected',
      status: 401,
    });
    expect(fake.control.requests()).toHaveLength(1);
  });

  it('aborts a slow request through the connection signal', async () => {
    fake = await startFakeMoysklad({ seed: 'slow', sizes: small });
    fake.control.injectFailure({ status: 200, count: 1, delayMs: 3000 });
    const controller = new AbortController();
    const conn = { ...connectionTo(fake), signal: controller.signal };
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    await expect(moyskladProvider.readPage(conn, 'stores', { offset: 0 })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads the whole account under a tight limit', async () => {
    fake = await startFakeMoysklad({ seed: 'tight', sizes: small, rateLimit: { limit: 6, intervalMs: 300 } });
    const conn = connectionTo(fake);
    const [orders, stock] = await Promise.all([readAll(conn, 'customer_orders'), readAll(conn, 'stock')]);
    expect(orders.records).toHaveLength(fake.control.count('customerorder'));
    expect(stock.records.length).toBeGreaterThan(0);
    expect(fake.control.stats().maxUnitsPerWindow).toBeLessThanOrEqual(6);
  });
});
