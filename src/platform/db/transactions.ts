import { RETRYABLE_SQLSTATES, sqlState, translateDbError } from './pg-errors.js';
import { tenantPreamble, type SessionMode } from './preamble.js';
import type { Database, NotificationListener, PoolStats, TenantContext, Tx, TxOptions } from './types.js';

/** What a driver provides; `createDatabase` adds tenancy and retries on top. */
export interface DriverCore {
  readonly driver: Database['driver'];
  /** One transaction; `preamble` (when given) runs first, inside it. */
  transaction<T>(preamble: string | null, fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * Statements for one tenant outside a transaction (`Database.readTenant`, `writeTenant`); drivers
   * without it run them in a tenant transaction instead.
   */
  session?<T>(ctx: TenantContext, mode: SessionMode, fn: (tx: Tx) => Promise<T>): Promise<T>;
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(text: string): Promise<void>;
  listen(
    channel: string,
    listener: NotificationListener,
    onResubscribed?: () => void,
  ): Promise<() => Promise<void>>;
  migrate(folder: string): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

const MAX_ATTEMPTS = 4;

/** What a snapshot transaction declares first (before any statement, as PostgreSQL requires). */
export const SNAPSHOT_MODE = 'isolation level repeatable read, read only';

/**
 * Runs a transaction, running it again after a serialization failure or deadlock (the database
 * rolled it back whole, so a retry is safe). After the last attempt the caller gets a 503.
 */
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const state = sqlState(error);
      if (!state || !RETRYABLE_SQLSTATES.has(state)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw translateDbError(error) ?? error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

export function withTenancy(core: DriverCore): Database {
  return {
    driver: core.driver,
    withTenant: (ctx, fn, options) => withRetry(() => core.transaction(tenantPreamble(ctx), fn, options)),
    readTenant: (ctx, fn) =>
      withRetry(() =>
        core.session
          ? core.session(ctx, 'read', fn)
          : core.transaction(tenantPreamble(ctx), fn, { snapshot: true }),
      ),
    // A retry runs the step again: its reads, then its one write, which failed and rolled back whole.
    writeTenant: (ctx, fn) =>
      withRetry(() =>
        core.session ? core.session(ctx, 'write', fn) : core.transaction(tenantPreamble(ctx), fn),
      ),
    withSystem: (fn) => withRetry(() => core.transaction(null, fn)),
    query: (text, params) => core.query(text, params),
    exec: (text) => core.exec(text),
    listen: (channel, listener, onResubscribed) => core.listen(channel, listener, onResubscribed),
    migrate: (folder) => core.migrate(folder),
    poolStats: () => core.poolStats(),
    close: () => core.close(),
  };
}
