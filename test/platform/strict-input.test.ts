import net, { type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { requireTenant } from '../../src/platform/http/auth.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture, type IdentityFixture } from '../identity/fixtures.js';

/** Probes whose input reaches the database as it came, so a NUL would too. */
async function probeRoutes(api: FastifyInstance) {
  const { db } = api.platform;
  api.post(
    '/probe/words/:word',
    {
      config: { permission: 'authenticated' },
      schema: {
        params: Type.Object({ word: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ q: Type.Optional(Type.String()) }),
        body: Type.Object({ tags: Type.Record(Type.String(), Type.String()) }),
      },
    },
    async (request) => {
      const { word } = request.params as { word: string };
      const { q } = request.query as { q?: string };
      const { tags } = request.body as { tags: Record<string, string> };
      return db.withTenant(requireTenant(request), async (tx) => {
        await tx.sql.query('insert into probe_words (tenant_id, word) values ($1, $2)', [
          requireTenant(request).tenantId,
          word,
        ]);
        const { rows } = await tx.sql.query<{ q: string; tags: unknown }>(
          'select $1::text as q, $2::jsonb as tags',
          [q ?? null, JSON.stringify(tags)],
        );
        return rows[0];
      });
    },
  );
  // What every handler does with a date-time: turn it into a Date and write it out again.
  api.post(
    '/probe/when',
    {
      config: { public: true },
      schema: {
        body: Type.Object({
          at: Type.String({ format: 'date-time' }),
          day: Type.Optional(Type.String({ format: 'date' })),
        }),
      },
    },
    async (request) => ({ at: new Date((request.body as { at: string }).at).toISOString() }),
  );
  api.get('/probe/bare', { config: { public: true } }, async () => ({ ok: true }));
  api.get(
    '/probe/open',
    {
      config: { public: true },
      schema: {
        querystring: Type.Object({ known: Type.Optional(Type.String()) }, { additionalProperties: true }),
      },
    },
    async (request) => request.query,
  );
}

describe('strict input at the edge', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const call = (method: 'GET' | 'POST', url: string, payload?: object | string) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: fx.users.admin.auth, payload });
  const expect422 = (res: { statusCode: number; body: string; json(): unknown }, errors: object[]) => {
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors });
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule], extraRoutes: probeRoutes } });
    await t.database.db.exec(`
      create table probe_words (tenant_id uuid not null, word text not null);
      create unique index probe_words_word_key on probe_words (tenant_id, lower(word));
      grant select, insert on probe_words to salesops_app;`);
    fx = await identityFixture(t, 'strict');
  });
  afterAll(() => t.close());

  describe('NUL characters', () => {
    const nul = { path: expect.any(String), message: 'must not contain NUL characters' };

    it('are refused in query parameters, bodies and path parameters, naming each field', async () => {
      expect422(await call('GET', '/customers?q=a%00b'), [{ ...nul, path: '/query/q' }]);
      expect422(await call('POST', '/customers', { code: 'N-1', name: 'Nul\u0000Co' }), [
        { ...nul, path: '/body/name' },
      ]);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `${fx.users.agent.email}\u0000`, password: FIXTURE_PASSWORD },
      });
      expect422(login, [{ ...nul, path: '/body/email' }]);
      const form = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=password&username=a%00b&password=x`,
      });
      expect422(form, [{ ...nul, path: '/body/username' }]);
      expect422(await call('POST', '/probe/words/a%00b', { tags: {} }), [{ ...nul, path: '/params/word' }]);
    });

    it('are found at any depth and in member names, before the schema is checked', async () => {
      const res = await call('POST', '/probe/words/ok?q=x%00', {
        tags: { 'a\u0000': 'x', b: 'y\u0000' },
        extra: ['\u0000'],
      });
      expect422(res, [
        { ...nul, path: '/body/tags/a\u0000' },
        { ...nul, path: '/body/tags/b' },
        { ...nul, path: '/body/extra/0' },
        { ...nul, path: '/query/q' },
      ]);
      const ok = await call('POST', '/probe/words/fine?q=x', { tags: { a: 'b' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ q: 'x', tags: { a: 'b' } });
    });

    it('checks a deeply nested body in time linear in its depth', async () => {
      // 40 kB of nested arrays: a pointer built per level made this take a minute, blocking the server.
      const depth = 20_000;
      const post = (payload: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: { ...fx.users.admin.auth, 'content-type': 'application/json' },
          payload,
        });
      const started = Date.now();
      const deep = await post(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      expect(deep.statusCode, deep.body).toBe(422);
      expect(Date.now() - started).toBeLessThan(5_000);
      const nested = `${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`;
      const res = await post(`{"code":"N-2","name":"x","tags":${nested}}`);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<{ errors: { path: string }[] }>().errors).toEqual([
        expect.objectContaining({ path: `/body/tags${'/0'.repeat(depth)}` }),
      ]);
    });
  });

  describe('problem documents for every error', () => {
    it('answers a too long path parameter 414 without echoing it', async () => {
      const res = await call('GET', `/customers/${'a'.repeat(5_000)}`);
      expect(res.statusCode).toBe(414);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
      expect(res.json<{ request_id: string }>().request_id).toBe(res.headers['x-request-id']);
      expect(res.body).not.toContain('aaaaaaaaaa');
    });

    it('answers what the HTTP parser refuses (a URL over the header limit) with a problem document', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write(`GET /api/v1/customers?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
        );
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      const [head, body] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(head).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(body!)).toMatchObject({
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        request_id: expect.any(String),
      });
    });

    it('answers a badly encoded URL 400', async () => {
      const res = await call('GET', '/customers/%E0%A4%A');
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_URL' });
      expect(res.body).not.toContain('%E0');
    });

    it('quotes an unknown path only so far', async () => {
      const res = await call('GET', `/nowhere/${'x'.repeat(3_000)}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      expect(res.body.length).toBeLessThan(500);
    });

    it('cuts an unknown property name in the pointer it answers', async () => {
      const long = 'k'.repeat(5_000);
      const res = await call('POST', '/customers', { code: 'K-1', name: 'Keys', [long]: 1, 'a/b~c': 2 });
      expect(res.statusCode).toBe(422);
      expect(res.body.length).toBeLessThan(1_000);
      const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining([`/body/${'k'.repeat(64)}…`, '/body/a~1b~0c']));
    });

    it('names the column of an expression index as a valid pointer on a duplicate', async () => {
      expect((await call('POST', '/probe/words/Alpha', { tags: {} })).statusCode).toBe(200);
      const dup = await call('POST', '/probe/words/ALPHA', { tags: {} });
      expect(dup.statusCode, dup.body).toBe(409);
      expect(dup.json()).toMatchObject({
        code: 'DUPLICATE',
        errors: [{ path: '/params/word', message: 'must be unique' }],
      });
      const user = await call('POST', '/users', {
        email: fx.users.agent.email.toUpperCase(),
        password: FIXTURE_PASSWORD,
        first_name: 'Twin',
      });
      expect(user.statusCode, user.body).toBe(409);
      for (const error of user.json<{ errors?: { path: string }[] }>().errors ?? [])
        expect(error.path).toMatch(/^(\/[\w-]+)+$/);
    });
  });

  describe('numbers in query strings', () => {
    it('refuses infinities that coercion would let past the integer and minimum checks', async () => {
      for (const value of ['-Infinity', 'Infinity', '%2BInfinity'])
        expect422(await call('GET', `/outlets?limit=${value}`), [
          { path: '/query/limit', message: 'must be a finite number' },
        ]);
      expect((await call('GET', '/outlets?limit=2')).statusCode).toBe(200);
    });
  });

  describe('closed query strings', () => {
    it('refuses a parameter the route does not declare, naming it', async () => {
      expect422(await call('GET', '/customers?search=x'), [
        { path: '/query/search', message: 'is not an allowed property' },
      ]);
      expect((await call('GET', '/customers?q=x')).statusCode).toBe(200);
    });

    it('gives a route without a query schema no parameters, and lets a route declare them open', async () => {
      expect422(await call('GET', '/probe/bare?utm_source=x'), [{ path: '/query/utm_source' }]);
      expect((await call('GET', '/probe/bare')).statusCode).toBe(200);
      const open = await call('GET', '/probe/open?known=a&other=b');
      expect(open.statusCode).toBe(200);
      expect(open.json()).toEqual({ known: 'a', other: 'b' });
      // Outside the API (health checks, docs) query strings are not the client's contract.
      expect((await t.app.inject({ url: '/health/live?probe=1' })).statusCode).toBe(200);
    });
  });

  describe('one message per field for unions', () => {
    it('lists the allowed values of an enum', async () => {
      const res = await call('GET', '/customers?status=bogus');
      expect(res.statusCode).toBe(422);
      expect(res.json<{ errors: unknown[] }>().errors).toEqual([
        { path: '/query/status', message: 'must be one of: onboarding, active, at_risk, churned' },
      ]);
    });

    it('takes only date-times a Date can hold, and no year 0', async () => {
      const when = (body: object) =>
        t.app.inject({ method: 'POST', url: '/api/v1/probe/when', payload: body });
      for (const at of ['2024-06-30T23:59:60Z', '2025-03-01T10:00:00+05', '0000-06-01T00:00:00Z']) {
        const res = await when({ at });
        expect(res.statusCode, at).toBe(422);
        expect(res.json()).toMatchObject({ errors: [{ path: '/body/at' }] });
      }
      expect((await when({ at: '2025-01-01T00:00:00Z', day: '0000-01-01' })).statusCode).toBe(422);
      expect((await when({ at: '2025-03-01 10:00:00+0500' })).json()).toEqual({
        at: '2025-03-01T05:00:00.000Z',
      });
      expect((await when({ at: '2025-03-01T10:00:00.5+05:30', day: '0001-01-01' })).json()).toEqual({
        at: '2025-03-01T04:30:00.500Z',
      });
    });

    it('says what a nullable format wants', async () => {
      const res = await call('POST', '/customers', { code: 'E-1', name: 'Mail', email: 'not-an-email' });
      expect(res.statusCode).toBe(422);
      expect(res.json<{ errors: unknown[] }>().errors).toEqual([
        { path: '/body/email', message: 'must be a valid email address (or null)' },
      ]);
      const forgot = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/forgot-password',
        payload: { email: 'nope' },
      });
      expect(forgot.json<{ errors: unknown[] }>().errors).toEqual([
        { path: '/body/email', message: 'must be a valid email address' },
      ]);
    });
  });
});
