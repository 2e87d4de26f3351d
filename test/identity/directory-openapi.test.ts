import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';

type Operation = {
  summary?: string;
  tags?: string[];
  parameters?: unknown[];
  responses?: Record<string, unknown>;
};

describe('OpenAPI for the directory and org routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
  });
  afterAll(() => t.close());

  it('documents every route with a summary, tags and its success response', async () => {
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json<{ paths: Record<string, Record<string, Operation>> }>().paths;
    const expected = [
      'get /api/v1/users',
      'post /api/v1/users',
      'get /api/v1/users/{id}',
      'put /api/v1/users/{id}',
      'delete /api/v1/users/{id}',
      'put /api/v1/users/{id}/activate',
      'post /api/v1/users/{id}/roles',
      'get /api/v1/roles',
      'post /api/v1/roles',
      'put /api/v1/roles/{id}',
      'delete /api/v1/roles/{id}',
      'get /api/v1/permissions',
      'get /api/v1/tenants',
      'post /api/v1/tenants',
      'get /api/v1/tenants/{id}',
      'put /api/v1/tenants/{id}',
      'post /api/v1/tenants/{id}/suspend',
      'post /api/v1/tenants/{id}/reactivate',
      'get /api/v1/org-units',
      'post /api/v1/org-units',
      'get /api/v1/org-units/{id}',
      'put /api/v1/org-units/{id}',
      'delete /api/v1/org-units/{id}',
      'get /api/v1/teams',
      'post /api/v1/teams',
      'get /api/v1/teams/{id}',
      'put /api/v1/teams/{id}',
      'delete /api/v1/teams/{id}',
      'post /api/v1/teams/{id}/members',
      'delete /api/v1/teams/{id}/members/{user_id}',
      'get /api/v1/audit',
      'get /api/v1/audit/all',
      'get /api/v1/admin/users/activity',
    ];
    const problems = expected.flatMap((key) => {
      const [method, path] = key.split(' ') as [string, string];
      const op = paths[path]?.[method];
      if (!op) return [`${key}: missing`];
      const issues: string[] = [];
      if (!op.summary) issues.push(`${key}: no summary`);
      if (!op.tags?.length) issues.push(`${key}: no tags`);
      if (!Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')))
        issues.push(`${key}: no 2xx response`);
      return issues;
    });
    expect(problems).toEqual([]);
  });
});
