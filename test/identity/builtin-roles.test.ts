import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { defaultPermissions, IDENTITY_PERMISSIONS } from '../../src/modules/identity/permissions.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from './fixtures.js';

/**
 * A tenant created by an earlier release holds that release's built-in role sets. When the app
 * starts with a catalogue that grants more (a new module, a new permission), the built-in roles
 * are brought in line at start, audited, and every instance judges their holders afresh.
 */
describe('built-in roles follow the permission catalogue across releases', () => {
  let t: TestApp;
  let fx: IdentityFixture;

  const owner = <R>(text: string, params: unknown[] = [fx.tenantId]) =>
    t.database.db.query<R>(text, params).then((r) => (r as { rows: R[] }).rows);
  const rolePermissions = async (key: string) =>
    (
      await owner<{ permissions: string[] }>(
        'select permissions from roles where tenant_id = $1 and key = $2',
        [fx.tenantId, key],
      )
    )[0]!.permissions;
  const roleUpdates = () =>
    owner<{ entity_id: string; changes: { before: object; after: object }; actor_user_id: string | null }>(
      `select entity_id, changes, actor_user_id from audit_log
        where tenant_id = $1 and action = 'role.update' order by at, id`,
    );
  const orgUnits = (app: TestApp) =>
    app.app.inject({ method: 'GET', url: '/api/v1/org-units', headers: fx.users.agent.auth });
  /** Another instance of the release on the same database, started (and so aligned) and closed. */
  const withRestart = async <T>(fn: (next: TestApp) => Promise<T>) => {
    const next = await createTestApp({ deps: { modules: [identityModule] }, database: t.database });
    try {
      return await fn(next);
    } finally {
      await next.close();
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule] } });
    fx = await identityFixture(t, 'builtin-roles');
  });
  afterAll(() => t?.close());

  it('a permission the release added reaches the roles of existing tenants, audited, on every instance', async () => {
    // The tenant as an earlier release left it: its agents could not read the org tree, and they
    // hold a permission of a module this process runs without.
    await owner(
      `update roles set permissions = array_append(array_remove(permissions, 'org_units:read'), 'legacy:reports')
        where tenant_id = $1 and key = 'agent'`,
    );
    expect(await orgUnits(t).then((r) => r.statusCode)).toBe(403);

    await withRestart(async (next) => {
      expect(await orgUnits(next).then((r) => r.statusCode)).toBe(200);
    });
    expect(await rolePermissions('agent')).toEqual(
      [...defaultPermissions('agent', IDENTITY_PERMISSIONS), 'legacy:reports'].sort(),
    );
    const [update] = await roleUpdates();
    expect(update).toMatchObject({
      changes: { after: { permissions: expect.arrayContaining(['org_units:read']) } },
      actor_user_id: null,
    });
    expect(update!.changes.before).not.toMatchObject({
      permissions: expect.arrayContaining(['org_units:read']),
    });

    // The running instance heard of it and judges the agent afresh.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await orgUnits(t)).statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  });

  it('a permission the release gives a role no longer is taken away; custom roles are left alone', async () => {
    await owner(
      `update roles set permissions = array_append(permissions, 'users:write') where tenant_id = $1 and key = 'viewer'`,
    );
    const custom = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: fx.users.admin.auth,
      payload: { key: 'auditor', name: 'Auditor', level: 15, permissions: ['audit:read'] },
    });
    expect(custom.statusCode).toBe(201);

    await withRestart(async () => undefined);
    expect(await rolePermissions('viewer')).toEqual(defaultPermissions('viewer', IDENTITY_PERMISSIONS));
    expect(await rolePermissions('auditor')).toEqual(['audit:read']);
  });

  it('a start with nothing to change writes nothing', async () => {
    const before = await roleUpdates();
    const versions = await owner<{ xmin: string }>(
      'select xmin::text from roles where tenant_id = $1 order by id',
    );
    await withRestart(async () => undefined);
    expect(await roleUpdates()).toEqual(before);
    expect(await owner('select xmin::text from roles where tenant_id = $1 order by id')).toEqual(versions);
  });
});
