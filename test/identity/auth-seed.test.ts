import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authRoutes,
  identityPrincipalResolver,
  seedIdentityDemo,
} from '../../src/modules/identity/auth/index.js';
import { DEMO_PASSWORD } from '../../src/modules/identity/auth/seed.js';
import { IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { login } from './fixtures.js';

describe('identity demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      deps: {
        modules: [
          {
            name: 'identity',
            permissions: IDENTITY_PERMISSIONS,
            principalResolver: identityPrincipalResolver,
            routes: authRoutes,
          },
        ],
      },
    });
  });
  afterAll(() => t.close());

  it('seeds once, with working logins for every role and the super admin', async () => {
    const first = await seedIdentityDemo(t.app.platform);
    const second = await seedIdentityDemo(t.app.platform);
    expect(second).toEqual(first);
    expect(first.map((l) => l.role).sort()).toEqual([
      'admin',
      'agent',
      'area_manager',
      'national_manager',
      'regional_manager',
      'super_admin',
      'team_leader',
      'viewer',
    ]);
    const counts = await t.database.db.query<{ n: number }>(
      `select count(*)::int as n from tenants where slug = 'demo'`,
    );
    expect(counts.rows[0]!.n).toBe(1);
    const units = await t.database.db.query<{
      path: string;
      depth: number;
      parent_id: string | null;
      id: string;
    }>(
      `select o.id, o.path, o.depth, o.parent_id from org_units o join tenants t on t.id = o.tenant_id where t.slug = 'demo'`,
    );
    expect(units.rows.length).toBeGreaterThanOrEqual(6);
    for (const unit of units.rows) {
      expect(unit.path.endsWith(`/${unit.id}/`)).toBe(true);
      expect(unit.path.split('/').filter(Boolean)).toHaveLength(unit.depth + 1);
    }
    for (const demo of first) {
      const session = await login(t, demo.login, demo.password);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session.auth });
      expect(me.json<{ roles: string[] }>().roles).toEqual([demo.role]);
    }
  });

  it('gives the demo users usernames that sign in and Uzbek numbers in E.164', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'team.leader', password: DEMO_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ user: { email: string } }>().user.email).toBe('team.leader@demo.salesops.local');
    const users = await t.database.db.query<{ username: string | null; phone: string | null }>(
      `select u.username, u.phone from users u join tenants t on t.id = u.tenant_id where t.slug = 'demo'`,
    );
    expect(users.rows.length).toBeGreaterThanOrEqual(8);
    for (const u of users.rows) {
      expect(u.username).toMatch(/^[a-z0-9][a-z0-9._-]{2,63}$/);
      expect(u.phone).toMatch(/^\+9989\d{8}$/);
    }
    expect(new Set(users.rows.map((u) => u.phone)).size).toBe(users.rows.length);
  });
});
