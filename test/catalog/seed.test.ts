import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { seedDemo } from '../../src/seed.js';
import type { Progress } from '../../src/cli/progress.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

describe('catalog demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
  });
  afterAll(() => t.close());

  it('seeds the demo tenant once, with outlets around one city that the near search finds', async () => {
    const modules = [identityModule, catalogModule];
    await seedDemo(t.app.platform, modules, quiet);
    await seedDemo(t.app.platform, modules, quiet);
    const { auth } = await login(t, 'admin@demo.salesops.local', 'Demo1234!');
    const get = async <T = { total: number }>(url: string): Promise<T> => {
      const res = await t.app.inject({ url: `/api/v1${url}`, headers: auth });
      expect(res.statusCode).toBe(200);
      return res.json() as T;
    };
    expect((await get('/customers')).total).toBe(5);
    expect((await get('/outlets')).total).toBe(12);
    expect((await get('/warehouses')).total).toBe(2);
    expect((await get('/brands')).total).toBe(5);
    const products = await get<{ total: number; products: { prices: unknown[] }[] }>('/products');
    expect(products.total).toBe(8);
    expect(products.products.every((p) => p.prices.length === 1)).toBe(true);
    // Amir Temur Square: the nearest outlet is the one on the square, then outward by distance.
    const near = await get<{ outlets: { name: string; distance_m: number }[] }>(
      '/outlets?near=41.3111,69.2797&radius_m=3000',
    );
    expect(near.outlets[0]!.name).toBe('Amir Temur Square Mini-market');
    const distances = near.outlets.map((o) => o.distance_m);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d) => d <= 3000)).toBe(true);
  });
});
