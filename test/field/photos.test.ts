import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  extraUser,
  fieldApp,
  jpeg,
  png,
  uploadPhoto,
  walkTwoCursorPages,
  type Headers,
} from './helpers.js';

type Photo = {
  id: string;
  visit_id: string;
  agent_id: string;
  outlet_id: string;
  purpose: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  has_thumbnail: boolean;
  taken_at: string | null;
  latitude: number | null;
  longitude: number | null;
  grid_rows: number;
  grid_cols: number;
};
type Problem = { code: string; errors: { path: string; message: string }[] };

const LIMIT = 64 * 1024;
const GPS = { latitude: 41.2995, longitude: 69.2401, accuracy_m: 5 };

/** A JPEG carrying EXIF capture time and GPS (41°17'58.2"N 69°14'24.36"E). */
const jpegWithExif = () =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: '#00c' } })
    .jpeg()
    .withExif({
      IFD2: { DateTimeOriginal: '2026:03:04 10:20:30' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '41/1 17/1 5820/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '69/1 14/1 2436/100',
      },
    })
    .toBuffer();

/** The start of a HEIC file: enough for type sniffing, not decodable. */
const heic = () =>
  Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypheic'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('mif1heic'),
    Buffer.alloc(200, 7),
  ]);

describe('field: photos and shelf quadrants', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let outlet: string;
  let visit: string;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp(LIMIT);
    fx = await identityFixture(t, 'photos');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    peer = await extraUser(t, fx, 'agent');
    outlet = await createOutlet(t, admin);
    visit = (await api.ok('POST', '/visits', agent.auth, { outlet_id: outlet }, 201)).id;
  });
  afterAll(() => t.close());

  const upload = (auth: Headers, fields: Record<string, string>, bytes?: Buffer, name = 'shelf.jpg') =>
    uploadPhoto(t, auth, fields, bytes ? { name, bytes } : undefined);

  it('uploads a JPEG with thumbnail, dimensions and EXIF time and GPS; downloads both', async () => {
    const bytes = await jpegWithExif();
    const photo = expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf', grid_rows: '3', grid_cols: '4' }, bytes),
      201,
    ).json<Photo>();
    expect(photo).toMatchObject({
      visit_id: visit,
      agent_id: agent.id,
      outlet_id: outlet,
      purpose: 'shelf',
      content_type: 'image/jpeg',
      size: bytes.length,
      width: 80,
      height: 60,
      has_thumbnail: true,
      taken_at: '2026-03-04T10:20:30.000Z',
      grid_rows: 3,
      grid_cols: 4,
    });
    expect(photo.latitude).toBeCloseTo(41.2995, 6);
    expect(photo.longitude).toBeCloseTo(69.2401, 6);

    const file = await t.app.inject({
      method: 'GET',
      url: `/api/v1/photos/${photo.id}/file`,
      headers: agent.auth,
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.rawPayload.equals(bytes)).toBe(true);
    const thumb = await t.app.inject({
      method: 'GET',
      url: `/api/v1/photos/${photo.id}/thumbnail`,
      headers: agent.auth,
    });
    expect(thumb.statusCode).toBe(200);
    const meta = await sharp(thumb.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 80, 60]);

    const big = expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'display' }, await png(1200, 600), 'p.png'),
      201,
    ).json<Photo>();
    expect(big).toMatchObject({
      content_type: 'image/png',
      width: 1200,
      height: 600,
      taken_at: null,
      latitude: null,
      grid_rows: 2,
      grid_cols: 2,
    });
    const bigThumb = await t.app.inject({
      method: 'GET',
      url: `/api/v1/photos/${big.id}/thumbnail`,
      headers: admin,
    });
    const bigMeta = await sharp(bigThumb.rawPayload).metadata();
    expect([bigMeta.width, bigMeta.height]).toEqual([320, 160]);

    const webp = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
      .webp()
      .toBuffer();
    expect(
      expectStatus(
        await upload(agent.auth, { visit_id: visit, purpose: 'board' }, webp, 'x.webp'),
        201,
      ).json<Photo>().content_type,
    ).toBe('image/webp');
  });

  it('stores HEIC without a thumbnail and refuses other types (415), oversized files (413) and bad fields (422)', async () => {
    const stored = expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'id' }, heic(), 'a.heic'),
      201,
    ).json<Photo>();
    expect(stored).toMatchObject({ content_type: 'image/heic', has_thumbnail: false, width: null });
    expectStatus(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/photos/${stored.id}/thumbnail`,
        headers: agent.auth,
      }),
      404,
      'THUMBNAIL_NOT_AVAILABLE',
    );

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }, pdf, 'a.jpg'),
      415,
      'UNSUPPORTED_FILE_TYPE',
    );
    expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }, Buffer.from('just text')),
      415,
    );
    const oversized = Buffer.concat([await jpeg(), Buffer.alloc(LIMIT, 0)]);
    expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }, oversized),
      413,
      'FILE_TOO_LARGE',
    );

    const bad = expectStatus(
      await upload(agent.auth, { visit_id: 'nope', purpose: 'selfie', grid_rows: '0' }, await jpeg()),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path).sort()).toEqual([
      '/body/grid_rows',
      '/body/purpose',
      '/body/visit_id',
    ]);
    expectStatus(await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }), 422);
    const nul = expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }, await jpeg(), 'shelf\u0000.jpg'),
      422,
      'VALIDATION_FAILED',
    ).json<Problem>();
    expect(nul.errors).toEqual([{ path: '/body/file', message: 'must not contain NUL characters' }]);
    expectStatus(
      await upload(
        agent.auth,
        { visit_id: '01900000-0000-7000-8000-000000000000', purpose: 'shelf' },
        await jpeg(),
      ),
      404,
    );
    expectStatus(
      await upload(fx.users.viewer.auth, { visit_id: visit, purpose: 'shelf' }, await jpeg()),
      403,
    );
  });

  it('is idempotent by client_uuid and keeps agents off completed visits', async () => {
    const own = (await api.ok('POST', '/visits', agent.auth, { outlet_id: outlet }, 201)).id;
    const clientUuid = crypto.randomUUID();
    const fields = { visit_id: own, purpose: 'outside', client_uuid: clientUuid };
    const first = expectStatus(await upload(agent.auth, fields, await jpeg()), 201).json<Photo>();
    const again = expectStatus(await upload(agent.auth, fields, await jpeg()), 200).json<Photo>();
    expect(again.id).toBe(first.id);
    const peerVisit = (await api.ok('POST', '/visits', peer.auth, { outlet_id: outlet }, 201)).id;
    expectStatus(
      await upload(peer.auth, { ...fields, visit_id: peerVisit }, await jpeg()),
      409,
      'CLIENT_UUID_IN_USE',
    );
    const listed = await api.ok<{ photos: Photo[] }>('GET', `/visits/${own}/photos`, agent.auth);
    expect(listed.photos.map((p) => p.id)).toEqual([first.id]);

    await api.ok('PUT', `/visits/${own}/complete`, agent.auth, { ...GPS, answers: [] });
    // A retry after completion still finds its photo; a new photo is refused for the agent only.
    expectStatus(await upload(agent.auth, fields, await jpeg()), 200);
    expectStatus(
      await upload(agent.auth, { visit_id: own, purpose: 'shelf' }, await jpeg()),
      409,
      'VISIT_ALREADY_COMPLETED',
    );
    expectStatus(await upload(admin, { visit_id: own, purpose: 'shelf' }, await jpeg()), 201);
    expectStatus(
      await api.call('POST', `/photos/${first.id}/shelf-quadrants`, agent.auth, { quadrants: [] }),
      409,
      'VISIT_ALREADY_COMPLETED',
    );
  });

  it('lists photos with filters and scope; peers cannot read or download', async () => {
    const peerVisit = (await api.ok('POST', '/visits', peer.auth, { outlet_id: outlet }, 201)).id;
    const peerPhoto = expectStatus(
      await upload(peer.auth, { visit_id: peerVisit, purpose: 'shelf' }, await jpeg()),
      201,
    ).json<Photo>();
    expectStatus(await upload(peer.auth, { visit_id: visit, purpose: 'shelf' }, await jpeg()), 404);
    for (const url of [
      `/photos/${peerPhoto.id}`,
      `/photos/${peerPhoto.id}/file`,
      `/photos/${peerPhoto.id}/thumbnail`,
      `/photos/${peerPhoto.id}/shelf-quadrants`,
    ])
      expectStatus(await api.call('GET', url, agent.auth), 404);
    expectStatus(
      await api.call('POST', `/photos/${peerPhoto.id}/shelf-quadrants`, agent.auth, { quadrants: [] }),
      404,
    );

    const mine = await api.ok<{ photos: Photo[]; total: number }>('GET', '/photos?limit=500', agent.auth);
    expect(mine.photos.every((p) => p.agent_id === agent.id)).toBe(true);
    const all = await api.ok<{ photos: Photo[]; total: number }>(
      'GET',
      `/photos?outlet=${outlet}&limit=500`,
      fx.users.viewer.auth,
    );
    expect(all.photos.map((p) => p.id)).toContain(peerPhoto.id);
    const byAgent = await api.ok<{ photos: Photo[] }>('GET', `/photos?agent=${peer.id}`, admin);
    expect(byAgent.photos.map((p) => p.id)).toEqual([peerPhoto.id]);
    const shelf = await api.ok<{ photos: Photo[] }>(`GET`, `/photos?visit=${visit}&purpose=display`, admin);
    expect(shelf.photos.map((p) => p.purpose)).toEqual(['display']);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (
        await api.ok<{ total: number }>(
          'GET',
          `/photos?agent=${peer.id}&date_from=${today}&date_to=${today}`,
          admin,
        )
      ).total,
    ).toBe(1);
    expect(
      (await api.ok<{ total: number }>('GET', `/photos?agent=${peer.id}&date_to=2020-01-01`, admin)).total,
    ).toBe(0);
    const page = await api.ok<{ photos: Photo[]; total: number; limit: number }>(
      'GET',
      `/photos?visit=${visit}&limit=2&sort=created_at`,
      admin,
    );
    expect(page.photos).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect((await api.ok<Photo>('GET', `/photos/${peerPhoto.id}`, admin)).id).toBe(peerPhoto.id);
    const visitRead = await api.ok<{ photos: Photo[] }>('GET', `/visits/${peerVisit}`, admin);
    expect(visitRead.photos.map((p) => p.id)).toEqual([peerPhoto.id]);
  });

  it('pages the list by keyset cursor within the data scope (no taken_at: ties by id); a garbage cursor is 422', async () => {
    const pagedOutlet = await createOutlet(t, admin);
    const photoOn = async (user: FixtureUser) => {
      const v = await api.ok('POST', '/visits', user.auth, { outlet_id: pagedOutlet }, 201);
      const res = await upload(user.auth, { visit_id: v.id, purpose: 'shelf' }, await jpeg());
      return expectStatus(res, 201).json<Photo>().id;
    };
    const mine = [await photoOn(agent), await photoOn(agent), await photoOn(agent)];
    const peers = await photoOn(peer);
    const walked = await walkTwoCursorPages(
      t,
      agent.auth,
      `/photos?outlet=${pagedOutlet}&sort=-taken_at`,
      'photos',
    );
    expect(walked).toEqual([...mine].sort().reverse());
    expect(walked).not.toContain(peers);
  });

  it('replaces shelf quadrants atomically and computes each brand’s share', async () => {
    const own = await createBrand(t, admin, true);
    const rival = await createBrand(t, admin, false);
    const photo = expectStatus(
      await upload(agent.auth, { visit_id: visit, purpose: 'shelf' }, await jpeg()),
      201,
    ).json<Photo>();
    const url = `/photos/${photo.id}/shelf-quadrants`;
    const set = await api.ok<{
      quadrants: {
        brand_id: string;
        cells: unknown[];
        area_percent: number | null;
        share_percent: number;
        is_own: boolean;
      }[];
      own_percent: number;
      competitor_percent: number;
    }>('POST', url, agent.auth, {
      quadrants: [
        {
          brand_id: own,
          cells: [
            { row: 0, col: 0 },
            { row: 0, col: 1 },
            { row: 1, col: 1 },
            { row: 0, col: 0 },
          ],
        },
        { brand_id: rival, cells: [{ row: 1, col: 0 }], area_percent: 12.5 },
      ],
    });
    const byBrand = new Map(set.quadrants.map((q) => [q.brand_id, q]));
    expect(byBrand.get(own)).toMatchObject({ share_percent: 75, is_own: true, area_percent: null });
    expect(byBrand.get(own)!.cells).toEqual([
      { row: 0, col: 0 },
      { row: 0, col: 1 },
      { row: 1, col: 1 },
    ]);
    expect(byBrand.get(rival)).toMatchObject({ share_percent: 12.5, is_own: false, area_percent: 12.5 });
    expect([set.own_percent, set.competitor_percent]).toEqual([75, 12.5]);
    expect(await api.ok('GET', url, fx.users.viewer.auth)).toEqual(set);

    const bad = expectStatus(
      await api.call('POST', url, agent.auth, {
        quadrants: [
          {
            brand_id: own,
            cells: [
              { row: 2, col: 0 },
              { row: 0, col: 1 },
            ],
          },
          { brand_id: rival, area_percent: 100.5 },
          { brand_id: '01900000-0000-7000-8000-000000000000', cells: [{ row: 0, col: 0 }] },
          { brand_id: own, cells: [{ row: 0, col: 0 }] },
          { brand_id: rival, cells: [] },
        ],
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual([
      '/body/quadrants/0/cells/0',
      '/body/quadrants/1/area_percent',
      '/body/quadrants/2/brand_id',
      '/body/quadrants/3/brand_id',
      '/body/quadrants/4/brand_id',
      '/body/quadrants/4',
    ]);
    // The failed request changed nothing.
    expect(await api.ok('GET', url, agent.auth)).toEqual(set);

    const replaced = await api.ok<{ quadrants: { brand_id: string; share_percent: number }[] }>(
      'POST',
      url,
      agent.auth,
      {
        quadrants: [{ brand_id: rival, cells: [{ row: 1, col: 1 }] }],
      },
    );
    expect(replaced.quadrants.map((q) => [q.brand_id, q.share_percent])).toEqual([[rival, 25]]);
    expect(
      (await api.ok<{ quadrants: unknown[] }>('POST', url, agent.auth, { quadrants: [] })).quadrants,
    ).toEqual([]);
  });
});
