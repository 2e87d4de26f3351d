import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { expectCursorWalk } from '../harness/paging.js';
import { identityFixture, superAdminFixture, type FixtureUser, type IdentityFixture } from './fixtures.js';

type Res = { statusCode: number; body: string; json<T = Record<string, unknown>>(): T };
type Headers = Record<string, string>;
const expectCode = (res: Res, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json<{ code: string }>().code).toBe(code);
  return res;
};
interface Unit {
  id: string;
  parent_id: string | null;
  path: string;
  depth: number;
  children?: Unit[];
}

describe('org units, teams, audit, admin activity', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let root: FixtureUser;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  const admin = () => acme.users.admin.auth;
  const unit = async (name: string, parent_id?: string) =>
    expectCode(await call('POST', '/org-units', admin(), { name, parent_id }), 201).json<Unit>();
  const getUnit = async (id: string) =>
    expectCode(await call('GET', `/org-units/${id}`, admin()), 200).json<Unit>();

  beforeAll(async () => {
    // Another module's counter, contributed the way every module declares one.
    const counting: SalesOpsModule = {
      name: 'counting',
      activityCounters: [
        {
          key: 'org_units_created',
          query: ({ tenantId, from, to, userIds }) => sql`select actor_user_id as user_id, count(*) as n
            from audit_log where tenant_id = ${tenantId} and actor_user_id = any(${sql.param(userIds)}::uuid[])
              and action = 'org_unit.create' and at >= ${from} and at < ${to}
            group by actor_user_id`,
        },
      ],
    };
    t = await createTestApp({ deps: { modules: [identityModule, counting] } });
    acme = await identityFixture(t, 'acme');
    root = await superAdminFixture(t);
  });
  afterAll(() => t.close());

  describe('org units', () => {
    it('builds a tree with materialised paths and returns it nested', async () => {
      const region = await unit('Region A');
      const area = await unit('Area A1', region.id);
      const territory = await unit('Territory A1a', area.id);
      expect(region).toMatchObject({ path: `/${region.id}/`, depth: 0, parent_id: null });
      expect(territory).toMatchObject({ path: `/${region.id}/${area.id}/${territory.id}/`, depth: 2 });
      const tree = expectCode(await call('GET', '/org-units?tree=true', acme.users.agent.auth), 200).json<{
        org_units: Unit[];
      }>();
      const r = tree.org_units.find((u) => u.id === region.id)!;
      expect(r.children![0]!.id).toBe(area.id);
      expect(r.children![0]!.children![0]!.id).toBe(territory.id);
      const under = expectCode(await call('GET', `/org-units?under=${area.id}`, admin()), 200).json<{
        org_units: Unit[];
      }>();
      expect(under.org_units.map((u) => u.id)).toEqual([area.id, territory.id]);
    });

    it('moves a unit with its subtree and refuses cycles', async () => {
      const a = await unit('Move A');
      const b = await unit('Move B', a.id);
      const c = await unit('Move C', b.id);
      const other = await unit('Move Other');
      const moved = expectCode(
        await call('PUT', `/org-units/${b.id}`, admin(), { parent_id: other.id }),
        200,
      ).json<Unit>();
      expect(moved).toMatchObject({ parent_id: other.id, path: `/${other.id}/${b.id}/`, depth: 1 });
      expect(await getUnit(c.id)).toMatchObject({ path: `/${other.id}/${b.id}/${c.id}/`, depth: 2 });
      // To the root.
      expectCode(await call('PUT', `/org-units/${b.id}`, admin(), { parent_id: null }), 200);
      expect(await getUnit(c.id)).toMatchObject({ path: `/${b.id}/${c.id}/`, depth: 1 });
      expectCode(
        await call('PUT', `/org-units/${b.id}`, admin(), { parent_id: c.id }),
        409,
        'ORG_UNIT_CYCLE',
      );
      expectCode(
        await call('PUT', `/org-units/${b.id}`, admin(), { parent_id: b.id }),
        409,
        'ORG_UNIT_CYCLE',
      );
      expectCode(
        await call('PUT', `/org-units/${b.id}`, admin(), {
          parent_id: '01900000-0000-7000-8000-000000000999',
        }),
        422,
      );
    });

    it('refuses to delete a unit with children or teams', async () => {
      const p = await unit('Del P');
      const child = await unit('Del C', p.id);
      expectCode(await call('DELETE', `/org-units/${p.id}`, admin()), 409, 'ORG_UNIT_NOT_EMPTY');
      const team = expectCode(
        await call('POST', '/teams', admin(), { name: `Del team ${Date.now()}`, org_unit_id: child.id }),
        201,
      ).json<{ id: string }>();
      expectCode(await call('DELETE', `/org-units/${child.id}`, admin()), 409, 'ORG_UNIT_NOT_EMPTY');
      expectCode(await call('DELETE', `/teams/${team.id}`, admin()), 204);
      expectCode(await call('DELETE', `/org-units/${child.id}`, admin()), 204);
      expectCode(await call('DELETE', `/org-units/${p.id}`, admin()), 204);
      expectCode(await call('GET', `/org-units/${p.id}`, admin()), 404);
    });

    it('pages units by cursor in path order', async () => {
      const top = await unit(`Paged root ${Date.now()}`);
      for (const n of [1, 2, 3]) await unit(`Paged child ${n}`, top.id);
      await expectCursorWalk((url) => call('GET', url, admin()), `/org-units?under=${top.id}`, 'org_units');
      await expectCursorWalk((url) => call('GET', url, admin()), '/org-units', 'org_units', 3);
    });

    it('validates input', async () => {
      expectCode(await call('POST', '/org-units', admin(), { name: '' }), 422, 'VALIDATION_FAILED');
      expectCode(await call('POST', '/org-units', admin(), { name: 'X', type: 'Bad Type' }), 422);
      expectCode(await call('POST', '/org-units', admin(), { name: 'X', parent_id: 'nope' }), 422);
      expectCode(await call('POST', '/org-units', acme.users.national_manager.auth, { name: 'X' }), 403);
    });
  });

  describe('teams', () => {
    it('creates a team with a leader, manages members, updates and deletes it', async () => {
      const name = `Sales ${Date.now()}`;
      const team = expectCode(
        await call('POST', '/teams', acme.users.national_manager.auth, {
          name,
          leader_id: acme.users.team_leader.id,
          member_ids: [acme.users.agent.id],
        }),
        201,
      ).json<{ id: string; leader_id: string; member_count: number; members: { id: string }[] }>();
      expect(team).toMatchObject({ leader_id: acme.users.team_leader.id, member_count: 1 });
      expect(team.members.map((m) => m.id)).toEqual([acme.users.agent.id]);
      expectCode(await call('POST', '/teams', admin(), { name }), 409, 'DUPLICATE');
      const added = expectCode(
        await call('POST', `/teams/${team.id}/members`, admin(), {
          user_ids: [acme.users.viewer.id, acme.users.agent.id],
        }),
        200,
      ).json<{ member_count: number }>();
      expect(added.member_count).toBe(2);
      expectCode(
        await call('POST', `/teams/${team.id}/members`, admin(), {
          user_ids: ['01900000-0000-7000-8000-000000000999'],
        }),
        422,
      );
      expectCode(await call('POST', `/teams/${team.id}/members`, admin(), { user_ids: [] }), 422);
      expectCode(await call('DELETE', `/teams/${team.id}/members/${acme.users.viewer.id}`, admin()), 204);
      expectCode(await call('DELETE', `/teams/${team.id}/members/${acme.users.viewer.id}`, admin()), 404);
      const list = expectCode(
        await call('GET', `/teams?member_id=${acme.users.agent.id}`, acme.users.agent.auth),
        200,
      ).json<{ teams: { id: string }[] }>();
      expect(list.teams.map((x) => x.id)).toContain(team.id);
      const user = expectCode(await call('GET', `/users/${acme.users.agent.id}`, admin()), 200).json<{
        teams: string[];
      }>();
      expect(user.teams).toContain(team.id);
      const renamed = expectCode(
        await call('PUT', `/teams/${team.id}`, admin(), { name: `${name} 2`, leader_id: null }),
        200,
      ).json<{ leader_id: null }>();
      expect(renamed.leader_id).toBeNull();
      expectCode(
        await call('PUT', `/teams/${team.id}`, admin(), {
          leader_id: '01900000-0000-7000-8000-000000000999',
        }),
        422,
      );
      expectCode(await call('PUT', `/teams/${team.id}`, acme.users.team_leader.auth, { name: 'nope' }), 403);
      expectCode(await call('DELETE', `/teams/${team.id}`, admin()), 204);
      expectCode(await call('GET', `/teams/${team.id}`, admin()), 404);
    });
    it('pages teams by cursor under each sort', async () => {
      for (const n of [1, 2, 3])
        expectCode(await call('POST', '/teams', admin(), { name: `Paged ${n} ${Date.now()}` }), 201);
      for (const sort of ['name', '-name', 'created_at', '-created_at'])
        await expectCursorWalk((url) => call('GET', url, admin()), `/teams?sort=${sort}`, 'teams');
    });
  });

  describe('audit', () => {
    it('writes an audit row for every write, with the diff and request facts', async () => {
      const u = await unit(`Audited ${Date.now()}`);
      expectCode(await call('PUT', `/org-units/${u.id}`, admin(), { name: 'Audited renamed' }), 200);
      const res = expectCode(
        await call('GET', `/audit?entity_type=org_unit&entity_id=${u.id}`, admin()),
        200,
      ).json<{
        audit: {
          action: string;
          actor_user_id: string;
          changes: { before?: object; after?: object };
          request_id: string;
          ip: string;
        }[];
        total: number;
      }>();
      expect(res.audit.map((a) => a.action)).toEqual(['org_unit.update', 'org_unit.create']);
      expect(res.audit[0]).toMatchObject({
        actor_user_id: acme.users.admin.id,
        changes: {
          before: { name: expect.stringMatching(/^Audited \d+$/) },
          after: { name: 'Audited renamed' },
        },
        request_id: expect.any(String),
      });
      const byUser = expectCode(
        await call('GET', `/audit?user=${acme.users.admin.id}&action=org_unit.create&limit=1`, admin()),
        200,
      ).json<{ total: number; audit: unknown[] }>();
      expect(byUser.audit).toHaveLength(1);
      const future = expectCode(
        await call('GET', `/audit?from=${new Date(Date.now() + 3600_000).toISOString()}`, admin()),
        200,
      ).json<{ total: number }>();
      expect(future.total).toBe(0);
      expectCode(await call('GET', '/audit?from=yesterday', admin()), 422);
      expectCode(await call('GET', '/audit', acme.users.national_manager.auth), 403);
    });

    it('never stores secrets: a created user’s password is not in the audit row', async () => {
      const email = `audited.${Date.now()}@acme.test`;
      const created = expectCode(
        await call('POST', '/users', admin(), { email, password: 'TopSecret123', first_name: 'Au' }),
        201,
      ).json<{ id: string }>();
      const rows = await t.database.db.query<{ changes: unknown }>(
        "select changes from audit_log where entity_id = $1 and action = 'user.create'",
        [created.id],
      );
      expect(rows.rows).toHaveLength(1);
      expect(JSON.stringify(rows.rows[0]!.changes)).not.toContain('TopSecret123');
      expect(JSON.stringify(rows.rows[0]!.changes)).toContain(email);
    });

    it('the application role cannot UPDATE or DELETE audit rows (42501)', async () => {
      const attempt = (statement: string) =>
        t.app.platform.db
          .withTenant({ tenantId: acme.tenantId }, (tx) => tx.sql.query(statement))
          .then(
            () => 'ok',
            (error: unknown) => sqlState(error) ?? (error as { code?: string }).code ?? String(error),
          );
      expect(await attempt("update audit_log set action = 'forged'")).toBe('42501');
      expect(await attempt('delete from audit_log')).toBe('42501');
      const readable = await t.app.platform.db.withTenant({ tenantId: acme.tenantId }, (tx) =>
        tx.sql.query<{ n: number }>('select count(*)::int as n from audit_log'),
      );
      expect(readable.rows[0]!.n).toBeGreaterThan(0);
    });

    it('super admin reads across tenants with /audit/all; others get 403', async () => {
      const other = await identityFixture(t, 'other');
      expectCode(await call('POST', '/org-units', other.users.admin.auth, { name: 'Other unit' }), 201);
      const all = expectCode(
        await call('GET', '/audit/all?action=org_unit.create&limit=500', root.auth),
        200,
      ).json<{ audit: { tenant_id: string }[] }>();
      const tenants = new Set(all.audit.map((a) => a.tenant_id));
      expect(tenants.has(acme.tenantId) && tenants.has(other.tenantId)).toBe(true);
      const one = expectCode(
        await call('GET', `/audit/all?tenant_id=${other.tenantId}`, root.auth),
        200,
      ).json<{ audit: { tenant_id: string }[] }>();
      expect(one.audit.every((a) => a.tenant_id === other.tenantId)).toBe(true);
      expectCode(await call('GET', '/audit/all', admin()), 403);
      // A super admin inside a tenant (X-Tenant-ID) sees that tenant's log through /audit.
      const inside = expectCode(
        await call('GET', '/audit?limit=500', { ...root.auth, 'x-tenant-id': other.tenantId }),
        200,
      ).json<{ audit: { tenant_id: string }[] }>();
      expect(inside.audit.every((a) => a.tenant_id === other.tenantId)).toBe(true);
      // …and every such request is itself audited as impersonation in that tenant.
      const impersonation = expectCode(
        await call('GET', '/audit?action=impersonation.request&limit=500', other.users.admin.auth),
        200,
      ).json<{
        audit: { actor_user_id: string; impersonated: boolean; changes: { after: { path: string } } }[];
      }>();
      expect(impersonation.audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor_user_id: root.id,
            impersonated: true,
            changes: expect.objectContaining({ after: expect.objectContaining({ path: '/api/v1/audit' }) }),
          }),
        ]),
      );
    });

    it('pages the log by cursor, newest first, and counts it only when asked or shown', async () => {
      for (const n of [1, 2, 3]) await unit(`Paged ${n} ${Date.now()}`);
      type Page = { audit: { id: string }[]; total: number | null };
      const get = async (url: string) => expectCode(await call('GET', url, admin()), 200).json<Page>();
      const filter = 'action=org_unit.create';
      const all = await get(`/audit?${filter}&limit=500`);
      expect(all.audit.length).toBeGreaterThanOrEqual(3);
      // The last page shows its total; a page with more rows after it does not count the log.
      expect(all.total).toBe(all.audit.length);
      expect((await get(`/audit?${filter}&limit=2`)).total).toBeNull();
      expect((await get(`/audit?${filter}&limit=2&include_total=true`)).total).toBe(all.audit.length);
      await expectCursorWalk((url) => call('GET', url, admin()), `/audit?${filter}`, 'audit');
      await expectCursorWalk((url) => call('GET', url, root.auth), `/audit/all?${filter}`, 'audit');
    });
  });

  describe('admin activity', () => {
    it('reports last login, logins and actions per user, with module counters', async () => {
      const res = expectCode(await call('GET', '/admin/users/activity?limit=500', admin()), 200).json<{
        users: {
          user_id: string;
          logins: number;
          actions: number;
          last_login_at: string | null;
          counts: Record<string, number>;
        }[];
      }>();
      const me = res.users.find((u) => u.user_id === acme.users.admin.id)!;
      expect(me.logins).toBeGreaterThanOrEqual(1);
      expect(me.actions).toBeGreaterThan(0);
      expect(me.last_login_at).toEqual(expect.any(String));
      expect(me.counts.org_units_created).toBeGreaterThan(0);
      const agent = res.users.find((u) => u.user_id === acme.users.agent.id)!;
      expect(agent).toMatchObject({ actions: 0, counts: { org_units_created: 0 } });
      const empty = expectCode(
        await call('GET', `/admin/users/activity?to=2000-01-02T00:00:00Z&from=2000-01-01T00:00:00Z`, admin()),
        200,
      ).json<{ users: { logins: number }[] }>();
      expect(empty.users.every((u) => u.logins === 0)).toBe(true);
      expectCode(
        await call('GET', '/admin/users/activity?from=2001-01-01T00:00:00Z&to=2000-01-01T00:00:00Z', admin()),
        422,
      );
      expectCode(await call('GET', '/admin/users/activity', acme.users.national_manager.auth), 200);
      expectCode(await call('GET', '/admin/users/activity', acme.users.area_manager.auth), 403);
    });
  });
});
