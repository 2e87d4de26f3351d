import { expect } from 'vitest';
import sharp from 'sharp';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { fieldModule } from '../../src/modules/field/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, login, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';

export type { FixtureUser } from '../identity/fixtures.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Headers = Record<string, string>;
export interface Res {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  rawPayload: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export const FIELD_MODULES = [identityModule, catalogModule, fieldModule];

export function fieldApp(uploadLimitBytes = 256 * 1024): Promise<TestApp> {
  return createTestApp({ config: { uploadLimitBytes }, deps: { modules: FIELD_MODULES } });
}

export const expectStatus = (res: Res, status: number, code?: string): Res => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};

/** JSON calls against /api/v1 for one app. */
export function client(t: TestApp) {
  const call = (method: Method, url: string, headers: Headers = {}, payload?: object): Promise<Res> =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload }) as unknown as Promise<Res>;
  const ok = async <T = { id: string }>(
    method: Method,
    url: string,
    headers: Headers,
    payload?: object,
    status = 200,
  ): Promise<T> => expectStatus(await call(method, url, headers, payload), status).json<T>();
  return { call, ok };
}

type Listed = { next_cursor: string | null } & Record<string, unknown>;

/**
 * Walks a list (`path` with its filters and sort, no paging) in two keyset pages and checks they
 * hold exactly the rows of the offset list, in its order, none missing or repeated; a cursor the
 * list did not issue is 422 INVALID_CURSOR. Returns the ids walked.
 */
export async function walkTwoCursorPages(t: TestApp, auth: Headers, path: string, key: string) {
  const { call, ok } = client(t);
  const idsOf = (page: Listed) => (page[key] as { id: string }[]).map((row) => row.id);
  const all = idsOf(await ok<Listed>('GET', `${path}&limit=500`, auth));
  expect(all.length).toBeGreaterThanOrEqual(2);
  const limit = Math.ceil(all.length / 2);
  const first = await ok<Listed>('GET', `${path}&limit=${limit}`, auth);
  expect(first.next_cursor).toEqual(expect.any(String));
  const second = await ok<Listed>('GET', `${path}&limit=${limit}&cursor=${first.next_cursor}`, auth);
  expect(second.next_cursor).toBeNull();
  const walked = [...idsOf(first), ...idsOf(second)];
  expect(new Set(walked).size).toBe(walked.length);
  expect(walked).toEqual(all);
  expectStatus(await call('GET', `${path}&cursor=garbage`, auth), 422, 'INVALID_CURSOR');
  return walked;
}

let seq = 0;
export const uniq = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/** Outlet at a known point (Tashkent centre) with a 100 m geofence. */
export const OUTLET_POINT = { latitude: 41.2995, longitude: 69.2401 };

export async function createOutlet(t: TestApp, admin: Headers, body: object = {}): Promise<string> {
  const { ok } = client(t);
  return (
    await ok('POST', '/outlets', admin, { code: uniq('O'), name: 'Shop', ...OUTLET_POINT, ...body }, 201)
  ).id;
}

export async function createBrand(t: TestApp, admin: Headers, isOwn = true): Promise<string> {
  return (await client(t).ok('POST', '/brands', admin, { name: uniq('Brand'), is_own: isOwn }, 201)).id;
}

/** A second user of a role in the fixture's tenant, created through the API and signed in. */
export async function extraUser(t: TestApp, fx: IdentityFixture, role: string): Promise<FixtureUser> {
  const email = `${uniq(role)}@extra.test`.toLowerCase();
  const created = await client(t).ok(
    'POST',
    '/users',
    fx.users.admin.auth,
    { email, password: FIXTURE_PASSWORD, first_name: role, roles: [role] },
    201,
  );
  return { id: created.id, ...(await login(t, email, FIXTURE_PASSWORD)) };
}

/** A team led by `leaderId` with the given members. */
export async function createTeam(t: TestApp, fx: IdentityFixture, leaderId: string, memberIds: string[]) {
  return client(t).ok(
    'POST',
    '/teams',
    fx.users.admin.auth,
    { name: uniq('Team'), leader_id: leaderId, member_ids: memberIds },
    201,
  );
}

export const jpeg = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: '#c00' } })
    .jpeg()
    .toBuffer();

export const png = (width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background: '#0c0' } })
    .png()
    .toBuffer();

/** A multipart/form-data body with text fields and one file. */
export function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
  const boundary = `----field${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function uploadPhoto(
  t: TestApp,
  headers: Headers,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer },
): Promise<Res> {
  const { payload, contentType } = multipart(fields, file);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/photos',
    headers: { ...headers, 'content-type': contentType },
    payload,
  }) as unknown as Promise<Res>;
}
