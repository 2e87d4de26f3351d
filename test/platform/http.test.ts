import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/http/errors.js';
import { createTestApp, type TestApp } from '../harness/app.js';

const tenant = '01900000-0000-7000-8000-0000000000aa';

/** Routes that exercise the platform's request handling (mounted under /api/v1). */
async function probeRoutes(api: FastifyInstance) {
  api.post(
    '/probe/items',
    {
      config: { public: true },
      schema: {
        body: Type.Object({ name: Type.String({ minLength: 2 }), count: Type.Integer({ minimum: 0 }) }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
      },
    },
    async (request, reply) => reply.code(201).send({ ...(request.body as object) }),
  );
  // An upload read the way the real ones are (the handler pulls the file from the stream).
  await api.register(async (scope) => {
    await scope.register(multipart);
    scope.post('/probe/upload', { config: { public: true } }, async (request) => {
      const data = await request.file();
      return { name: data?.filename ?? null, bytes: (await data?.toBuffer())?.length ?? 0 };
    });
  });
  api.get('/probe/crash', { config: { public: true } }, async () => {
    throw new Error('secret internals: password=hunter2');
  });
  api.get('/probe/conflict', { config: { public: true } }, async () => {
    throw new AppError(409, 'VISIT_ALREADY_COMPLETED', 'The visit is already completed.');
  });
  api.get('/probe/secure', { config: { permission: 'visits:read' } }, async (request) => ({
    user: request.principal?.userId,
    tenant: request.principal?.tenantId,
    impersonating: request.principal?.impersonating,
  }));
}

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ deps: { extraRoutes: probeRoutes } });
  });
  afterAll(() => t.close());

  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      status,
      code,
      type: expect.stringContaining(code.toLowerCase().replace(/_/g, '-')),
    });
    expect(body.title).toEqual(expect.any(String));
    expect(body.detail).toEqual(expect.any(String));
    expect(body.request_id).toBe(res.headers['x-request-id']);
    return body;
  };

  it('echoes a sane incoming X-Request-ID and generates one otherwise', async () => {
    const mine = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const bad = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'bad id <script>' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers schema violations with 422 and a pointer per field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/items?limit=0',
      payload: { name: 'xy', count: 1 },
    });
    const body = expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: '/query/limit', message: expect.any(String) }]);
    const bodyErrors = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/items',
      payload: { name: 'x' },
    });
    expect((bodyErrors.json() as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([
        { path: '/body/name', message: expect.stringContaining('2') },
        { path: '/body/count', message: 'is required' },
      ]),
    );
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "ab", ',
    });
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/items',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a multipart body without a boundary with 400, not 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/upload',
      headers: { 'content-type': 'multipart/form-data' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na\r\n--x--\r\n',
    });
    expectProblem(res, 400, 'MALFORMED_MULTIPART');
  });

  it('answers a multipart body that ends before its closing boundary with 400, not 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/upload',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
    });
    expectProblem(res, 400, 'MALFORMED_MULTIPART');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/items',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10), count: 1 }),
    });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers unknown routes with 404 and known paths with the wrong method with 405', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND');
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/probe/items' });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('POST');
  });

  it('hides internals of unexpected errors behind a 500', async () => {
    const res = await t.app.inject({ url: '/api/v1/probe/crash' });
    const body = expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('passes AppError codes through', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/probe/conflict' }), 409, 'VISIT_ALREADY_COMPLETED');
  });

  it('requires a valid bearer token on non-public routes', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/probe/secure' }), 401, 'UNAUTHENTICATED');
    const garbage = await t.app.inject({
      url: '/api/v1/probe/secure',
      headers: { authorization: 'Bearer nope' },
    });
    expectProblem(garbage, 401, 'INVALID_TOKEN');
    const expired = await t.token({ tid: tenant, perms: ['visits:read'] }, -60);
    expectProblem(
      await t.app.inject({ url: '/api/v1/probe/secure', headers: { authorization: `Bearer ${expired}` } }),
      401,
      'TOKEN_EXPIRED',
    );
  });

  it('rejects tokens signed with another secret', async () => {
    const { createTokenService } = await import('../../src/platform/http/tokens.js');
    const forged = await createTokenService('another-secret-another-secret-another-secret').signAccess(
      { sub: tenant, tid: tenant, roles: ['admin'], perms: ['visits:read'] },
      60,
    );
    const res = await t.app.inject({
      url: '/api/v1/probe/secure',
      headers: { authorization: `Bearer ${forged}` },
    });
    expectProblem(res, 401, 'INVALID_TOKEN');
  });

  it('checks the route permission', async () => {
    const without = await t.token({ tid: tenant, perms: ['visits:write'] });
    expectProblem(
      await t.app.inject({ url: '/api/v1/probe/secure', headers: { authorization: `Bearer ${without}` } }),
      403,
      'FORBIDDEN',
    );
    const withIt = await t.token({ tid: tenant, perms: ['visits:read'] });
    const ok = await t.app.inject({
      url: '/api/v1/probe/secure',
      headers: { authorization: `Bearer ${withIt}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ tenant, impersonating: false });
  });

  it('lets only super_admin act inside another tenant with X-Tenant-ID', async () => {
    const other = '01900000-0000-7000-8000-0000000000bb';
    const agent = await t.token({ tid: tenant, perms: ['visits:read'] });
    expectProblem(
      await t.app.inject({
        url: '/api/v1/probe/secure',
        headers: { authorization: `Bearer ${agent}`, 'x-tenant-id': other },
      }),
      403,
      'TENANT_SWITCH_FORBIDDEN',
    );
    const root = await t.token({ tid: null, roles: ['super_admin'] });
    const res = await t.app.inject({
      url: '/api/v1/probe/secure',
      headers: { authorization: `Bearer ${root}`, 'x-tenant-id': other },
    });
    expect(res.json()).toMatchObject({ tenant: other, impersonating: true });
  });

  it('sets security headers and compresses large responses', async () => {
    const res = await t.app.inject({ url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it("sets a JSON API's security headers on every answer, errors included, and the page set on /docs", async () => {
    const answers = [
      await t.app.inject({ url: '/openapi.json' }),
      await t.app.inject({ url: '/api/v1/no-such-route' }),
      await t.app.inject({ url: '/api/v1/probe/secure' }), // 401
      await t.app.inject({ url: '/api/v1/probe/items/%E0%A4%A' }), // the router's own 400
    ];
    for (const res of answers) {
      expect(res.headers).toMatchObject({
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['x-request-id']).toBeTruthy();
      // Headers that only matter for HTML pages are not sent with JSON.
      for (const pageOnly of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control'])
        expect(res.headers[pageOnly]).toBeUndefined();
    }
    expect(answers.map((r) => r.statusCode)).toEqual([200, 404, 401, 400]);
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers['cache-control']).not.toBe('no-store');
  });

  it('answers CORS preflights', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/probe/items',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once the window is used up', async () => {
    const t = await createTestApp({ config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) expect((await t.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      const res = await t.app.inject({ url: '/openapi.json' });
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Probes are never throttled.
      expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('route security declaration', () => {
  it('refuses to start when a route declares neither a permission nor public', async () => {
    await expect(
      createTestApp({
        deps: {
          extraRoutes: async (api) => {
            api.get('/undeclared', async () => ({}));
          },
        },
      }),
    ).rejects.toThrow(/GET \/api\/v1\/undeclared declares neither/);
  });
});
