import { inject } from 'vitest';
import type { Database } from '../../src/platform/db/index.js';

/**
 * Creates the probe tables with the DDL drizzle-kit generates for them (computed once per run by
 * global-setup.ts, see probe-ddl.ts), so tests exercise the real policy and grants the helpers
 * produce.
 */
export async function createProbeTable(db: Database): Promise<void> {
  const statements = inject('probeTableDdl');
  await db.withSystem(async (tx) => {
    for (const statement of statements) await tx.sql.query(statement);
  });
}
