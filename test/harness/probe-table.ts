import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { accessOf, accessStatements } from '../../src/platform/db/access.js';
import type { Database } from '../../src/platform/db/index.js';
import * as base from '../../src/platform/db/tenant-table.js';
import * as probe from '../fixtures/probe.tables.js';

/**
 * Creates the probe table with the DDL drizzle-kit generates for it, the same path a module's
 * table takes into a migration (with the access its definition declares), so tests exercise the
 * real policy and grants the helpers produce.
 */
export async function createProbeTable(db: Database): Promise<void> {
  const empty = generateDrizzleJson({});
  const next = generateDrizzleJson({ ...base, ...probe }, empty.id, undefined, 'snake_case');
  const statements = await generateMigration(empty, next);
  const access = [probe.rlsProbe, probe.bareProbe].flatMap((table) => accessStatements(accessOf(table)));
  await db.withSystem(async (tx) => {
    for (const statement of [...statements, ...access]) await tx.sql.query(statement);
  });
}
