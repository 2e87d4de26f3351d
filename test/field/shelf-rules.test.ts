import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  extraUser,
  fieldApp,
  jpeg,
  uploadPhoto,
  type Headers,
} from './helpers.js';

type Marks = {
  quadrants: { brand_id: string; share_percent: number }[];
  own_percent: number;
  competitor_percent: number;
};
type Problem = {
  code: string;
  detail: string;
  errors: { path: string; message: string }[];
  conflicts?: { cell: { row: number; col: number }; brands: { brand_id: string; brand_name: string }[] }[];
  total_percent?: number;
  brands?: { brand_id: string; brand_name: string; share_percent: number }[];
};
type Share = { photos: number; brands: { brand_id: string; share_percent: number }[] };

const cell = (row: number, col: number) => ({ row, col });

describe('field: shelf marks describe one shelf', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let visit: string;
  let own: string;
  let rival: string;
  let third: string;
  const names = new Map<string, string>();

  const newPhoto = async (auth: Headers = fx.users.agent.auth, grid = { rows: 2, cols: 2 }) =>
    expectStatus(
      await uploadPhoto(
        t,
        auth,
        { visit_id: visit, purpose: 'shelf', grid_rows: `${grid.rows}`, grid_cols: `${grid.cols}` },
        { name: 'shelf.jpg', bytes: await jpeg() },
      ),
      201,
    ).json<{ id: string }>().id;
  const mark = (photo: string, quadrants: object[], auth: Headers = fx.users.agent.auth) =>
    api.call('POST', `/photos/${photo}/shelf-quadrants`, auth, { quadrants });

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'shelfrules');
    other = await identityFixture(t, 'shelfother');
    admin = fx.users.admin.auth;
    api = client(t);
    const outlet = await createOutlet(t, admin);
    visit = (await api.ok('POST', '/visits', fx.users.agent.auth, { outlet_id: outlet }, 201)).id;
    own = await createBrand(t, admin, true);
    rival = await createBrand(t, admin, false);
    third = await createBrand(t, admin, false);
    for (const id of [own, rival, third])
      names.set(id, (await api.ok<{ name: string }>('GET', `/brands/${id}`, admin)).name);
  });
  afterAll(() => t.close());

  it('refuses a cell given to two brands: 422 SHELF_CELL_TAKEN naming the cells and brands', async () => {
    const photo = await newPhoto();
    const res = expectStatus(
      await mark(photo, [
        { brand_id: own, cells: [cell(0, 0), cell(0, 1)] },
        { brand_id: rival, cells: [cell(1, 0), cell(0, 1)] },
        { brand_id: third, cells: [cell(0, 1), cell(1, 1)] },
      ]),
      422,
      'SHELF_CELL_TAKEN',
    );
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = res.json<Problem>();
    expect(problem.conflicts).toEqual([
      {
        cell: cell(0, 1),
        brands: [own, rival, third].map((id) => ({ brand_id: id, brand_name: names.get(id) })),
      },
    ]);
    expect(problem.errors).toEqual([
      { path: '/body/quadrants/1/cells/1', message: expect.stringContaining(names.get(own)!) },
      { path: '/body/quadrants/2/cells/0', message: expect.stringContaining('(0, 1)') },
    ]);
    for (const id of [own, rival, third]) expect(problem.detail).toContain(names.get(id)!);
    // Nothing was stored.
    expect((await api.ok<Marks>('GET', `/photos/${photo}/shelf-quadrants`, admin)).quadrants).toEqual([]);
    // A cell repeated within one brand is still just that brand's cell.
    const fine = await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [
        { brand_id: own, cells: [cell(0, 0), cell(0, 0)] },
        { brand_id: rival, cells: [cell(0, 1)] },
      ],
    });
    expect(fine.quadrants.map((q) => q.share_percent)).toEqual([25, 25]);
  });

  it('refuses shares adding up to more than 100 %: 422 SHELF_AREA_EXCEEDED with every brand’s share', async () => {
    const photo = await newPhoto();
    const problem = expectStatus(
      await mark(photo, [
        { brand_id: own, area_percent: 80 },
        { brand_id: rival, area_percent: 70 },
      ]),
      422,
      'SHELF_AREA_EXCEEDED',
    ).json<Problem>();
    expect(problem.total_percent).toBe(150);
    expect(problem.brands).toEqual([
      { brand_id: own, brand_name: names.get(own), share_percent: 80 },
      { brand_id: rival, brand_name: names.get(rival), share_percent: 70 },
    ]);
    expect(problem.errors.map((e) => e.path)).toEqual(['/body/quadrants']);
    expect(problem.detail).toContain('150 %');

    // Cells without an area count by their share of the grid: 60 % + 2 of 4 cells = 110 %.
    const mixed = expectStatus(
      await mark(photo, [
        { brand_id: own, area_percent: 60 },
        { brand_id: rival, cells: [cell(1, 0), cell(1, 1)] },
      ]),
      422,
      'SHELF_AREA_EXCEEDED',
    ).json<Problem>();
    expect(mixed.total_percent).toBe(110);

    // Exactly 100 % is a full shelf, including shares that only add up after rounding (3 × 33.33 + …).
    const full = await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [
        { brand_id: own, area_percent: 33.34 },
        { brand_id: rival, area_percent: 33.33 },
        { brand_id: third, area_percent: 33.33 },
      ],
    });
    expect(full.own_percent + full.competitor_percent).toBeCloseTo(100, 5);
    const thirds = await newPhoto(fx.users.agent.auth, { rows: 1, cols: 3 });
    const cells = await api.ok<Marks>('POST', `/photos/${thirds}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [
        { brand_id: own, cells: [cell(0, 0)] },
        { brand_id: rival, cells: [cell(0, 1)] },
        { brand_id: third, cells: [cell(0, 2)] },
      ],
    });
    expect(cells.quadrants.map((q) => q.share_percent)).toEqual([33.33, 33.33, 33.33]);
  });

  it('takes a whole shelf split in thirds and sixths: shares are summed before rounding', async () => {
    // 1 + 1 + 4 of 6 cells: 16.67 + 16.67 + 66.67 rounded would be 100.01 %.
    const photo = await newPhoto(fx.users.agent.auth, { rows: 2, cols: 3 });
    const marks = await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [
        { brand_id: own, cells: [cell(0, 0)] },
        { brand_id: rival, cells: [cell(0, 1)] },
        { brand_id: third, cells: [cell(0, 2), cell(1, 0), cell(1, 1), cell(1, 2)] },
      ],
    });
    expect(marks.quadrants).toHaveLength(3);
    // One cell more than the shelf holds is still refused.
    expectStatus(
      await mark(photo, [
        { brand_id: own, cells: [cell(0, 0)] },
        { brand_id: rival, area_percent: 83.34 },
      ]),
      422,
      'SHELF_AREA_EXCEEDED',
    );
  });

  it('checks the set that results: marks sent in a later request replace, never add to, the earlier ones', async () => {
    const photo = await newPhoto();
    await api.ok('POST', `/photos/${photo}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [{ brand_id: own, cells: [cell(0, 0), cell(0, 1)], area_percent: 60 }],
    });
    // The second request's set is the photo's whole new set: 70 % alone is fine.
    const second = await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, fx.users.agent.auth, {
      quadrants: [{ brand_id: rival, cells: [cell(0, 0)], area_percent: 70 }],
    });
    expect(second.quadrants.map((q) => [q.brand_id, q.share_percent])).toEqual([[rival, 70]]);
    // Keeping the first brand means sending it again, and then the rules see both.
    expectStatus(
      await mark(photo, [
        { brand_id: own, cells: [cell(0, 1)], area_percent: 60 },
        { brand_id: rival, cells: [cell(0, 0)], area_percent: 70 },
      ]),
      422,
      'SHELF_AREA_EXCEEDED',
    );
  });

  it('applies concurrent requests one after the other: the stored set is always one valid request', async () => {
    const photo = await newPhoto();
    const sets = [
      [{ brand_id: own, cells: [cell(0, 0), cell(0, 1)], area_percent: 60 }],
      [{ brand_id: rival, cells: [cell(0, 0), cell(1, 0)], area_percent: 60 }],
      [{ brand_id: third, cells: [cell(0, 1)], area_percent: 60 }],
    ];
    const results = await Promise.all(sets.map((quadrants) => mark(photo, quadrants)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const stored = await api.ok<Marks>('GET', `/photos/${photo}/shelf-quadrants`, admin);
    expect(stored.quadrants).toHaveLength(1);
    expect(stored.own_percent + stored.competitor_percent).toBeLessThanOrEqual(100);
  });

  it('explains the per-photo and the aggregated share: 25/25 of the grid is 50/50 of the marked shelf', async () => {
    const solo = await identityFixture(t, 'shelfshare');
    const outlet = await createOutlet(t, solo.users.admin.auth);
    const soloVisit = (await api.ok('POST', '/visits', solo.users.agent.auth, { outlet_id: outlet }, 201)).id;
    const [a, b] = [
      await createBrand(t, solo.users.admin.auth, true),
      await createBrand(t, solo.users.admin.auth, false),
    ];
    const photo = expectStatus(
      await uploadPhoto(
        t,
        solo.users.agent.auth,
        { visit_id: soloVisit, purpose: 'shelf' },
        { name: 's.jpg', bytes: await jpeg() },
      ),
      201,
    ).json<{ id: string }>().id;
    const perPhoto = await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, solo.users.agent.auth, {
      quadrants: [
        { brand_id: a, cells: [cell(0, 0)] },
        { brand_id: b, cells: [cell(1, 1)] },
      ],
    });
    expect(perPhoto.quadrants.map((q) => q.share_percent)).toEqual([25, 25]);
    expect([perPhoto.own_percent, perPhoto.competitor_percent]).toEqual([25, 25]);
    const aggregated = await api.ok<Share>('GET', '/analytics/shelf-share', solo.users.admin.auth);
    expect(aggregated.photos).toBe(1);
    expect(aggregated.brands.map((x) => x.share_percent)).toEqual([50, 50]);

    // Both endpoints say so in the API description.
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { description?: string }>>;
    }>();
    const marks = doc.paths['/api/v1/photos/{id}/shelf-quadrants']!;
    expect(marks.get!.description).toMatch(/25 % and\s+25 %/);
    expect(marks.post!.description).toContain('SHELF_CELL_TAKEN');
    expect(marks.post!.description).toContain('SHELF_AREA_EXCEEDED');
    expect(doc.paths['/api/v1/analytics/shelf-share']!.get!.description).toMatch(/50 % and 50 % here/);
  });

  it('keeps permissions, scope, tenants and visit state: 403 for viewers, 404 for peers and other tenants, 409 once completed', async () => {
    const photo = await newPhoto();
    const body = [{ brand_id: own, cells: [cell(0, 0)] }];
    expectStatus(await mark(photo, body, fx.users.viewer.auth), 403);
    const peer = await extraUser(t, fx, 'agent');
    expectStatus(await mark(photo, body, peer.auth), 404);
    expectStatus(await mark(photo, body, other.users.admin.auth), 404);
    expectStatus(await api.call('GET', `/photos/${photo}/shelf-quadrants`, other.users.admin.auth), 404);
    // Another tenant's brand is unknown here, before any share is computed.
    const foreign = await createBrand(t, other.users.admin.auth, true);
    const problem = expectStatus(
      await mark(photo, [
        { brand_id: foreign, area_percent: 90 },
        { brand_id: own, area_percent: 90 },
      ]),
      422,
      'VALIDATION_FAILED',
    ).json<Problem>();
    expect(problem.errors.map((e) => e.path)).toEqual(['/body/quadrants/0/brand_id']);

    // A completed visit takes no more marks from its agent (409), before the rules are looked at.
    await api.ok('PUT', `/visits/${visit}/complete`, fx.users.agent.auth, {
      latitude: 41.2995,
      longitude: 69.2401,
      accuracy_m: 5,
      answers: [],
    });
    expectStatus(
      await mark(photo, [
        { brand_id: own, area_percent: 90 },
        { brand_id: rival, area_percent: 90 },
      ]),
      409,
      'VISIT_ALREADY_COMPLETED',
    );
    // A manager may still correct them, under the same rules.
    expectStatus(
      await mark(
        photo,
        [
          { brand_id: own, area_percent: 90 },
          { brand_id: rival, area_percent: 90 },
        ],
        admin,
      ),
      422,
      'SHELF_AREA_EXCEEDED',
    );
    expect(
      (await api.ok<Marks>('POST', `/photos/${photo}/shelf-quadrants`, admin, { quadrants: body })).quadrants,
    ).toHaveLength(1);
  });
});
