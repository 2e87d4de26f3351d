import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

interface Page {
  warehouses: { id: string; code: string; created_at: string }[];
  total: number | null;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

/** The resource toolkit's list contract, through a catalog list that uses it (warehouses). */
describe('resource lists: keyset cursors, offsets and totals', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const get = (url: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: fx.users.admin.auth });
  const page = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  const create = async (code: string, name = code) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/warehouses',
      headers: fx.users.admin.auth,
      payload: { code, name },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule] } });
    fx = await identityFixture(t, 'lists');
    // Equal names on purpose: the id tiebreak must keep the keyset exact.
    for (let i = 0; i < 23; i++) await create(`WH-${String(i).padStart(3, '0')}`, `Depot ${i % 4}`);
  });
  afterAll(() => t.close());

  for (const sort of ['name', '-name', 'created_at', '-created_at', 'code', '-updated_at']) {
    it(`walks every row exactly once under concurrent inserts (sort=${sort})`, async () => {
      const before = (await page(`/warehouses?limit=500&sort=${sort}`)).warehouses.map((w) => w.id);
      const seen: string[] = [];
      let url = `/warehouses?limit=5&sort=${sort}`;
      let pages = 0;
      for (;;) {
        const p = await page(url);
        pages++;
        // Counted on the first (offset) page, not on cursor pages unless asked.
        if (pages > 1) expect(p.total).toBeNull();
        else expect(p.total).toEqual(expect.any(Number));
        seen.push(...p.warehouses.map((w) => w.id));
        // Rows inserted between page fetches, sorting before and after the cursor.
        await create(`INS-${sort}-${pages}-A`, `Aaa ${pages}`);
        await create(`INS-${sort}-${pages}-Z`, `Zzz ${pages}`);
        if (!p.next_cursor) break;
        url = `/warehouses?limit=5&sort=${sort}&cursor=${p.next_cursor}`;
        expect(pages).toBeLessThan(50);
      }
      const seenBefore = seen.filter((id) => before.includes(id));
      expect(new Set(seen).size).toBe(seen.length); // no repeats
      expect(seenBefore.sort()).toEqual([...before].sort()); // no gaps
    });
  }

  it('keeps the order of the offset list', async () => {
    const all = (await page('/warehouses?limit=500&sort=-name')).warehouses.map((w) => w.id);
    const walked: string[] = [];
    let p = await page('/warehouses?limit=7&sort=-name');
    walked.push(...p.warehouses.map((w) => w.id));
    while (p.next_cursor) {
      p = await page(`/warehouses?limit=7&sort=-name&cursor=${p.next_cursor}`);
      walked.push(...p.warehouses.map((w) => w.id));
    }
    expect(walked).toEqual(all);
  });

  it('gives next_cursor null on the last page, and totals when asked', async () => {
    const all = await page('/warehouses?limit=500');
    const n = all.warehouses.length;
    expect(all.total).toBe(n);
    expect(all.next_cursor).toBeNull();
    const first = await page(`/warehouses?limit=${n - 1}`);
    expect(first.next_cursor).toEqual(expect.any(String));
    const last = await page(`/warehouses?limit=${n - 1}&cursor=${first.next_cursor}&include_total=true`);
    expect(last.warehouses).toHaveLength(1);
    expect(last.next_cursor).toBeNull();
    expect(last.total).toBe(n);
    expect(last.offset).toBe(0);
    const uncounted = await page('/warehouses?limit=2&include_total=false');
    expect(uncounted.total).toBeNull();
  });

  it('still pages by offset, with the total', async () => {
    const all = (await page('/warehouses?limit=500&sort=code')).warehouses.map((w) => w.code);
    const second = await page('/warehouses?limit=4&offset=4&sort=code');
    expect(second.warehouses.map((w) => w.code)).toEqual(all.slice(4, 8));
    expect(second).toMatchObject({ total: all.length, limit: 4, offset: 4 });
    const beyond = await page(`/warehouses?limit=4&offset=${all.length + 10}`);
    expect(beyond).toMatchObject({ warehouses: [], total: all.length, next_cursor: null });
  });

  it('answers 422 INVALID_CURSOR for garbage and tampered cursors', async () => {
    const p = await page('/warehouses?limit=2&sort=created_at');
    const [sort, , id] = JSON.parse(Buffer.from(p.next_cursor!, 'base64url').toString()) as string[];
    const forged = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    for (const cursor of [
      'garbage',
      '!!!',
      forged({ a: 1 }),
      forged([sort, 'not a time', id]),
      forged([sort, '2026-13-40 00:00:00+00', id]),
      forged([sort, 12, id]),
      forged([sort, '2026-01-01 00:00:00+00', 'not-a-uuid']),
    ]) {
      const res = await get(`/warehouses?sort=created_at&cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'INVALID_CURSOR',
        errors: [{ path: '/query/cursor', message: expect.any(String) }],
      });
    }
  });

  it('answers 422 CURSOR_SORT_MISMATCH for a cursor of another sort', async () => {
    const p = await page('/warehouses?limit=2&sort=name');
    const res = await get(`/warehouses?sort=-name&cursor=${p.next_cursor}`);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CURSOR_SORT_MISMATCH');
    expect((await get(`/warehouses?sort=code&cursor=${p.next_cursor}`)).json().code).toBe(
      'CURSOR_SORT_MISMATCH',
    );
  });
});
