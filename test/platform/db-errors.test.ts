import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import { requireTenant } from '../../src/platform/http/auth.js';
import { createTestApp, type TestApp } from '../harness/app.js';

const tenantId = uuidv7();

/** Raises a real PostgreSQL error with the given SQLSTATE from inside the database. */
const raise = (state: string) => `do $$ begin raise exception 'raised' using errcode = '${state}'; end $$`;

describe('database errors through HTTP', () => {
  let t: TestApp;
  let attempts = 0;
  let auth: { authorization: string };

  async function routes(api: FastifyInstance) {
    const db = api.platform.db;
    api.post(
      '/probe/codes',
      {
        config: { permission: 'probe:write' },
        schema: { body: Type.Object({ code: Type.String(), parent: Type.Optional(Type.String()) }) },
      },
      async (request, reply) => {
        const body = request.body as { code: string; parent?: string };
        await db.withTenant(requireTenant(request), (tx) =>
          tx.sql.query('insert into probe_codes (tenant_id, code, parent) values ($1, $2, $3)', [
            requireTenant(request).tenantId,
            body.code,
            body.parent ?? null,
          ]),
        );
        return reply.code(201).send({ code: body.code });
      },
    );
    api.post('/probe/flaky/:failures', { config: { permission: 'probe:write' } }, async (request) => {
      const failures = Number((request.params as { failures: string }).failures);
      attempts = 0;
      await db.withTenant(requireTenant(request), async (tx) => {
        attempts++;
        if (attempts <= failures) await tx.sql.query(raise('40001'));
      });
      return { attempts };
    });
  }

  beforeAll(async () => {
    t = await createTestApp({ deps: { extraRoutes: routes } });
    await t.database.db.exec(`
      create table probe_codes (tenant_id uuid not null, code text not null, parent text,
        primary key (tenant_id, code),
        foreign key (tenant_id, parent) references probe_codes (tenant_id, code));
      grant select, insert on probe_codes to salesops_app;`);
    auth = { authorization: `Bearer ${await t.token({ tid: tenantId, perms: ['probe:write'] })}` };
  });
  afterAll(() => t.close());

  it('turns a unique violation into 409 pointing at the body member', async () => {
    const post = (code: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/probe/codes', headers: auth, payload: { code } });
    expect((await post('A1')).statusCode).toBe(201);
    const dup = await post('A1');
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      code: 'DUPLICATE',
      errors: [{ path: '/body/code', message: 'must be unique' }],
    });
    expect(dup.body).not.toContain('A1');
  });

  it('turns a foreign-key violation into 422 pointing at the body member', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe/codes',
      headers: auth,
      payload: { code: 'B1', parent: 'missing' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: '/body/parent', message: 'must reference an existing record' }],
    });
  });

  it('retries a transaction after a serialization failure', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/probe/flaky/2', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ attempts: 3 });
  });

  it('gives up with 503 and Retry-After when the conflict persists', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/probe/flaky/99', headers: auth });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect(attempts).toBe(4);
  });
});
