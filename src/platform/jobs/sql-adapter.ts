import type { Database, Tx } from '../db/types.js';

/** What pg-boss calls instead of opening its own pool (its `db` constructor and per-call option). */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** pg-boss's own schema and maintenance scripts are `BEGIN; …; COMMIT;` in one string (plans.locked()). */
const SCRIPT = /^\s*BEGIN\s*;([\s\S]*?);?\s*COMMIT\s*;?\s*$/i;

/**
 * Runs a script's statements as one implicit transaction instead of its own BEGIN…COMMIT: sent as a
 * single simple-protocol message, PostgreSQL (and PGlite) treat the statements as one transaction
 * (SET LOCAL and advisory xact locks still work) and roll all of it back on an error. With the
 * script's explicit BEGIN, an error would leave the session "in failed transaction" after the
 * message: a pooled pg connection would go back to the pool poisoned, and PGlite — one connection —
 * would refuse every later statement. pg-boss never reads rows of these scripts (contractor, expire,
 * archive, drop ignore them), so an empty result is faithful.
 */
async function runScript(db: Database, body: string): Promise<{ rows: Record<string, unknown>[] }> {
  await db.exec(body);
  return { rows: [] };
}

/**
 * pg-boss 10 marks a finished job completed/failed without awaiting the promise (manager.js,
 * watch → onFetch). If that statement rejects (database restarting, or closed a moment early), the
 * rejection is unhandled and Node ends the process — the API process too, since it runs workers.
 * Those two statements are the only ones pg-boss sends with `[queue, ids[], output]`; for them a
 * failure is logged and swallowed: the job stays active until it expires, then maintenance retries it.
 */
function isCompletion(values: unknown[] | undefined): boolean {
  return values?.length === 3 && typeof values[0] === 'string' && Array.isArray(values[1]);
}

export interface TrackedBossDb extends BossDb {
  /** Resolves once no statement issued through this adapter is still running. */
  drain(): Promise<void>;
}

/**
 * The adapter pg-boss uses for everything outside a caller's transaction — on both drivers, so one
 * pool serves the API and the workers (sized and monitored in one place; see queue.ts). Statements
 * in flight are tracked so `stop()` returns only when pg-boss's last write has finished, and the
 * database can be closed right after.
 */
export function bossDbFor(db: Database, onCompletionError: (error: unknown) => void): TrackedBossDb {
  const inFlight = new Set<Promise<unknown>>();

  async function run(text: string, values?: unknown[]) {
    if (values?.length) return db.query<Record<string, unknown>>(text, values);
    const script = SCRIPT.exec(text);
    // A single statement without parameters (version checks, getTime, schedules, countStates) needs
    // its rows: PGlite's `query` runs exactly one statement through the extended protocol.
    return script ? runScript(db, script[1]!) : db.query<Record<string, unknown>>(text);
  }

  return {
    executeSql(text, values) {
      const running = run(text, values).catch((error: unknown) => {
        if (!isCompletion(values)) throw error;
        onCompletionError(error);
        return { rows: [{ count: 0 }] };
      });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running)).catch(() => undefined);
      return running;
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * The per-call adapter for `send(…, { tx })`: pg-boss's INSERT runs on the transaction's own
 * connection, so the job commits or rolls back with the caller's work. It is also the only safe way
 * on PGlite, where the outer database waits for the running transaction and would deadlock.
 */
export function bossDbForTx(tx: Tx): BossDb {
  return { executeSql: (text, values) => tx.sql.query(text, values?.length ? values : undefined) };
}
