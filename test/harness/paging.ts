import { expect } from 'vitest';

type Response = { statusCode: number; body: string; json<T = unknown>(): T };
type Page = Record<string, unknown> & { next_cursor: string | null };

/**
 * A list's keyset contract, as a client sees it: two cursor pages of `path` (with its filters and
 * sort) hold exactly the rows of one offset page twice as long — no gap, no repeat — and a cursor
 * the list did not issue is 422 `INVALID_CURSOR`. The list needs more than `limit` rows.
 */
export async function expectCursorWalk(
  get: (url: string) => Promise<Response>,
  path: string,
  key: string,
  limit = 2,
): Promise<void> {
  const url = (query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;
  const page = async (query: string) => {
    const res = await get(url(query));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Page>();
    return { ids: (body[key] as { id: string }[]).map((row) => row.id), next: body.next_cursor };
  };
  const all = await page(`limit=${2 * limit}`);
  expect(all.ids.length, `${path} needs more than ${limit} rows`).toBeGreaterThan(limit);
  const first = await page(`limit=${limit}`);
  expect(first.next).toEqual(expect.any(String));
  const second = await page(`limit=${limit}&cursor=${encodeURIComponent(first.next!)}`);
  expect([...first.ids, ...second.ids]).toEqual(all.ids);

  const garbage = await get(url('cursor=garbage'));
  expect(garbage.statusCode, garbage.body).toBe(422);
  expect(garbage.json<{ code: string }>().code).toBe('INVALID_CURSOR');
}
