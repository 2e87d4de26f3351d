import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/index.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';

/**
 * PostgreSQL keeps no plans of a SQL-language function between calls: a body that is more than an
 * inlinable expression is parsed and planned on every call. The functions the triggers call on every
 * write (field_totals_add upserts the daily totals of each visit write) are PL/pgSQL, whose
 * statements are planned once per connection; only immutable or stable helpers, which the planner
 * inlines into the calling statement, may be SQL-language.
 */
async function volatileSqlFunctions(db: Database): Promise<string[]> {
  const { rows } = await db.withSystem((tx) =>
    tx.sql.query<{ name: string }>(
      `select p.proname as name
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_language l on l.oid = p.prolang
       where n.nspname = 'public' and l.lanname = 'sql' and p.provolatile = 'v'
         and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
       order by 1`,
    ),
  );
  return rows.map((r) => r.name);
}

describe(`database functions (${driverUnderTest})`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('has no volatile SQL-language function, whose body would be planned again on every call', async () => {
    expect(await volatileSqlFunctions(database.db)).toEqual([]);
    const { rows } = await database.db.withSystem((tx) =>
      tx.sql.query<{ lanname: string }>(
        `select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang
         where p.proname = 'field_totals_add'`,
      ),
    );
    expect(rows).toEqual([{ lanname: 'plpgsql' }]);
  });

  it('sees one', async () => {
    await database.db.withSystem((tx) =>
      tx.sql.query(`create function probe_volatile_sql() returns void language sql as $$ select 1 $$`),
    );
    expect(await volatileSqlFunctions(database.db)).toEqual(['probe_volatile_sql']);
  });
});
