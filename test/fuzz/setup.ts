import sharp from 'sharp';
import { hashPassword } from '../../src/modules/identity/passwords.js';
import { provisionTenant } from '../../src/modules/identity/tenants/provision.js';
import { modules } from '../../src/modules/index.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { callJson } from './http.js';
import type { Operation } from './spec.js';
import { World, type Principal, type Role } from './world.js';

const DEMO_PASSWORD = 'Demo1234!';
const quiet = { step: () => undefined, count: () => undefined, done: () => undefined };

async function signIn(port: number, email: string, password: string): Promise<Principal> {
  const login = await callJson<{ access_token: string }>(port, 'POST', '/api/v1/auth/login', undefined, {
    email,
    password,
  });
  const me = await callJson<{ id: string }>(port, 'GET', '/api/v1/auth/me', login.access_token);
  return { email, password, token: login.access_token, userId: me.id };
}

/** Sample uploads: real images (so photo and logo handlers run to the end), a PDF, an image bomb header. */
async function sampleFiles(): Promise<World['files']> {
  const image = sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } });
  // A PNG header claiming 100,000 × 100,000 pixels: refused from its header, never decoded.
  const bomb = Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00806000000', 'hex');
  return {
    png: await image.clone().png().toBuffer(),
    jpeg: await image.clone().jpeg().toBuffer(),
    pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    csv: Buffer.from('code,name\nX1,One\n,\n"unterminated\n'),
    bomb,
  };
}

/**
 * Brings the server to a state worth fuzzing: the demo tenant (every kind of record, one user per
 * role), a second tenant whose ids must stay invisible, signed-in principals, and every id the
 * lists show. Ids of the principals themselves are kept out of path parameters.
 */
export async function prepareWorld(t: TestApp, port: number, operations: Operation[]): Promise<World> {
  const world = new World(port);
  await seedDemo(t.app.platform, modules, quiet);
  const sign = async (role: Exclude<Role, 'anonymous'>, email: string) =>
    world.principals.set(role, await signIn(port, email, DEMO_PASSWORD));
  await sign('admin', 'admin@demo.salesops.local');
  await sign('agent', 'agent@demo.salesops.local');
  const admin = world.principals.get('admin')!;

  // The principals' sessions so far are protected; one more admin session is fair game.
  const own = await callJson<{ sessions: { id: string }[] }>(
    port,
    'GET',
    '/api/v1/auth/sessions',
    admin.token,
  );
  own.sessions.forEach((s) => world.protectedIds.add(s.id));
  await signIn(port, admin.email, DEMO_PASSWORD);

  const foreign = await foreignTenant(t, port);
  const collectForeign = (_route: string, body: unknown) => {
    const scratch = new World(port);
    scratch.harvest('', body);
    world.foreignIds.push(...[...scratch.ids.values()].flat());
  };
  await world.harvestAll(operations, foreign.token, collectForeign);
  world.foreignIds.push(foreign.tenantId);

  await world.harvestAll(operations, admin.token, (route, body) => world.harvest(route, body));
  await world.harvestAll(operations, world.principals.get('agent')!.token, (route, body) =>
    world.harvest(route, body),
  );

  for (const principal of world.principals.values()) {
    world.protectedIds.add(principal.userId);
    const me = await callJson<{ tenant_id: string; roles: string[] }>(
      port,
      'GET',
      '/api/v1/auth/me',
      principal.token,
    );
    world.protectedIds.add(me.tenant_id);
    const roles = await callJson<{ roles: { id: string; key: string }[] }>(
      port,
      'GET',
      '/api/v1/roles?limit=500',
      admin.token,
    );
    roles.roles.filter((r) => me.roles.includes(r.key)).forEach((r) => world.protectedIds.add(r.id));
  }
  world.restore = (principal) =>
    t.database.db.withSystem(async (tx) => {
      await tx.sql.query(
        `update users set email = $1, status = 'active', deactivated_at = null, failed_login_count = 0, locked_until = null
         where id = $2`,
        [principal.email, principal.userId],
      );
    });
  world.files = await sampleFiles();
  for (const entity of ['customers', 'outlets', 'products']) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/${entity}/import-template?format=csv`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    world.csvTemplates.set(entity, Buffer.from(await res.arrayBuffer()));
  }
  return world;
}

/** A second tenant with its admin signed in: its ids are what cross-tenant requests use. */
async function foreignTenant(t: TestApp, port: number): Promise<{ tenantId: string; token: string }> {
  const email = 'admin@foreign.fuzz.test';
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { tenantId } = await t.database.db.withSystem((tx) =>
    provisionTenant(
      tx,
      t.app.platform.permissions,
      { name: 'Foreign Fuzz', slug: 'foreign-fuzz' },
      { email, passwordHash, firstName: 'Foreign', lastName: 'Admin' },
    ),
  );
  const { token } = await signIn(port, email, DEMO_PASSWORD);
  await callJson(port, 'POST', '/api/v1/customers', token, { code: 'FZ-1', name: 'Foreign customer' }).catch(
    () => undefined,
  );
  return { tenantId, token };
}
