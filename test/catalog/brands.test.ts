import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { expectCursorWalk } from '../harness/paging.js';
import { multipart } from '../harness/multipart.js';
import {
  FIXTURE_ROLES,
  identityFixture,
  type FixtureRole,
  type IdentityFixture,
} from '../identity/fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Res = {
  statusCode: number;
  body: string;
  rawPayload: Buffer;
  headers: Record<string, unknown>;
  json<T = Record<string, unknown>>(): T;
};
type Infographic = {
  id: string;
  brand_id: string;
  file_name: string;
  content_type: string;
  size: number;
  title: string | null;
};

const UPLOAD_LIMIT = 4096;

const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};

/** CRC-32 of PNG chunks. */
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A valid 2×2 RGB PNG, built byte by byte. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0); // width
  header.writeUInt32BE(2, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]); // filter byte + 2 pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const tinyPdf = () =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
      'trailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );

describe('catalog: brands and infographics', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let seq = 0;

  const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const admin = () => acme.users.admin.auth;
  const ok = async <T = { id: string }>(method: Method, url: string, payload?: object, status = 200) =>
    expectCode(await call(method, url, admin(), payload), status).json<T>();
  const createBrand = (body: Record<string, unknown> = {}) =>
    ok<{ id: string; name: string; is_own: boolean }>(
      'POST',
      '/brands',
      { name: `Brand ${Date.now().toString(36)} ${seq++}`, ...body },
      201,
    );
  const upload = (
    brandId: string,
    file: { name: string; type: string; bytes: Buffer },
    headers: Record<string, string> = admin(),
    fields: Record<string, string> = {},
  ) => {
    const { payload, contentType } = multipart(file, fields);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/brands/${brandId}/infographics`,
      headers: { ...headers, 'content-type': contentType },
      payload,
    });
  };
  const storedFiles = (tenantId: string) =>
    t.database.db.withSystem(async (tx) =>
      (
        await tx.sql.query<{ file_key: string }>(
          `select file_key from brand_infographics where tenant_id = $1`,
          [tenantId],
        )
      ).rows.map((r) => r.file_key),
    );

  beforeAll(async () => {
    t = await createTestApp({
      config: { uploadLimitBytes: UPLOAD_LIMIT },
      deps: { modules: [identityModule, catalogModule] },
    });
    acme = await identityFixture(t, 'acme');
  });
  afterAll(() => t.close());

  it('creates, reads, updates, lists and archives brands (own and competitor)', async () => {
    const own = await createBrand({ name: `Own ${seq}` });
    const rival = await createBrand({ name: `Rival ${seq}`, is_own: false });
    expect(own).toMatchObject({ is_own: true, archived_at: null, logo_url: null });
    expect(await ok('GET', `/brands/${rival.id}`)).toEqual(rival);
    const renamed = await ok<{ name: string; is_own: boolean }>('PUT', `/brands/${rival.id}`, {
      name: `Rival renamed ${seq}`,
    });
    expect(renamed).toMatchObject({ name: `Rival renamed ${seq}`, is_own: false });
    const competitors = await ok<{ brands: { id: string }[]; total: number }>('GET', '/brands?is_own=false');
    expect(competitors.brands.map((b) => b.id)).toEqual([rival.id]);
    expectCode(await call('DELETE', `/brands/${rival.id}`, admin()), 204);
    expect((await ok<{ total: number }>('GET', '/brands?is_own=false')).total).toBe(0);
    const archived = await ok<{ brands: { id: string; archived_at: string }[] }>(
      'GET',
      '/brands?archived=true',
    );
    expect(archived.brands.map((b) => b.id)).toEqual([rival.id]);

    expectCode(await call('POST', '/brands', admin(), { name: own.name }), 409, 'DUPLICATE');
    expectCode(await call('POST', '/brands', admin(), { name: '' }), 422);
    expectCode(await call('PUT', `/brands/${own.id}`, admin(), {}), 422);
    expectCode(await call('GET', '/brands/nope', admin()), 422);
    expectCode(await call('GET', '/brands/01900000-0000-7000-8000-000000000000', admin()), 404);
  });

  it('pages brands by cursor under each sort', async () => {
    for (const n of [1, 2, 3]) await createBrand({ name: `Paged ${n}` });
    for (const sort of ['name', '-name', 'created_at', '-created_at'])
      await expectCursorWalk((url) => call('GET', url, admin()), `/brands?sort=${sort}`, 'brands');
  });

  it('uploads a PNG and a PDF, lists, downloads the same bytes and deletes with the file', async () => {
    const brand = await createBrand();
    const png = tinyPng();
    const pdf = tinyPdf();
    const image = expectCode(
      await upload(
        brand.id,
        { name: 'Shelf plan (1).png', type: 'application/octet-stream', bytes: png },
        admin(),
        {
          title: 'Shelf plan',
        },
      ),
      201,
    ).json<Infographic>();
    expect(image).toMatchObject({
      brand_id: brand.id,
      file_name: 'Shelf plan (1).png',
      content_type: 'image/png',
      size: png.length,
      title: 'Shelf plan',
    });
    const doc = expectCode(
      await upload(brand.id, { name: 'guide.pdf', type: 'text/plain', bytes: pdf }),
      201,
    ).json<Infographic>();
    expect(doc).toMatchObject({ content_type: 'application/pdf', size: pdf.length, title: null });

    const keys = await storedFiles(acme.tenantId);
    const imageKey = keys.find((k) => k.includes(image.id))!;
    expect(imageKey).toBe(`tenants/${acme.tenantId}/brands/${brand.id}/${image.id}.png`);
    expect(await t.app.platform.storage.exists(imageKey)).toBe(true);

    const list = await ok<{ infographics: Infographic[] }>('GET', `/brands/${brand.id}/infographics`);
    expect(list.infographics.map((i) => i.id)).toEqual([image.id, doc.id]);

    for (const [info, bytes] of [
      [image, png],
      [doc, pdf],
    ] as const) {
      const res = await call(
        'GET',
        `/brands/${brand.id}/infographics/${info.id}/file`,
        acme.users.viewer.auth,
      );
      expectCode(res, 200);
      expect(res.headers['content-type']).toBe(info.content_type);
      expect(res.rawPayload.equals(bytes)).toBe(true);
    }
    expectCode(await call('GET', `/brands/${brand.id}/infographics/${image.id}/file`, {}), 401);

    expectCode(await call('DELETE', `/brands/${brand.id}/infographics/${image.id}`, admin()), 204);
    expect(await t.app.platform.storage.exists(imageKey)).toBe(false);
    expectCode(await call('GET', `/brands/${brand.id}/infographics/${image.id}/file`, admin()), 404);
    expectCode(await call('DELETE', `/brands/${brand.id}/infographics/${image.id}`, admin()), 404);
    const after = await ok<{ infographics: Infographic[] }>('GET', `/brands/${brand.id}/infographics`);
    expect(after.infographics.map((i) => i.id)).toEqual([doc.id]);
  });

  it('rejects a text file (415), an oversized file (413), a missing brand (404) and stores nothing', async () => {
    const brand = await createBrand();
    const before = (await storedFiles(acme.tenantId)).length;
    expectCode(
      await upload(brand.id, {
        name: 'fake.png',
        type: 'image/png',
        bytes: Buffer.from('name,price\nwater,1.25\n'),
      }),
      415,
    );
    const huge = Buffer.concat([tinyPng(), Buffer.alloc(UPLOAD_LIMIT * 3, 1)]);
    expectCode(await upload(brand.id, { name: 'huge.png', type: 'image/png', bytes: huge }), 413);
    expectCode(
      await upload('01900000-0000-7000-8000-000000000000', {
        name: 'a.png',
        type: 'image/png',
        bytes: tinyPng(),
      }),
      404,
    );
    expectCode(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/brands/${brand.id}/infographics`,
        headers: { ...admin(), 'content-type': 'application/json' },
        payload: { file: 'x' },
      }),
      415,
    );
    expect((await storedFiles(acme.tenantId)).length).toBe(before);
    expect(
      (await ok<{ infographics: unknown[] }>('GET', `/brands/${brand.id}/infographics`)).infographics,
    ).toEqual([]);
  });

  describe('permissions by role', () => {
    const writers: FixtureRole[] = ['admin', 'national_manager'];
    it.each(FIXTURE_ROLES.map((role) => [role, writers.includes(role)] as const))(
      '%s: read allowed, write %s',
      async (role, canWrite) => {
        const auth = acme.users[role].auth;
        expectCode(await call('GET', '/brands', auth), 200);
        const brand = await createBrand();
        expectCode(await call('GET', `/brands/${brand.id}/infographics`, auth), 200);
        expectCode(
          await call('POST', '/brands', auth, { name: `By ${role} ${seq++}` }),
          canWrite ? 201 : 403,
        );
        expectCode(
          await upload(brand.id, { name: 'a.png', type: 'image/png', bytes: tinyPng() }, auth),
          canWrite ? 201 : 403,
        );
      },
    );
  });

  it('refuses a NUL character in a multipart title or file name (422 naming the field)', async () => {
    const brand = await createBrand();
    const titled = await upload(brand.id, { name: 'a.png', type: 'image/png', bytes: tinyPng() }, admin(), {
      title: 'Shelf\u0000guide',
    });
    expect(titled.statusCode, titled.body).toBe(422);
    expect(titled.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/body/title', message: 'must not contain NUL characters' }],
    });
    const named = await upload(brand.id, { name: 'a\u0000.png', type: 'image/png', bytes: tinyPng() });
    expect(named.statusCode, named.body).toBe(422);
    expect(named.json()).toMatchObject({ errors: [{ path: '/body/file' }] });
    expect(
      (await ok<{ infographics: unknown[] }>('GET', `/brands/${brand.id}/infographics`)).infographics,
    ).toEqual([]);
  });

  it("tenant isolation: cannot read, change, download or delete another tenant's brands and infographics", async () => {
    const beta = await identityFixture(t, 'beta');
    const bBrand = expectCode(
      await call('POST', '/brands', beta.users.admin.auth, { name: 'Beta brand' }),
      201,
    ).json<{
      id: string;
    }>();
    const bFile = expectCode(
      await upload(bBrand.id, { name: 'b.png', type: 'image/png', bytes: tinyPng() }, beta.users.admin.auth),
      201,
    ).json<Infographic>();
    const aBrand = await createBrand();

    const routes: [Method, string, object?][] = [
      ['GET', `/brands/${bBrand.id}`],
      ['PUT', `/brands/${bBrand.id}`, { name: 'Pwned' }],
      ['DELETE', `/brands/${bBrand.id}`],
      ['GET', `/brands/${bBrand.id}/infographics`],
      ['GET', `/brands/${bBrand.id}/infographics/${bFile.id}/file`],
      ['DELETE', `/brands/${bBrand.id}/infographics/${bFile.id}`],
      // B's infographic under one of A's brands.
      ['GET', `/brands/${aBrand.id}/infographics/${bFile.id}/file`],
      ['DELETE', `/brands/${aBrand.id}/infographics/${bFile.id}`],
    ];
    for (const [method, url, payload] of routes)
      expect((await call(method, url, admin(), payload)).statusCode, `${method} ${url}`).toBe(404);
    expectCode(await upload(bBrand.id, { name: 'a.png', type: 'image/png', bytes: tinyPng() }), 404);
    expectCode(
      await call('POST', '/products', admin(), { code: `X-${seq++}`, name: 'x', brand_id: bBrand.id }),
      422,
    );

    const ids = [
      ...(await ok<{ brands: { id: string }[] }>('GET', '/brands?limit=500')).brands,
      ...(await ok<{ brands: { id: string }[] }>('GET', '/brands?limit=500&archived=true')).brands,
    ].map((b) => b.id);
    expect(ids).not.toContain(bBrand.id);
    // A may use B's brand name: unique per tenant only.
    await createBrand({ name: 'Beta brand' });

    const still = await call(
      'GET',
      `/brands/${bBrand.id}/infographics/${bFile.id}/file`,
      beta.users.agent.auth,
    );
    expectCode(still, 200);
    expect(still.rawPayload.equals(tinyPng())).toBe(true);
  });

  it('uploads, replaces, serves and removes a brand logo; only images, only for readers of this tenant', async () => {
    const code = `LOGO-${seq}`;
    const brand = await createBrand({ code });
    const putLogo = (bytes: Buffer, headers = admin(), brandId = brand.id) => {
      const { payload, contentType } = multipart({ name: 'logo.png', type: 'image/png', bytes });
      return t.app.inject({
        method: 'PUT',
        url: `/api/v1/brands/${brandId}/logo`,
        headers: { ...headers, 'content-type': contentType },
        payload,
      });
    };
    expectCode(await call('GET', `/brands/${brand.id}/logo`, admin()), 404, 'LOGO_NOT_FOUND');
    expectCode(await putLogo(tinyPdf()), 415);
    expectCode(await putLogo(tinyPng(), acme.users.agent.auth), 403);
    expectCode(await putLogo(tinyPng()), 204);
    const withLogo = await ok<{ logo_url: string; code: string }>('GET', `/brands/${brand.id}`);
    expect(withLogo).toMatchObject({ logo_url: `/api/v1/brands/${brand.id}/logo`, code });
    const served = expectCode(await call('GET', `/brands/${brand.id}/logo`, acme.users.agent.auth), 200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(tinyPng())).toBe(true);

    const keyOf = () =>
      t.database.db.withSystem(
        async (tx) =>
          (await tx.sql.query<{ logo_key: string }>('select logo_key from brands where id = $1', [brand.id]))
            .rows[0]!.logo_key,
      );
    const first = await keyOf();
    expectCode(await putLogo(tinyPng()), 204);
    const second = await keyOf();
    expect(second).not.toBe(first);
    expect(await t.app.platform.storage.exists(first)).toBe(false);
    expect(await t.app.platform.storage.exists(second)).toBe(true);

    const beta = await identityFixture(t, 'logo-beta');
    expectCode(await call('GET', `/brands/${brand.id}/logo`, beta.users.admin.auth), 404);
    expectCode(await putLogo(tinyPng(), beta.users.admin.auth), 404);
    expectCode(await call('DELETE', `/brands/${brand.id}/logo`, beta.users.admin.auth), 404);

    expectCode(await call('DELETE', `/brands/${brand.id}/logo`, admin()), 204);
    expect(await t.app.platform.storage.exists(second)).toBe(false);
    expect((await ok<{ logo_url: null }>('GET', `/brands/${brand.id}`)).logo_url).toBeNull();
  });
});
