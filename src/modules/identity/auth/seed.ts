import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { DemoLogin, Platform } from '../../../platform/module.js';
import { uuidv7 } from '../../../lib/ids.js';
import { orgUnits, teamMembers, teams } from '../tables/org.tables.js';
import { tenants } from '../tables/tenants.tables.js';
import { users } from '../tables/users.tables.js';
import { hashPassword } from '../passwords.js';
import { provisionTenant } from '../tenants/provision.js';
import { createSuperAdmin, insertUserWithRoles } from './auth.repository.js';

export const DEMO_PASSWORD = 'Demo1234!';
export const DEMO_SLUG = 'demo';
export const ROOT_EMAIL = 'root@salesops.local';
const DOMAIN = 'demo.salesops.local';
/** Uzbek mobile numbers (+998 90 …), in E.164 as stored; the demo tenant's phone region is UZ. */
const demoPhone = (n: number) => `+9989012345${String(n).padStart(2, '0')}`;

async function insertUnit(
  tx: Tx,
  tenantId: string,
  parent: { id: string; path: string; depth: number } | null,
  name: string,
  code: string,
  type: string,
) {
  const id = uuidv7();
  const path = `${parent?.path ?? '/'}${id}/`;
  const depth = parent ? parent.depth + 1 : 0;
  await tx.db
    .insert(orgUnits)
    .values({ id, tenantId, parentId: parent?.id ?? null, name, code, type, path, depth });
  return { id, path, depth };
}

/**
 * Demo data (idempotent: nothing happens when the `demo` tenant exists): a tenant with an org tree
 * (region → 2 areas → territories), two teams, one user per built-in role, and the super admin.
 * Each demo user also has a username (`agent`, `team.leader`, …: the e-mail's local part) that
 * signs in like the address, and an Uzbek phone number.
 */
export async function seedIdentityDemo(platform: Platform): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await platform.system.seed(async (tx) => {
    const [root] = await tx.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${ROOT_EMAIL}`);
    if (!root)
      await createSuperAdmin(tx, {
        email: ROOT_EMAIL,
        passwordHash,
        firstName: 'Root',
        lastName: 'Admin',
      });
    logins.push({ tenant: '(platform)', role: 'super_admin', login: ROOT_EMAIL, password: DEMO_PASSWORD });

    const [existing] = await tx.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.slug, DEMO_SLUG));
    const roleLogins = [
      'admin',
      'national_manager',
      'regional_manager',
      'area_manager',
      'team_leader',
      'agent',
      'viewer',
    ].map((role) => ({
      tenant: DEMO_SLUG,
      role,
      login: `${role.replace(/_/g, '.')}@${DOMAIN}`,
      password: DEMO_PASSWORD,
    }));
    logins.push(...roleLogins);
    if (existing) return;

    const { tenantId } = await provisionTenant(
      tx,
      platform.permissions,
      {
        name: 'Demo Trading',
        slug: DEMO_SLUG,
        settings: { default_phone_region: 'UZ', time_zone: 'Asia/Tashkent', currency: 'UZS' },
      },
      {
        email: `admin@${DOMAIN}`,
        passwordHash,
        firstName: 'Ada',
        lastName: 'Admin',
        username: 'admin',
        phone: demoPhone(0),
      },
    );
    const region = await insertUnit(tx, tenantId, null, 'Central region', 'R-C', 'region');
    const north = await insertUnit(tx, tenantId, region, 'North area', 'A-N', 'area');
    const south = await insertUnit(tx, tenantId, region, 'South area', 'A-S', 'area');
    const t1 = await insertUnit(tx, tenantId, north, 'North territory 1', 'T-N1', 'territory');
    await insertUnit(tx, tenantId, north, 'North territory 2', 'T-N2', 'territory');
    const t3 = await insertUnit(tx, tenantId, south, 'South territory 1', 'T-S1', 'territory');

    let phones = 0;
    const user = (
      role: string,
      firstName: string,
      orgUnitId: string | null,
      managerId: string | null = null,
    ) =>
      insertUserWithRoles(tx, {
        tenantId,
        email: `${role.replace(/_/g, '.')}@${DOMAIN}`,
        username: role.replace(/_/g, '.'),
        phone: demoPhone(++phones),
        passwordHash,
        firstName,
        lastName: 'Demo',
        roleKeys: [role],
        orgUnitId,
        managerId,
      });
    const national = await user('national_manager', 'Nina', null);
    const regional = await user('regional_manager', 'Rustam', region.id, national);
    const areaManager = await user('area_manager', 'Aziza', north.id, regional);
    const leader = await user('team_leader', 'Timur', t1.id, areaManager);
    const agent = await user('agent', 'Akmal', t1.id, leader);
    await user('viewer', 'Vera', null);
    const agent2 = await insertUserWithRoles(tx, {
      tenantId,
      email: `agent2@${DOMAIN}`,
      username: 'agent2',
      phone: demoPhone(++phones),
      passwordHash,
      firstName: 'Bekzod',
      lastName: 'Demo',
      roleKeys: ['agent'],
      orgUnitId: t3.id,
    });

    const [northTeam] = await tx.db
      .insert(teams)
      .values({ tenantId, name: 'North field team', orgUnitId: t1.id, leaderId: leader })
      .returning({ id: teams.id });
    const [southTeam] = await tx.db
      .insert(teams)
      .values({ tenantId, name: 'South field team', orgUnitId: t3.id, leaderId: areaManager })
      .returning({ id: teams.id });
    await tx.db.insert(teamMembers).values([
      { tenantId, teamId: northTeam!.id, userId: agent },
      { tenantId, teamId: northTeam!.id, userId: leader },
      { tenantId, teamId: southTeam!.id, userId: agent2 },
    ]);
  });
  return logins;
}
