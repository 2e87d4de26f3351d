import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageSize } from '../../src/platform/storage/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { multipart as fileOnly } from '../harness/multipart.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  FIELD_MODULES,
  jpeg,
  png,
  uploadPhoto,
  type Headers,
} from './helpers.js';

const MAX_PIXELS = 1_000_000;

/** A PNG whose header declares width × height but whose (tiny) data is one compressed row. */
function declaredPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real small JPEG whose start-of-frame is rewritten to declare width × height. */
async function declaredJpeg(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await jpeg(16, 16));
  for (let i = 2; i < bytes.length - 9; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
      bytes.writeUInt16BE(height, i + 5);
      bytes.writeUInt16BE(width, i + 7);
      return bytes;
    }
  }
  throw new Error('no SOF0 marker');
}

describe('image uploads: the pixel limit is checked from the header, before decoding', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let visit: string;
  let brand: string;
  const api = () => client(t);
  const photo = (bytes: Buffer, name = 'shelf.jpg') =>
    uploadPhoto(t, agent.auth, { visit_id: visit, purpose: 'shelf' }, { name, bytes });
  const logo = (bytes: Buffer, brandId = brand) => {
    const { payload, contentType } = fileOnly({ name: 'logo.png', type: 'image/png', bytes });
    return t.app.inject({
      method: 'PUT',
      url: `/api/v1/brands/${brandId}/logo`,
      headers: { ...admin, 'content-type': contentType },
      payload,
    });
  };

  beforeAll(async () => {
    t = await createTestApp({
      config: { uploadLimitBytes: 2 * 1024 * 1024, imageMaxPixels: MAX_PIXELS },
      deps: { modules: FIELD_MODULES },
    });
    fx = await identityFixture(t, 'pixels');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    const outlet = await createOutlet(t, admin);
    visit = (await api().ok('POST', '/visits', agent.auth, { outlet_id: outlet }, 201)).id;
    brand = await createBrand(t, admin);
  }, 180_000);
  afterAll(() => t.close());

  it('reads the declared size of PNG, JPEG, WebP (lossy, lossless) and GIF headers', async () => {
    expect(imageSize(declaredPng(30_000, 30_000))).toEqual({ width: 30_000, height: 30_000 });
    expect(imageSize(await declaredJpeg(30_000, 20_000))).toEqual({ width: 30_000, height: 20_000 });
    const make = () => sharp({ create: { width: 123, height: 45, channels: 3, background: '#123' } });
    for (const bytes of [
      await make().webp().toBuffer(),
      await make().webp({ lossless: true }).toBuffer(),
      await make().gif().toBuffer(),
      await make().png().toBuffer(),
      await make()
        .jpeg({ progressive: true })
        .withExif({ IFD0: { Copyright: 'x'.repeat(5000) } })
        .toBuffer(),
    ]) {
      expect(imageSize(bytes)).toEqual({ width: 123, height: 45 });
    }
    expect(imageSize(Buffer.from('not an image at all, just text'))).toBeNull();
  });

  it('refuses a photo whose PNG or JPEG header declares 30000×30000 pixels with 413 IMAGE_TOO_LARGE', async () => {
    for (const [bytes, name] of [
      [declaredPng(30_000, 30_000), 'bomb.png'],
      [await declaredJpeg(30_000, 30_000), 'bomb.jpg'],
    ] as const) {
      const res = expectStatus(await photo(bytes, name), 413, 'IMAGE_TOO_LARGE');
      expect(res.json<{ detail: string }>().detail).toContain('30000×30000');
    }
    // Just over the limit is refused too, a real image within it is stored.
    expectStatus(await photo(await jpeg(1001, 1000)), 413, 'IMAGE_TOO_LARGE');
    expectStatus(await photo(await jpeg(1000, 1000)), 201);
    const list = await api().ok<{ total: number }>('GET', `/photos?visit=${visit}`, agent.auth);
    expect(list.total).toBe(1);
  });

  it('refuses such a brand logo the same way, keeps the brand without a logo, and accepts a normal one', async () => {
    const res = await logo(declaredPng(30_000, 30_000));
    expectStatus(res, 413, 'IMAGE_TOO_LARGE');
    expect(res.json()).toMatchObject({ width: 30_000, height: 30_000, limitPixels: MAX_PIXELS });
    expectStatus(await api().call('GET', `/brands/${brand}/logo`, admin), 404, 'LOGO_NOT_FOUND');

    const truncated = declaredPng(10, 10).subarray(0, 20);
    expectStatus(await logo(truncated), 422, 'IMAGE_UNREADABLE');

    expectStatus(await logo(await png(200, 100)), 204);
    const served = expectStatus(await api().call('GET', `/brands/${brand}/logo`, admin), 200);
    expect(imageSize(served.rawPayload)).toEqual({ width: 200, height: 100 });
  });

  it('refuses an oversized infographic image the same way; a PDF and a normal image are stored', async () => {
    const infographic = (bytes: Buffer, name: string, type: string) => {
      const { payload, contentType } = fileOnly({ name, type, bytes }, { title: name });
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/brands/${brand}/infographics`,
        headers: { ...admin, 'content-type': contentType },
        payload,
      });
    };
    const res = await infographic(await declaredJpeg(30_000, 30_000), 'huge.jpg', 'image/jpeg');
    expectStatus(res, 413, 'IMAGE_TOO_LARGE');
    const list = () => api().ok<{ infographics: unknown[] }>('GET', `/brands/${brand}/infographics`, admin);
    expect((await list()).infographics).toHaveLength(0);

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    expectStatus(await infographic(pdf, 'sheet.pdf', 'application/pdf'), 201);
    expectStatus(await infographic(await png(300, 200), 'chart.png', 'image/png'), 201);
    expect((await list()).infographics).toHaveLength(2);
  });
});
