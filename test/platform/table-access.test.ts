import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import { declaredTables } from '../../src/platform/db/declared-tables.js';
import { APP_ROLE, openDatabase, type Database } from '../../src/platform/db/index.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { migrateDatabase } from '../../src/platform/db/migrate.js';
import { createSystemAccess } from '../../src/platform/db/system.js';
import { AppError } from '../../src/platform/http/errors.js';
import { JOB_SCHEMA, JOB_TABLE_ACCESS } from '../../src/platform/jobs/schema.js';
import { bareProbe } from '../fixtures/probe.tables.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { createProbeTable } from '../harness/probe-table.js';

interface CatalogRow {
  schema: string;
  name: string;
  rls: boolean;
  force: boolean;
  policies: number;
  has_tenant_id: boolean;
  privileges: string[];
  column_privileges: string[];
}

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/** Every relation outside PostgreSQL's own schemas, with what the application role may do with it. */
async function readCatalog(db: Database): Promise<CatalogRow[]> {
  const { rows } = await db.withSystem((tx) =>
    tx.sql.query<CatalogRow>(
      `select n.nspname as schema, c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as force,
         (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies,
         exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                 and not a.attisdropped) as has_tenant_id,
         array(select p from unnest($1::text[]) p where has_table_privilege($2, c.oid, p)) as privileges,
         array(select a.attname || ':' || p from pg_attribute a cross join unnest(array['SELECT','INSERT','UPDATE']) p
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and not has_table_privilege($2, c.oid, p) and has_column_privilege($2, c.oid, a.attnum, p)
               order by 1) as column_privileges
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'v', 'm', 'f')
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
         and not c.relispartition
       order by 1, 2`,
      [TABLE_PRIVILEGES, APP_ROLE],
    ),
  );
  return rows;
}

describe(`table access (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(() => database.close());

  it('gives the application role exactly the declared grants, and only on tables with forced RLS and a policy', async () => {
    const declared = new Map((await declaredTables()).map((t) => [`${t.schema}.${t.name}`, t]));
    const catalog = await readCatalog(db);
    const problems: string[] = [];
    for (const row of catalog) {
      const key = `${row.schema}.${row.name}`;
      const granted = [...row.privileges].sort();
      const touchable = granted.length > 0 || row.column_privileges.length > 0;
      if (row.schema === JOB_SCHEMA) {
        const expected = JOB_TABLE_ACCESS[row.name as keyof typeof JOB_TABLE_ACCESS];
        const expectedColumns = (expected?.columns ?? []).map((c) => `${c}:SELECT`);
        if (granted.join() !== [...(expected?.table ?? [])].sort().join())
          problems.push(
            `${key}: grants ${granted.join() || 'nothing'}, expected ${expected?.table.join() || 'nothing'}`,
          );
        if (row.column_privileges.join() !== expectedColumns.join())
          problems.push(`${key}: column grants ${row.column_privileges.join() || 'none'}`);
        continue;
      }
      const table = declared.get(key);
      const expected = (table?.privileges ?? []).map((p) => p.toUpperCase()).sort();
      if (granted.join() !== expected.join())
        problems.push(
          `${key}: grants ${granted.join() || 'nothing'}, declared ${expected.join() || 'nothing'}`,
        );
      if (row.column_privileges.length)
        problems.push(`${key}: column grants ${row.column_privileges.join()}`);
      if ((touchable || row.has_tenant_id) && !(row.rls && row.force && row.policies > 0))
        problems.push(`${key}: rls=${row.rls} force=${row.force} policies=${row.policies}`);
    }
    for (const key of declared.keys())
      if (!catalog.some((row) => `${row.schema}.${row.name}` === key))
        problems.push(`${key}: declared but missing`);
    expect(problems).toEqual([]);
    expect(catalog.filter((row) => row.privileges.length > 0).length).toBeGreaterThan(30);
  });

  it('keeps a table created without the tenant helper closed to every tenant', async () => {
    await createProbeTable(db);
    const tenantA = uuidv7();
    const tenantB = uuidv7();
    await db.withSystem((tx) =>
      tx.db.insert(bareProbe).values([
        { tenantId: tenantA, secret: 'a' },
        { tenantId: tenantB, secret: 'b' },
      ]),
    );
    const read = db.withTenant({ tenantId: tenantA }, (tx) => tx.db.select().from(bareProbe));
    await expect(read).rejects.toSatisfy((error) => sqlState(error) === '42501');
    const write = db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db.insert(bareProbe).values({ tenantId: tenantA, secret: 'x' }),
    );
    await expect(write).rejects.toSatisfy((error) => sqlState(error) === '42501');
  });

  it('grants nothing on a table a later migration creates until its access is declared', async () => {
    const privileges = await db.withSystem(async (tx) => {
      await tx.sql.query('create table later_table (tenant_id uuid not null, note text)');
      const { rows } = await tx.sql.query<{ privileges: string[] }>(
        `select array(select p from unnest($1::text[]) p where has_table_privilege($2, 'later_table', p)) as privileges`,
        [TABLE_PRIVILEGES, APP_ROLE],
      );
      return rows[0]!.privileges;
    });
    expect(privileges).toEqual([]);
  });

  it('lets module code run as the owner only through named doors, and super-admin work only for super admins', async () => {
    const seen: unknown[] = [];
    const system = createSystemAccess(db, { debug: (obj) => seen.push(obj) });
    const count = (tx: Parameters<Parameters<typeof system.seed>[0]>[0]) =>
      tx.sql.query<{ n: number }>('select count(*)::int as n from tenants').then((r) => r.rows[0]!.n);
    await expect(system.crossTenantJob('test.job', count)).resolves.toBeGreaterThanOrEqual(0);
    await expect(
      system.asSuperAdmin({ isSuperAdmin: true, userId: uuidv7() }, count),
    ).resolves.toBeGreaterThanOrEqual(0);
    const refused = system.asSuperAdmin({ isSuperAdmin: false, userId: uuidv7() }, count);
    await expect(refused).rejects.toSatisfy((e) => e instanceof AppError && e.status === 403);
    expect(seen).toEqual([
      { system: { kind: 'cross-tenant-job', job: 'test.job' } },
      { system: { kind: 'super-admin', userId: expect.any(String) } },
    ]);
  });

  it.skipIf(driverUnderTest !== 'postgres')(
    'refuses to migrate as an owner that cannot bypass RLS',
    async () => {
      const role = `salesops_weak_${uuidv7().slice(-8)}`;
      await db.withSystem((tx) => tx.sql.query(`create role "${role}" login`));
      const url = new URL(database.url!);
      url.username = role;
      const weak = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 1 });
      try {
        await expect(migrateDatabase(weak)).rejects.toThrow(/BYPASSRLS/);
      } finally {
        await weak.close();
        await db.withSystem((tx) => tx.sql.query(`drop role "${role}"`));
      }
    },
  );
});
