import PgBoss from 'pg-boss';
import { APP_ROLE } from '../db/preamble.js';
import type { Database } from '../db/types.js';
import { bossDbFor } from './sql-adapter.js';

/** pg-boss's schema (its default). Queries in this folder name it explicitly. */
export const JOB_SCHEMA = 'pgboss';

/**
 * What a tenant transaction (running as the application role) needs to enqueue a job through
 * pg-boss's insert: read the queue's defaults, insert the row and return its id. Nothing else — it
 * cannot read other tenants' job data, fetch, complete or delete jobs. Partitions (one table per
 * queue) need no grants: privileges are checked on the partitioned parent the INSERT names.
 * GRANT is idempotent, so this runs on every migrate.
 */
/** The job tables the application role may touch, and how; the table-access test holds the database to it. */
export const JOB_TABLE_ACCESS = {
  queue: { table: ['SELECT'], columns: [] },
  job: { table: ['INSERT'], columns: ['id'] },
} as const;

const GRANTS = `
  GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${APP_ROLE};
  GRANT SELECT ON ${JOB_SCHEMA}.queue TO ${APP_ROLE};
  GRANT INSERT, SELECT (id) ON ${JOB_SCHEMA}.job TO ${APP_ROLE};
`;

/**
 * Creates or upgrades pg-boss's schema, then grants the application role what `send({ tx })` needs.
 * Runs from `migrate()` (src/schema.ts), so every database — and the test template — has it, and the
 * job queue itself starts with `migrate: false`. pg-boss's own contractor does the work (it knows
 * the installed version and applies its migrations under an advisory lock); nothing else is started.
 */
export async function installJobSchema(db: Database): Promise<void> {
  const sql = bossDbFor(db, () => undefined);
  const boss = new PgBoss({ db: sql, schema: JOB_SCHEMA, migrate: true, supervise: false, schedule: false });
  let failure: unknown;
  boss.on('error', (error: unknown) => (failure ??= error));
  await boss.start();
  await boss.stop({ graceful: false, close: false });
  await sql.drain();
  if (failure) throw failure;
  await db.exec(GRANTS);
}
