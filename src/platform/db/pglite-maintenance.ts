import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite has no autovacuum: without it the planner never learns how big a table has grown (a table
 * filled after its last ANALYZE keeps its empty-table estimates, and a delete by a non-leading
 * index column then walks a whole tenant's index on every statement) and dead rows are never
 * reclaimed. This is the embedded database's autovacuum: every `intervalMs` it finds the tables
 * whose size on disk outgrew what their statistics were taken on, and runs `VACUUM ANALYZE` on
 * them, one at a time. Each statement queues behind the running transaction like any other.
 *
 * Growth is read from sizes, not from the cumulative statistics counters, which single-user
 * PostgreSQL does not flush reliably: a table is due when its pages exceed the pages recorded at
 * its last VACUUM/ANALYZE by a fifth (plus a few pages, so tiny tables are left alone), the
 * proportions autovacuum uses by default.
 */
const GROWTH_FACTOR = 1.2;
const GROWTH_SLACK_PAGES = 8;

const DUE_TABLES = `
  select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
     and pg_relation_size(c.oid) / current_setting('block_size')::int
         > greatest(c.relpages, 0) * ${GROWTH_FACTOR} + ${GROWTH_SLACK_PAGES}
   order by pg_relation_size(c.oid) desc`;

export interface EmbeddedMaintenance {
  /** Vacuums and analyzes every table that is due now; the tables it did. */
  runOnce(): Promise<string[]>;
  stop(): Promise<void>;
}

export function startEmbeddedMaintenance(client: PGlite, intervalMs: number): EmbeddedMaintenance {
  let running: Promise<string[]> | undefined;
  let stopped = false;

  async function pass(): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(DUE_TABLES);
    const done: string[] = [];
    for (const { name } of rows) {
      if (stopped || client.closed) break;
      await client.exec(`vacuum analyze ${name}`);
      done.push(name);
    }
    return done;
  }

  function runOnce(): Promise<string[]> {
    running ??= pass().finally(() => (running = undefined));
    return running;
  }

  const timer =
    intervalMs > 0
      ? setInterval(() => {
          // A failed pass (the database closing under it) is retried on the next tick.
          if (!stopped && !client.closed) runOnce().catch(() => undefined);
        }, intervalMs)
      : undefined;
  timer?.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
