import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';

/**
 * Route schemas are compiled on first use (src/platform/http/lazy-schemas.ts). Every schema of the
 * whole product must still compile, and a route's first request must validate, coerce and serialize
 * exactly as an eagerly compiled route would.
 */
describe('lazily compiled route schemas', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      deps: {
        modules,
        extraRoutes: async (app) => {
          app.get(
            '/probe/lazy/:n',
            {
              config: { public: true },
              schema: {
                params: Type.Object({ n: Type.Integer({ minimum: 1 }) }),
                querystring: Type.Object({ tags: Type.Optional(Type.Array(Type.String())) }),
                response: { 200: Type.Object({ n: Type.Integer(), tags: Type.Array(Type.String()) }) },
              },
            },
            async (request) => {
              const { n } = request.params as { n: number };
              const { tags = [] } = request.query as { tags?: string[] };
              return { n, tags, secret: 'not in the response schema' };
            },
          );
        },
      },
    });
  });
  afterAll(() => t.close());

  it('compiles every route schema of every module', () => {
    expect(() => t.app.compileAllSchemas()).not.toThrow();
  });

  it("validates, coerces and serializes on a route's first and later requests", async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/probe/lazy/0' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ status: 422 });

    for (let i = 0; i < 2; i++) {
      // A single query value is coerced to the array the schema asks for (Ajv root coercion).
      const ok = await t.app.inject({ method: 'GET', url: '/api/v1/probe/lazy/7?tags=a' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ n: 7, tags: ['a'] });
    }
  });
});
