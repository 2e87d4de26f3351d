import { expect } from 'vitest';
import { provisionTenant } from '../../src/modules/identity/tenants/provision.js';
import { createSuperAdmin, insertUserWithRoles } from '../../src/modules/identity/auth/auth.repository.js';
import { hashPassword } from '../../src/modules/identity/passwords.js';
import type { TestApp } from '../harness/app.js';

export const FIXTURE_PASSWORD = 'Passw0rd!demo';

let fixtureHash: Promise<string> | undefined;
/** The fixture password's hash, computed once per test file: argon2 never runs inside a fixture's transaction. */
export const fixturePasswordHash = (): Promise<string> => (fixtureHash ??= hashPassword(FIXTURE_PASSWORD));
export const FIXTURE_ROLES = [
  'admin',
  'agent',
  'team_leader',
  'area_manager',
  'regional_manager',
  'national_manager',
  'viewer',
] as const;
export type FixtureRole = (typeof FIXTURE_ROLES)[number];

export interface FixtureUser {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  auth: { authorization: string };
}

export interface IdentityFixture {
  tenantId: string;
  slug: string;
  users: Record<FixtureRole, FixtureUser>;
}

let counter = 0;
const unique = () =>
  `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Signs in through the API; fails the test when the login does not succeed. */
export async function login(t: TestApp, email: string, password: string): Promise<Omit<FixtureUser, 'id'>> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ access_token: string; refresh_token: string }>();
  return {
    email,
    password,
    token: body.access_token,
    refreshToken: body.refresh_token,
    auth: { authorization: `Bearer ${body.access_token}` },
  };
}

/**
 * A tenant (built-in roles, its admin) plus one user per built-in role, each signed in through
 * `POST /api/v1/auth/login`. E-mails are unique per call, so several fixtures can share a database.
 */
export async function identityFixture(t: TestApp, name = 'acme'): Promise<IdentityFixture> {
  const tag = unique();
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${tag}`;
  const emailOf = (role: string) => `${role.replace(/_/g, '.')}.${tag}@${name.toLowerCase()}.test`;
  const passwordHash = await fixturePasswordHash();
  const ids = await t.database.db.withSystem(async (tx) => {
    const { tenantId, adminId } = await provisionTenant(
      tx,
      t.app.platform.permissions,
      { name: `${name} ${tag}`, slug },
      { email: emailOf('admin'), passwordHash, firstName: 'Admin', lastName: name },
    );
    const byRole: Record<string, string> = { admin: adminId };
    for (const role of FIXTURE_ROLES) {
      if (role === 'admin') continue;
      byRole[role] = await insertUserWithRoles(tx, {
        tenantId,
        email: emailOf(role),
        passwordHash,
        firstName: role,
        lastName: name,
        roleKeys: [role],
      });
    }
    return { tenantId, byRole };
  });
  const users = {} as Record<FixtureRole, FixtureUser>;
  for (const role of FIXTURE_ROLES) {
    users[role] = { id: ids.byRole[role]!, ...(await login(t, emailOf(role), FIXTURE_PASSWORD)) };
  }
  return { tenantId: ids.tenantId, slug, users };
}

/** A super administrator (platform tenant, role super_admin), signed in. */
export async function superAdminFixture(t: TestApp): Promise<FixtureUser> {
  const email = `root.${unique()}@platform.test`;
  const passwordHash = await fixturePasswordHash();
  const id = await t.database.db.withSystem((tx) =>
    createSuperAdmin(tx, { email, passwordHash, firstName: 'Root' }),
  );
  return { id, ...(await login(t, email, FIXTURE_PASSWORD)) };
}
