import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMoysklad, type FakeMoysklad } from '../../src/modules/commerce/moysklad/index.js';

let fake: FakeMoysklad;
let auth: string;

beforeAll(async () => {
  fake = await startFakeMoysklad({
    seed: 'fake',
    sizes: { products: 250, documents: 300, counterparties: 20, folders: 10, services: 5, stores: 2 },
    rateLimit: { limit: 10_000 },
  });
  auth = 'Basic ' + Buffer.from('admin@fake:secret').toString('base64');
});
afterAll(() => fake.close());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request through node:http, so that no header is added behind the test's back. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: unknown): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${fake.baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function api<T = Record<string, unknown>>(
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: T; headers: Raw['headers'] }> {
  const headers: Record<string, string> = { Authorization: auth, 'Accept-Encoding': 'gzip' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await raw(path, headers, method, body);
  const text = res.body.length > 0 ? gunzipSync(res.body).toString('utf8') : '';
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('transport', () => {
  it('answers 415 with an empty body without Accept-Encoding: gzip', async () => {
    const variants: Record<string, string>[] = [
      { Authorization: auth },
      { Authorization: auth, 'Accept-Encoding': 'identity' },
    ];
    for (const headers of variants) {
      const res = await raw('/entity/product', headers);
      expect(res.status).toBe(415);
      expect(res.body.length).toBe(0);
      expect(res.headers['x-ratelimit-limit']).toBe('10000');
    }
  });

  it('answers gzip with the rate headers', async () => {
    const res = await raw('/entity/store', { Authorization: auth, 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-lognex-retry-timeinterval',
      'x-lognex-reset',
    ]) {
      expect(res.headers[h]).toMatch(/^\d+$/);
    }
    expect(JSON.parse(gunzipSync(res.body).toString()).rows).toHaveLength(2);
  });

  it.each([
    [
      'admin@fake:wrong',
      'Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации',
    ],
    ['admin:secret', 'Ошибка аутентификации: Неверный формат имени пользователя: admin'],
  ])('rejects %s with 401 and error 1056', async (credentials, message) => {
    const res = await raw('/entity/product', {
      Authorization: 'Basic ' + Buffer.from(credentials).toString('base64'),
      'Accept-Encoding': 'gzip',
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(gunzipSync(res.body).toString())).toEqual({
      errors: [
        { error: message, code: 1056, moreInfo: 'https://dev.moysklad.ru/doc/api/remap/1.2/#error_1056' },
      ],
    });
  });

  it('issues tokens; a new token revokes the previous one', async () => {
    const first = (await api<{ access_token: string }>('/security/token', 'POST')).body.access_token;
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    const bearer = (token: string) =>
      raw('/context/employee', { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' });
    expect((await bearer(first)).status).toBe(200);
    const second = (await api<{ access_token: string }>('/security/token', 'POST')).body.access_token;
    expect((await bearer(second)).status).toBe(200);
    expect((await bearer(first)).status).toBe(401);
  });

  it('answers an unknown path with 1002 and a missing object with 1021', async () => {
    expect((await api('/foo')).body).toMatchObject({ errors: [{ code: 1002 }] });
    const missing = await api('/entity/product/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ errors: [{ code: 1021 }] });
    const del = await api('/entity/product/00000000-0000-0000-0000-000000000000', 'DELETE');
    expect(del).toMatchObject({ status: 404, body: undefined });
  });
});

describe('lists', () => {
  type List = {
    meta: {
      size: number;
      limit: number;
      offset: number;
      nextHref?: string;
      previousHref?: string;
      href: string;
    };
    rows: Record<string, unknown>[];
    context: unknown;
  };

  it('pages with size, limit, offset and next/previous links that keep the other params', async () => {
    const total = fake.control.count('product', { archived: 'exclude' });
    const first = (await api<List>('/entity/product?limit=100&order=id')).body;
    expect(first.meta).toMatchObject({
      size: total,
      limit: 100,
      offset: 0,
      href: `${fake.baseUrl}/entity/product`,
    });
    expect(first.meta.previousHref).toBeUndefined();
    expect(first.meta.nextHref).toBe(`${fake.baseUrl}/entity/product?limit=100&order=id&offset=100`);
    expect(first.context).toMatchObject({ employee: { meta: { type: 'employee' } } });
    const last = (await api<List>('/entity/product?limit=100&offset=200&order=id')).body;
    expect(last.meta.nextHref).toBeUndefined();
    expect(last.meta.previousHref).toContain('offset=100');
    expect(
      first.rows.length +
        (await api<List>('/entity/product?limit=100&offset=100&order=id')).body.rows.length +
        last.rows.length,
    ).toBe(total);
    expect((await api('/entity/product?limit=1001')).status).toBe(400);
  });

  it('hides archived rows unless asked, and filters by id regardless', async () => {
    const archived = fake.control.ids('product', { archived: 'only' });
    expect(archived.length).toBeGreaterThan(0);
    const all = (await api<List>('/entity/product?filter=archived=true;archived=false')).body;
    expect(all.meta.size).toBe(fake.control.count('product'));
    const only = (await api<List>('/entity/product?filter=archived=true')).body;
    expect(only.rows.map((r) => r.id).sort()).toEqual([...archived].sort());
    const byId = (
      await api<List>(`/entity/product?filter=id=${archived[0]};id=${fake.control.ids('product')[0]}`)
    ).body;
    expect(byId.meta.size).toBe(2);
  });

  it('filters on updated in Moscow time with every operator', async () => {
    const rows = (
      await api<List>('/entity/counterparty?order=updated,asc;id,asc&filter=archived=true;archived=false')
    ).body.rows;
    const pivot = rows[5]!.updated as string;
    const count = async (op: string) =>
      (
        await api<List>(
          `/entity/counterparty?filter=archived=true;archived=false;updated${op}${encodeURIComponent(pivot)}`,
        )
      ).body.meta.size;
    expect(await count('>=')).toBe(rows.length - 5);
    expect(await count('>')).toBe(rows.length - 6);
    expect(await count('<')).toBe(5);
    expect(await count('<=')).toBe(6);
    expect((await api('/entity/counterparty?filter=updated>=13.04.2024')).body).toMatchObject({
      errors: [{ code: 1035 }],
    });
    expect(
      (
        await api(
          `/entity/counterparty?filter=updated=${encodeURIComponent(pivot)};updated>${encodeURIComponent(pivot)}`,
        )
      ).body,
    ).toMatchObject({
      errors: [{ code: 1030 }],
    });
  });

  it('serves rows in the wire format: kopecks, Moscow time, refs with its own base URL, no empty fields', async () => {
    const row = (await api<List>('/entity/product?limit=1')).body.rows[0]!;
    expect(row.updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect((row.meta as { href: string }).href).toBe(`${fake.baseUrl}/entity/product/${row.id}`);
    expect(Number.isInteger((row.salePrices as { value: number }[])[0]!.value)).toBe(true);
    expect(Object.values(row)).not.toContain(null);
    expect(Object.values(row)).not.toContain('');
  });

  it('documents: trash only with isDeleted, positions by endpoint, expand only up to limit 100', async () => {
    const trashed = fake.control.ids('demand', { trashed: 'only' });
    const id = fake.control.ids('demand', { trashed: 'exclude' })[0]!;
    fake.control.trash('demand', id);
    const inTrash = (await api<List>('/entity/demand?filter=isDeleted=true')).body;
    expect(inTrash.rows.map((r) => r.id).sort()).toEqual([...trashed, id].sort());
    expect(inTrash.rows.every((r) => typeof r.deleted === 'string')).toBe(true);
    const live = (await api<List>('/entity/demand')).body;
    expect(live.meta.size).toBe(fake.control.count('demand', { trashed: 'exclude' }));

    const expanded = (await api<List>('/entity/demand?limit=100&expand=positions.assortment,state')).body
      .rows[0]!;
    const positions = expanded.positions as {
      meta: { size: number };
      rows: { assortment: { name?: string } }[];
    };
    expect(positions.rows).toHaveLength(positions.meta.size);
    expect(positions.rows[0]!.assortment.name).toMatch(/./);
    expect((expanded.state as { name: string }).name).toMatch(/./);
    const ignored = (await api<List>('/entity/demand?limit=101&expand=positions,state')).body.rows[0]!;
    expect((ignored.positions as { rows?: unknown }).rows).toBeUndefined();
    expect((ignored.state as { name?: string }).name).toBeUndefined();

    const endpoint = (await api<List>(`/entity/demand/${expanded.id}/positions`)).body;
    expect(endpoint.meta).toMatchObject({
      size: positions.meta.size,
      href: `${fake.baseUrl}/entity/demand/${expanded.id}/positions`,
    });
    expect(endpoint.rows.map((r) => r.id)).toEqual(
      positions.rows.map((r) => (r as unknown as { id: string }).id),
    );
  });

  it('reports stock per store (every store in each row) at 5 units, and as a short current report', async () => {
    const before = Number((await api('/context/employee')).headers['x-ratelimit-remaining']);
    const report = await api<{
      meta: { type: string; size: number };
      rows: { meta: { href: string }; stockByStore: unknown[] }[];
    }>('/report/stock/bystore?filter=stockMode=all');
    expect(Number(report.headers['x-ratelimit-remaining'])).toBe(before - 5);
    expect(report.body.meta).toMatchObject({
      type: 'stockbystore',
      size: fake.control.count('product') + fake.control.count('variant'),
    });
    expect(report.body.rows.every((r) => r.stockByStore.length === 2)).toBe(true);
    expect(report.body.rows[0]!.meta.href).toMatch(/\?expand=supplier$/);

    const [product] = fake.control.ids('product');
    const [store] = fake.control.ids('store');
    fake.control.setStock(product!, store!, { stock: 7, reserve: 2 });
    const current = (
      await api<{ assortmentId: string; storeId: string; stock: number }[]>('/report/stock/bystore/current')
    ).body;
    expect(current).toContainEqual({ assortmentId: product, storeId: store, stock: 7 });
    const all = (
      await api<{ rows: { meta: { href: string }; stock: number; reserve: number; quantity: number }[] }>(
        `/report/stock/all?filter=store=${encodeURIComponent(`${fake.baseUrl}/entity/store/${store}`)};product=${encodeURIComponent(`${fake.baseUrl}/entity/product/${product}`)}`,
      )
    ).body;
    expect(all.rows).toHaveLength(1);
    expect(all.rows[0]).toMatchObject({ stock: 7, reserve: 2, quantity: 5 });
  });
});

describe('limits', () => {
  it('answers 429 with error 1049 and Retry-After once the window is spent', async () => {
    const limited = await startFakeMoysklad({
      seed: 'limit',
      sizes: { products: 5, documents: 5 },
      rateLimit: { limit: 3, intervalMs: 1000 },
    });
    try {
      const get = () =>
        fetch(`${limited.baseUrl}/entity/store`, {
          headers: { Authorization: auth, 'Accept-Encoding': 'gzip' },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await get());
      expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(statuses.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
      const rejected = statuses[3]!;
      expect(Number(rejected.headers.get('x-lognex-retry-after'))).toBeGreaterThan(0);
      expect(await rejected.json()).toMatchObject({ errors: [{ code: 1049 }] });
      expect(limited.control.stats()).toMatchObject({ accepted: 3, rejectedRate: 1, maxUnitsPerWindow: 3 });
    } finally {
      await limited.close();
    }
  });

  it('answers 429 with error 1073, X-Lognex-Auth and no Retry-After beyond the parallel limit', async () => {
    const parallel = await startFakeMoysklad({
      seed: 'parallel',
      sizes: { products: 5, documents: 5 },
      rateLimit: { maxParallel: 2 },
      latencyMs: 150,
    });
    try {
      const responses = await Promise.all(
        Array.from({ length: 3 }, () =>
          fetch(`${parallel.baseUrl}/entity/store`, {
            headers: { Authorization: auth, 'Accept-Encoding': 'gzip' },
          }),
        ),
      );
      const rejected = responses.filter((r) => r.status === 429);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.headers.get('x-lognex-auth')).toBe('429005');
      expect(rejected[0]!.headers.get('x-lognex-retry-after')).toBeNull();
      expect(await rejected[0]!.json()).toMatchObject({ errors: [{ code: 1073 }] });
    } finally {
      await parallel.close();
    }
  });
});

describe('data', () => {
  it('is deterministic from the seed and anchor', async () => {
    const anchor = new Date('2026-01-01T00:00:00Z');
    const a = await startFakeMoysklad({ seed: 9, anchor, sizes: { products: 40, documents: 40 } });
    const b = await startFakeMoysklad({ seed: 9, anchor, sizes: { products: 40, documents: 40 } });
    const c = await startFakeMoysklad({ seed: 10, anchor, sizes: { products: 40, documents: 40 } });
    try {
      const strip = (row: Record<string, unknown> | null) =>
        JSON.parse(JSON.stringify(row).replaceAll(/127\.0\.0\.1:\d+/g, 'host'));
      const first = (f: FakeMoysklad, type: string) => strip(f.control.row(type, f.control.ids(type)[0]!));
      for (const type of ['product', 'variant', 'customerorder', 'supply', 'counterparty']) {
        expect(first(a, type)).toEqual(first(b, type));
        expect(first(a, type)).not.toEqual(first(c, type));
      }
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('creates rows, bumps updated on change and removes rows for good', async () => {
    const c = fake.control;
    const id = c.create('service', { name: 'Доставка', salePrices: [] });
    expect(c.row('service', id)).toMatchObject({ name: 'Доставка' });
    const before = c.row('service', id)!.updated as string;
    c.advanceClock(1000);
    c.update('service', id, { description: 'Курьер' });
    expect((c.row('service', id)!.updated as string) > before).toBe(true);
    c.remove('service', id);
    expect((await api(`/entity/service/${id}`)).status).toBe(404);
    expect(c.ids('service')).not.toContain(id);
  });
});
