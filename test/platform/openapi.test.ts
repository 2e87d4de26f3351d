import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../src/cli/openapi.js';
import { createTestApp, testConfig, type TestApp } from '../harness/app.js';

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves a document that validates as OpenAPI 3.1', async () => {
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const document = res.json() as { openapi: string; components: { securitySchemes: object } };
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.components.securitySchemes).toHaveProperty('oauth2');
  });

  it('documents problem responses and security from route declarations', async () => {
    const document = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    };
    const ready = document.paths['/health/ready']!.get!;
    expect(ready.security).toBeUndefined();
    expect(ready.responses['500']).toBeDefined();
  });

  it('serves the docs UI as HTML', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger');
  });

  it('sends the bare address to the docs', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await t.app.inject({ method, url: '/' });
      expect([res.statusCode, res.headers.location]).toEqual([302, '/docs']);
    }
  });

  it('matches the committed openapi/openapi.json', async () => {
    const committed = await readFile('openapi/openapi.json', 'utf8');
    expect(await renderOpenApi(testConfig())).toBe(committed);
  });
});

type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
};
type Operation = {
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

describe('OpenAPI document for client generators', () => {
  let document: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    document = JSON.parse(await readFile('openapi/openapi.json', 'utf8')) as typeof document;
  });
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('marks a parameter required only when a request without it is refused', () => {
    const defaultedButRequired = operations().flatMap(({ name, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.required && p.in !== 'path' && p.schema.default !== undefined)
        .map((p) => `${name} ${p.name}`),
    );
    expect(defaultedButRequired).toEqual([]);
    const limit = document.paths['/api/v1/visits']!.get!.parameters!.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { default: 50, maximum: 500 } });
  });

  it('lists imports without paging parameters, as the document allows', async () => {
    const app = await createTestApp();
    try {
      const token = await app.token({ tid: '00000000-0000-7000-8000-0000000000aa' });
      const res = await app.app.inject({
        url: '/api/v1/imports',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ imports: [], limit: 50, offset: 0 });
    } finally {
      await app.close();
    }
  });

  it('documents every multipart upload with its fields and a binary file part', () => {
    const uploads = operations()
      .filter(({ op }) => op.requestBody?.content['multipart/form-data'])
      .map(({ name, op }) => ({ name, form: op.requestBody!.content['multipart/form-data']!.schema }));
    expect(uploads.map((u) => u.name).sort()).toEqual([
      'POST /api/v1/brands/{id}/infographics',
      'POST /api/v1/customers/import',
      'POST /api/v1/forecasts/import',
      'POST /api/v1/imports',
      'POST /api/v1/photos',
      'POST /api/v1/products/import',
      'PUT /api/v1/brands/{id}/logo',
    ]);
    for (const { name, form } of uploads) {
      expect(form.properties?.file, name).toMatchObject({ type: 'string', format: 'binary' });
      expect(form.required, name).toContain('file');
      // Handlers that stream the file read only the fields sent before it: the UI sends them in order.
      expect(Object.keys(form.properties!).at(-1), name).toBe('file');
    }
    const photo = uploads.find((u) => u.name === 'POST /api/v1/photos')!.form;
    expect(photo.required).toEqual(['visit_id', 'purpose', 'file']);
    expect(photo.properties!.purpose).toEqual({
      type: 'string',
      enum: ['shelf', 'display', 'outside', 'board', 'id'],
    });
    expect(Object.keys(photo.properties!)).toEqual([
      'visit_id',
      'purpose',
      'client_uuid',
      'grid_rows',
      'grid_cols',
      'file',
    ]);
  });
});
