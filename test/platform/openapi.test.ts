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

  it('matches the committed openapi/openapi.json', async () => {
    const committed = await readFile('openapi/openapi.json', 'utf8');
    expect(await renderOpenApi(testConfig())).toBe(committed);
  });
});
