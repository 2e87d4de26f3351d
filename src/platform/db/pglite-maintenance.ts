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
 *
 * Finding the due tables stats every relation file (pg_relation_size), which takes 50–200 ms with a
 * hundred tables — and PGlite runs in the event loop's thread, so every request waits that long,
 * every 30 s. No table can have outgrown its statistics by the slack without that much being written,
 * and every write is logged, so a pass first reads how far the write-ahead log moved since the last
 * one (a few microseconds) and looks at the tables only when it moved by more than the slack.
 */
const GROWTH_FACTOR = 1.2;
const GROWTH_SLACK_PAGES = 8;

const WAL_SINCE = `select pg_current_wal_lsn()::text as lsn,
  coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn), 'Infinity')::float8 as written`;

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
  let checkedAt: string | null = null; // WAL position when the tables were last looked at

  async function pass(): Promise<string[]> {
    const wal = await client.query<{ lsn: string; written: number }>(WAL_SINCE, [checkedAt]);
    const { lsn, written } = wal.rows[0]!;
    if (written < GROWTH_SLACK_PAGES * 8192) return [];
    const { rows } = await client.query<{ name: string }>(DUE_TABLES);
    const done: string[] = [];
    for (const { name } of rows) {
      if (stopped || client.closed) break;
      await client.exec(`vacuum analyze ${name}`);
      done.push(name);
    }
    // The position from before the pass: writes made between its statements count for the next one.
    checkedAt = lsn;
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
