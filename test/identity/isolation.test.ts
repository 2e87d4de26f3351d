import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { users } from '../../src/modules/identity/tables/users.tables.js';
import { uuidv7 } from '../../src/lib/ids.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from './fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Tenant isolation: tenant A's admin (every permission of the tenant) gets 404 or 403 for every
 * identity route addressing one of tenant B's ids, B's rows never appear in A's lists, and RLS
 * alone keeps B's rows out even when a query forgets the tenant filter.
 */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  const B: Record<string, string> = {};

  const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const asB = async (method: Method, url: string, body?: object) => {
    const res = await call(method, url, b.users.admin.auth, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<{ id: string }>();
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    B.user = b.users.agent.id;
    B.admin = b.users.admin.id;
    B.unit = (await asB('POST', '/org-units', { name: 'Beta region' })).id;
    B.team = (await asB('POST', '/teams', { name: 'Beta team', member_ids: [B.user] })).id;
    B.role = (
      await asB('POST', '/roles', { key: 'beta_role', name: 'Beta role', level: 10, permissions: [] })
    ).id;
    const roles = await call('GET', '/roles', b.users.admin.auth);
    B.builtinRole = roles
      .json<{ roles: { id: string; key: string }[] }>()
      .roles.find((r) => r.key === 'agent')!.id;
    await asB('POST', '/users', {
      email: `beta.${Date.now()}@beta.test`,
      password: 'Secret123x',
      first_name: 'Beta',
      org_unit_id: B.unit,
    });
  });
  afterAll(() => t.close());

  const byIdRoutes = (): [Method, string, object?][] => [
    ['GET', `/users/${B.user}`],
    ['PUT', `/users/${B.user}`, { first_name: 'Pwned' }],
    ['DELETE', `/users/${B.user}`],
    ['PUT', `/users/${B.user}/activate`],
    ['POST', `/users/${B.user}/roles`, { roles: ['admin'] }],
    ['PUT', `/roles/${B.role}`, { name: 'Pwned' }],
    ['DELETE', `/roles/${B.role}`],
    ['PUT', `/roles/${B.builtinRole}`, { name: 'Pwned' }],
    ['GET', `/tenants/${b.tenantId}`],
    ['PUT', `/tenants/${b.tenantId}`, { name: 'Pwned' }],
    ['POST', `/tenants/${b.tenantId}/suspend`],
    ['POST', `/tenants/${b.tenantId}/reactivate`],
    ['GET', `/org-units/${B.unit}`],
    ['PUT', `/org-units/${B.unit}`, { name: 'Pwned' }],
    ['DELETE', `/org-units/${B.unit}`],
    ['GET', `/teams/${B.team}`],
    ['PUT', `/teams/${B.team}`, { name: 'Pwned' }],
    ['DELETE', `/teams/${B.team}`],
    ['POST', `/teams/${B.team}/members`, { user_ids: [a.users.agent.id] }],
    ['DELETE', `/teams/${B.team}/members/${B.user}`],
  ];

  it("answers 404/403 for every route addressing tenant B's ids, and changes nothing", async () => {
    const outcomes: string[] = [];
    for (const [method, url, body] of byIdRoutes()) {
      const res = await call(method, url, a.users.admin.auth, body);
      if (![403, 404].includes(res.statusCode))
        outcomes.push(`${method} ${url} → ${res.statusCode} ${res.body}`);
    }
    expect(outcomes).toEqual([]);
    // B's data is untouched.
    const user = await call('GET', `/users/${B.user}`, b.users.admin.auth);
    expect(user.json()).toMatchObject({ status: 'active', first_name: 'agent' });
    expect((await call('GET', `/teams/${B.team}`, b.users.admin.auth)).json()).toMatchObject({
      name: 'Beta team',
      member_count: 1,
    });
    expect((await call('GET', `/tenants/${b.tenantId}`, b.users.admin.auth)).json()).toMatchObject({
      status: 'active',
    });
  });

  it("refuses references to tenant B's rows in A's writes (422)", async () => {
    const res = [
      await call('POST', '/teams', a.users.admin.auth, { name: 'Mixed', member_ids: [B.user] }),
      await call('POST', '/teams', a.users.admin.auth, { name: 'Mixed2', leader_id: B.user }),
      await call('POST', '/org-units', a.users.admin.auth, { name: 'Mixed', parent_id: B.unit }),
      await call('POST', `/users/${a.users.agent.id}/roles`, a.users.admin.auth, { roles: [B.role] }),
      await call('PUT', `/users/${a.users.agent.id}`, a.users.admin.auth, { manager_id: B.user }),
      await call('PUT', `/users/${a.users.agent.id}`, a.users.admin.auth, { org_unit_id: B.unit }),
    ];
    expect(res.map((r) => r.statusCode)).toEqual([422, 422, 422, 422, 422, 422]);
  });

  it("keys a user's primary outlet and org unit to the tenant: B's or an unknown id is 422 at its member", async () => {
    // Outlets are catalog's (not loaded here); the table is there, as the migrations made it.
    const outletOf = async (tenantId: string) => {
      const id = uuidv7();
      await t.database.db.withSystem((tx) =>
        tx.sql.query('insert into outlets (tenant_id, id, code, name) values ($1, $2, $3, $4)', [
          tenantId,
          id,
          `O-${id.slice(-8)}`,
          'Shop',
        ]),
      );
      return id;
    };
    const [own, beta] = [await outletOf(a.tenantId), await outletOf(b.tenantId)];
    const admin = a.users.admin.auth;
    const newUser = (primary_outlet_id: string) => ({
      email: `alpha.${uuidv7().slice(-12)}@alpha.test`,
      password: 'Secret123x',
      first_name: 'Alpha',
      primary_outlet_id,
    });
    for (const outlet of [beta, uuidv7()]) {
      for (const res of [
        await call('POST', '/users', admin, newUser(outlet)),
        await call('PUT', `/users/${a.users.agent.id}`, admin, { primary_outlet_id: outlet }),
      ]) {
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json()).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [{ path: '/body/primary_outlet_id', message: 'no such outlet' }],
        });
      }
    }
    const created = await call('POST', '/users', admin, newUser(own));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ primary_outlet_id: own });
    const updated = await call('PUT', `/users/${a.users.agent.id}`, admin, { primary_outlet_id: own });
    expect(updated.json()).toMatchObject({ primary_outlet_id: own });

    // Deleting an org unit takes it from its users (ON DELETE SET NULL of org_unit_id alone).
    const unit = (await call('POST', '/org-units', admin, { name: 'Alpha temp' })).json<{ id: string }>();
    const assigned = await call('PUT', `/users/${a.users.agent.id}`, admin, { org_unit_id: unit.id });
    expect(assigned.json()).toMatchObject({ org_unit_id: unit.id });
    expect((await call('DELETE', `/org-units/${unit.id}`, admin)).statusCode).toBe(204);
    const after = await call('GET', `/users/${a.users.agent.id}`, admin);
    expect(after.json()).toMatchObject({ org_unit_id: null, primary_outlet_id: own });
  });

  it("never lists tenant B's rows, even with B's ids as filters", async () => {
    const lists: [string, string][] = [
      ['/users?limit=500', 'users'],
      [`/users?team=${B.team}`, 'users'],
      [`/users?org_unit=${B.unit}`, 'users'],
      ['/users?q=beta', 'users'],
      ['/roles?limit=500', 'roles'],
      ['/org-units?limit=500', 'org_units'],
      ['/teams?limit=500', 'teams'],
      [`/teams?member_id=${B.user}`, 'teams'],
      ['/audit?limit=500', 'audit'],
      [`/audit?user=${B.admin}`, 'audit'],
      ['/admin/users/activity?limit=500', 'users'],
    ];
    const bIds = new Set(Object.values(B));
    for (const [url, key] of lists) {
      const res = await call('GET', url, a.users.admin.auth);
      expect(res.statusCode, url).toBe(200);
      const rows = res.json<Record<string, { id?: string; user_id?: string; tenant_id?: string }[]>>()[key]!;
      for (const row of rows) {
        expect(bIds.has(row.id ?? row.user_id ?? ''), `${url} lists a row of B`).toBe(false);
        if (row.tenant_id) expect(row.tenant_id).toBe(a.tenantId);
      }
    }
    const audit = await call('GET', `/audit?user=${B.admin}`, a.users.admin.auth);
    expect(audit.json<{ total: number }>().total).toBe(0);
  });

  it('RLS alone stops a cross-tenant read when the repository filter is left out', async () => {
    const rows = await t.app.platform.db.withTenant({ tenantId: a.tenantId }, async (tx) => {
      // No tenant filter at all: only row-level security stands between A and B.
      const viaDrizzle = await tx.db.select({ id: users.id, tenantId: users.tenantId }).from(users);
      const viaSql = await tx.sql.query<{ tenant_id: string }>('select tenant_id from users');
      const targeted = await tx.sql.query('select id from users where id = $1', [B.user]);
      return { viaDrizzle, viaSql: viaSql.rows, targeted: targeted.rows };
    });
    expect(rows.viaDrizzle.length).toBeGreaterThan(0);
    expect(new Set(rows.viaDrizzle.map((r) => r.tenantId))).toEqual(new Set([a.tenantId]));
    expect(new Set(rows.viaSql.map((r) => r.tenant_id))).toEqual(new Set([a.tenantId]));
    expect(rows.targeted).toEqual([]);
    // The same query as the owner sees both tenants (the data is there).
    const all = await t.database.db.query<{ n: number }>(
      'select count(distinct tenant_id)::int as n from users where tenant_id = any($1)',
      [[a.tenantId, b.tenantId]],
    );
    expect(all.rows[0]!.n).toBe(2);
  });
});
