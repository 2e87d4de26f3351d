import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import type { Database } from '../../src/platform/db/index.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { rlsProbe } from '../fixtures/probe.tables.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { createProbeTable } from '../harness/probe-table.js';

const tenantA = uuidv7();
const tenantB = uuidv7();

interface Settings {
  role: string;
  tenant: string;
}
const SETTINGS = "select current_user as role, current_setting('app.tenant_id', true) as tenant";

// One pooled connection: every call below reuses the connection the previous one left behind.
describe(`tenant reads and writes outside transactions (${driverUnderTest})`, () => {
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

  const settingsIn = (tenantId: string) =>
    db.readTenant({ tenantId }, async (tx) => (await tx.sql.query<Settings>(SETTINGS)).rows[0]);
  const namesIn = (tenantId: string) =>
    db.readTenant({ tenantId }, async (tx) => (await tx.db.select().from(rlsProbe)).map((r) => r.name));

  it('reads as the application role, bound to the tenant, and rebinds per call', async () => {
    expect(await settingsIn(tenantA)).toEqual({ role: 'salesops_app', tenant: tenantA });
    expect(await namesIn(tenantA)).toEqual(['a']);
    expect(await settingsIn(tenantB)).toEqual({ role: 'salesops_app', tenant: tenantB });
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

  it('writes as the application role, each statement committing on its own', async () => {
    const rows = await db.writeTenant({ tenantId: tenantA }, async (tx) => ({
      settings: (await tx.sql.query<Settings>(SETTINGS)).rows[0],
      inserted: await tx.db.insert(rlsProbe).values({ tenantId: tenantA, name: 'w1', amount: 1 }).returning(),
    }));
    expect(rows.settings).toEqual({ role: 'salesops_app', tenant: tenantA });
    expect(rows.inserted).toMatchObject([{ name: 'w1' }]);
    // Committed: seen by a read on whatever connection, and by the owner.
    expect(await namesIn(tenantA)).toContain('w1');
    const owner = await db.withSystem((tx) => tx.db.select().from(rlsProbe).where(eq(rlsProbe.name, 'w1')));
    expect(owner).toHaveLength(1);
  });

  it("confines writes to the bound tenant: another tenant's rows are neither written nor changed", async () => {
    const foreign = db.writeTenant({ tenantId: tenantA }, (tx) =>
      tx.db.insert(rlsProbe).values({ tenantId: tenantB, name: 'foreign', amount: 1 }),
    );
    await expect(foreign).rejects.toSatisfy((error) => sqlState(error) === '42501');
    const changed = await db.writeTenant({ tenantId: tenantA }, (tx) =>
      tx.db.update(rlsProbe).set({ amount: 99 }).where(eq(rlsProbe.name, 'b')).returning(),
    );
    expect(changed).toEqual([]);
    expect(await namesIn(tenantB)).toEqual(['b']);
  });

  it('keeps what an earlier statement wrote when a later one fails, and the connection usable', async () => {
    const failing = db.writeTenant({ tenantId: tenantA }, async (tx) => {
      await tx.db.insert(rlsProbe).values({ tenantId: tenantA, name: 'kept', amount: 1 });
      await tx.sql.query('select 1/0');
    });
    await expect(failing).rejects.toSatisfy((error) => sqlState(error) === '22012');
    // A transaction would have rolled 'kept' back; PostgreSQL's statements committed one by one.
    const kept = (await namesIn(tenantA)).includes('kept');
    expect(kept).toBe(driverUnderTest === 'postgres');
    expect(await settingsIn(tenantA)).toEqual({ role: 'salesops_app', tenant: tenantA });
  });

  it('switches a connection between read and write sessions, and reads stay read-only', async () => {
    await db.writeTenant({ tenantId: tenantB }, (tx) =>
      tx.db.insert(rlsProbe).values({ tenantId: tenantB, name: 'b2', amount: 1 }),
    );
    const write = db.readTenant({ tenantId: tenantB }, (tx) =>
      tx.db.insert(rlsProbe).values({ tenantId: tenantB, name: 'sneaky' }),
    );
    await expect(write).rejects.toSatisfy((error) => sqlState(error) === '25006');
    expect((await namesIn(tenantB)).sort()).toEqual(['b', 'b2']);
    const raw = await db.query<{ read_only: string; role: string }>(
      "select current_setting('transaction_read_only') as read_only, current_user as role",
    );
    expect(raw.rows[0]!.read_only).toBe('off');
    expect(raw.rows[0]!.role).not.toBe('salesops_app');
  });
});
