import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import type { Database } from '../../src/platform/db/index.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { rlsProbe } from '../fixtures/probe.tables.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { createProbeTable } from '../harness/probe-table.js';

const tenantA = uuidv7();
const tenantB = uuidv7();
const userA = uuidv7();
const userB = uuidv7();

interface Settings {
  role: string;
  tenant: string;
  user_id: string;
}
const SETTINGS =
  "select current_user as role, current_setting('app.tenant_id', true) as tenant, current_setting('app.user_id', true) as user_id";

// One pooled connection: every call below reuses the connection the previous one left behind.
describe(`tenant reads outside transactions (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 1 });
    db = database.db;
    await createProbeTable(db);
    for (const [tenantId, name] of [
      [tenantA, 'a'],
      [tenantB, 'b'],
    ] as const)
      await db.withTenant({ tenantId }, (tx) => tx.db.insert(rlsProbe).values({ tenantId, name, amount: 1 }));
  });
  afterAll(() => database.close());

  const settingsIn = (tenantId: string, userId: string) =>
    db.readTenant({ tenantId, userId }, async (tx) => (await tx.sql.query<Settings>(SETTINGS)).rows[0]);
  const namesIn = (tenantId: string) =>
    db.readTenant({ tenantId }, async (tx) => (await tx.db.select().from(rlsProbe)).map((r) => r.name));

  it('reads as the application role, bound to the tenant and user, and rebinds per call', async () => {
    expect(await settingsIn(tenantA, userA)).toEqual({
      role: 'salesops_app',
      tenant: tenantA,
      user_id: userA,
    });
    expect(await namesIn(tenantA)).toEqual(['a']);
    expect(await settingsIn(tenantB, userB)).toEqual({
      role: 'salesops_app',
      tenant: tenantB,
      user_id: userB,
    });
    expect(await namesIn(tenantB)).toEqual(['b']);
    expect(await namesIn(tenantA)).toEqual(['a']);
  });

  it('refuses writes, and the connection stays usable after the failed statement', async () => {
    const write = db.readTenant({ tenantId: tenantA }, (tx) =>
      tx.db.insert(rlsProbe).values({ tenantId: tenantA, name: 'sneaky' }),
    );
    await expect(write).rejects.toSatisfy((error) => sqlState(error) === '25006');
    expect(await namesIn(tenantA)).toEqual(['a']);
  });

  it('leaves the owner paths as they were: system transactions, raw statements, scripts', async () => {
    await namesIn(tenantA);
    const system = await db.withSystem(async (tx) => ({
      settings: (await tx.sql.query<Settings>(SETTINGS)).rows[0]!,
      names: (await tx.db.select().from(rlsProbe)).map((r) => r.name).sort(),
    }));
    expect(system.settings.role).not.toBe('salesops_app');
    expect(system.settings.tenant).toBe('');
    expect(system.names).toEqual(['a', 'b']);

    await namesIn(tenantA);
    const raw = await db.query<Settings & { read_only: string }>(
      `${SETTINGS}, current_setting('transaction_read_only') as read_only`,
    );
    expect(raw.rows[0]).toMatchObject({ tenant: '', read_only: 'off' });
    expect(raw.rows[0]!.role).not.toBe('salesops_app');

    await namesIn(tenantA);
    await db.exec('create temporary table scratch_after_read (x int); drop table scratch_after_read');
  });

  it.skipIf(driverUnderTest !== 'postgres')(
    'runs without JIT compilation on every pooled connection (tenant reads and owner paths)',
    async () => {
      const jitIn = (rows: { jit: string }[]) => rows[0]!.jit;
      expect(jitIn((await db.query<{ jit: string }>('show jit')).rows)).toBe('off');
      expect(
        await db.readTenant({ tenantId: tenantA }, async (tx) =>
          jitIn((await tx.sql.query<{ jit: string }>('show jit')).rows),
        ),
      ).toBe('off');
    },
  );

  it('lets a tenant transaction write on a connection a read left bound', async () => {
    await namesIn(tenantB);
    await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db.insert(rlsProbe).values({ tenantId: tenantA, name: 'a2', amount: 1 }),
    );
    expect((await namesIn(tenantA)).sort()).toEqual(['a', 'a2']);
    const [count] = await db.readTenant({ tenantId: tenantB }, (tx) =>
      tx.db.select({ n: sql<number>`count(*)::int` }).from(rlsProbe),
    );
    expect(count).toEqual({ n: 1 });
  });
});
