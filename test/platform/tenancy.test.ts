import { eq, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import type { Database } from '../../src/platform/db/index.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { prepared } from '../../src/platform/db/prepared.js';
import { rlsProbe } from '../fixtures/probe.tables.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { createProbeTable } from '../harness/probe-table.js';

const tenantA = uuidv7();
const tenantB = uuidv7();

describe(`row-level security (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let db: Database;
  let rowA: string;
  let rowB: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await createProbeTable(db);
    rowA = await db.withTenant({ tenantId: tenantA }, async (tx) => {
      const [row] = await tx.db
        .insert(rlsProbe)
        .values({ tenantId: tenantA, name: 'a', amount: 1 })
        .returning();
      return row!.id;
    });
    rowB = await db.withTenant({ tenantId: tenantB }, async (tx) => {
      const [row] = await tx.db
        .insert(rlsProbe)
        .values({ tenantId: tenantB, name: 'b', amount: 2 })
        .returning();
      return row!.id;
    });
  });
  afterAll(() => database.close());

  it('runs tenant transactions as the application role with the tenant set', async () => {
    const settings = await db.withTenant({ tenantId: tenantA }, async (tx) => {
      const { rows } = await tx.sql.query<{ role: string; tenant: string }>(
        "select current_user as role, current_setting('app.tenant_id') as tenant",
      );
      return rows[0];
    });
    expect(settings).toEqual({ role: 'salesops_app', tenant: tenantA });
  });

  it("hides another tenant's rows from select, even with an explicit filter", async () => {
    const rows = await db.withTenant({ tenantId: tenantA }, (tx) => tx.db.select().from(rlsProbe));
    expect(rows.map((r) => r.id)).toEqual([rowA]);
    const guessed = await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db.select().from(rlsProbe).where(eq(rlsProbe.id, rowB)),
    );
    expect(guessed).toEqual([]);
  });

  it("cannot update or delete another tenant's rows", async () => {
    const updated = await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db.update(rlsProbe).set({ amount: 99 }).where(eq(rlsProbe.id, rowB)).returning(),
    );
    const deleted = await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db.delete(rlsProbe).where(eq(rlsProbe.id, rowB)).returning(),
    );
    expect(updated).toEqual([]);
    expect(deleted).toEqual([]);
    const still = await db.withSystem((tx) => tx.db.select().from(rlsProbe).where(eq(rlsProbe.id, rowB)));
    expect(still).toMatchObject([{ amount: 2, name: 'b' }]);
  });

  it('refuses inserts carrying a foreign tenant_id', async () => {
    await expect(
      db.withTenant({ tenantId: tenantA }, (tx) =>
        tx.db.insert(rlsProbe).values({ tenantId: tenantB, name: 'x' }),
      ),
    ).rejects.toSatisfy((error) => sqlState(error) === '42501');
  });

  it('refuses moving a row to another tenant', async () => {
    await expect(
      db.withTenant({ tenantId: tenantA }, (tx) =>
        tx.db.update(rlsProbe).set({ tenantId: tenantB }).where(eq(rlsProbe.id, rowA)),
      ),
    ).rejects.toSatisfy((error) => sqlState(error) === '42501');
  });

  it('shows nothing as the application role when no tenant is set', async () => {
    const rows = await db.withSystem(async (tx) => {
      await tx.sql.query("select set_config('role', 'salesops_app', true)");
      return (await tx.sql.query('select * from rls_probe')).rows;
    });
    expect(rows).toEqual([]);
  });

  it('lets system transactions see every tenant', async () => {
    const rows = await db.withSystem((tx) => tx.db.select({ n: sql<number>`count(*)::int` }).from(rlsProbe));
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('rolls back the whole transaction when the callback throws', async () => {
    await expect(
      db.withTenant({ tenantId: tenantA }, async (tx) => {
        await tx.db.insert(rlsProbe).values({ tenantId: tenantA, name: 'rolled-back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.withSystem((tx) =>
      tx.db.select().from(rlsProbe).where(eq(rlsProbe.name, 'rolled-back')),
    );
    expect(rows).toEqual([]);
  });

  it('keeps tenants apart through statements prepared and cached on one connection', async () => {
    // Every query below reuses one prepared statement (and, on PostgreSQL, its cached plan).
    const byName = (tenantId: string) =>
      db.withTenant({ tenantId }, (tx) =>
        prepared(tx.db, 'probe.all', (d) =>
          d
            .select()
            .from(rlsProbe)
            .where(ne(rlsProbe.name, sql.placeholder('exclude')))
            .prepare('probe_all'),
        ).execute({ exclude: '' }),
      );
    for (let round = 0; round < 8; round++) {
      expect((await byName(tenantA)).map((r) => r.tenantId)).toEqual([tenantA]);
      expect((await byName(tenantB)).map((r) => r.tenantId)).toEqual([tenantB]);
    }
  });

  it('rejects a tenant id that is not a UUID before touching the database', async () => {
    await expect(db.withTenant({ tenantId: "x'); drop table rls_probe; --" }, async () => 1)).rejects.toThrow(
      /tenant UUID/,
    );
  });
});
