import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules/index.js';
import { serializableSchema } from '../../src/platform/http/serializer-schemas.js';
import { createTestApp, type TestApp } from '../harness/app.js';

/**
 * Route schemas are compiled on first use (src/platform/http/lazy-schemas.ts). Every schema of the
 * whole product must still compile, and a route's first request must validate, coerce and serialize
 * exactly as an eagerly compiled route would.
 */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Unions = Type.Object({
  at: Nullable(Type.String({ format: 'date-time' })),
  text: Type.Union([Type.Null(), Type.String()]),
  owner: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
  status: Nullable(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  kind: Type.Union([Type.Literal(1), Type.Literal(2)]),
  list: Nullable(Type.Array(Nullable(Type.Object({ at: Type.String({ format: 'date-time' }) })))),
  // Two types: left to the validating serializer.
  mixed: Type.Union([Type.Integer(), Type.String()]),
});

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
          app.get(
            '/probe/unions/:filled',
            {
              config: { public: true },
              schema: {
                params: Type.Object({ filled: Type.Boolean() }),
                response: { 200: Unions },
              },
            },
            async (request) =>
              (request.params as { filled: boolean }).filled
                ? {
                    at: new Date('2026-03-04T05:06:07.089Z'),
                    text: 'say "hi"\n',
                    owner: { id: 'u1', name: null, secret: 'dropped' },
                    status: 'closed',
                    kind: 2,
                    list: [{ at: '2026-01-01T00:00:00.000Z' }, null],
                    mixed: 5,
                  }
                : { at: null, text: null, owner: null, status: null, kind: 1, list: null, mixed: 'five' },
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

  it('serializes nullable and literal unions without validating each value', async () => {
    const filled = await t.app.inject({ method: 'GET', url: '/api/v1/probe/unions/true' });
    expect(filled.statusCode, filled.body).toBe(200);
    expect(filled.json()).toEqual({
      at: '2026-03-04T05:06:07.089Z',
      text: 'say "hi"\n',
      owner: { id: 'u1', name: null },
      status: 'closed',
      kind: 2,
      list: [{ at: '2026-01-01T00:00:00.000Z' }, null],
      mixed: 5,
    });
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/probe/unions/false' });
    expect(empty.json()).toEqual({
      at: null,
      text: null,
      owner: null,
      status: null,
      kind: 1,
      list: null,
      mixed: 'five',
    });

    const compiled = serializableSchema(Unions) as unknown as { properties: Record<string, object> };
    expect(compiled.properties.at).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
    expect(compiled.properties.at).not.toHaveProperty('anyOf');
    expect(compiled.properties.status).toMatchObject({ type: 'string', nullable: true });
    expect(compiled.properties.kind).toMatchObject({ type: 'number' });
    expect(compiled.properties.kind).not.toHaveProperty('nullable');
    expect(compiled.properties.owner).toMatchObject({
      type: 'object',
      nullable: true,
      properties: { name: { type: 'string', nullable: true } },
    });
    expect(compiled.properties.mixed).toHaveProperty('anyOf');
    // The original schema, which validation and the OpenAPI document use, is untouched.
    expect(Unions.properties.at).toHaveProperty('anyOf');
  });
});
