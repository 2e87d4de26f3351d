import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Raw SQL on the connection a transaction runs on (for pg-boss and the few queries Drizzle cannot express). */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** Drizzle bound to one transaction. Repositories take it as their first argument. */
export type AppDb = PgDatabase<PgQueryResultHKT>;

/** One open transaction: Drizzle for queries, `sql` for raw statements on the same connection. */
export interface Tx {
  db: AppDb;
  sql: SqlClient;
}

/**
 * How a transaction runs. `snapshot`: REPEATABLE READ, READ ONLY — every statement sees the same
 * committed data (long reads such as exports page through one consistent snapshot).
 */
export interface TxOptions {
  snapshot?: boolean;
}

/**
 * The tenant a statement runs for; it always comes from the authenticated principal. The acting user
 * is not part of it: statements that need the user take it as a parameter.
 */
export interface TenantContext {
  tenantId: string;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export type NotificationListener = (payload: string) => void;

/** The driver-neutral database every part of SalesOps uses. */
export interface Database {
  readonly driver: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction as the application role with RLS bound to the tenant. */
  withTenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * Runs `fn` as the application role with RLS bound to the tenant, without a transaction: each
   * statement commits on its own. For reads of one statement (or of facts that need no common
   * snapshot): on PostgreSQL a pooled connection stays bound to the last tenant it served, so a
   * repeated read costs its statement alone, where a transaction adds BEGIN and COMMIT round trips.
   * A write inside it is refused by the database (the session is read-only for it).
   */
  readTenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Like `readTenant`, but writes are allowed, and each commits on its own: for a step whose reads
   * are followed by exactly one write statement (its parts as CTEs), which guards in its WHERE
   * clause against what may have changed since the reads (a concurrent change then updates nothing,
   * and the step reads again). Two statements fewer than a transaction (BEGIN, COMMIT) on
   * PostgreSQL; a transaction on PGlite. A step that must write twice takes `withTenant`.
   */
  writeTenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction as the owner (RLS bypassed): migrations, jobs, super-admin work. */
  withSystem<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A statement outside any transaction, as the owner (health checks, pg-boss polling). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Several statements in one round trip, no parameters (pg-boss schema scripts). */
  exec(text: string): Promise<void>;
  /**
   * Calls `listener` with each NOTIFY on `channel`. `onResubscribed` runs after the listening
   * connection was lost and is back: notifications sent meanwhile are gone, so whatever was kept
   * up to date by them must be re-read (never on PGlite, whose connection cannot be lost).
   */
  listen(
    channel: string,
    listener: NotificationListener,
    onResubscribed?: () => void,
  ): Promise<() => Promise<void>>;
  /** Applies the drizzle-kit migrations in `folder` (serialised across processes on PostgreSQL). */
  migrate(folder: string): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/**
 * What module code sees of the database: tenant transactions only. Row-level security confines
 * every statement to the caller's tenant, so a forgotten filter cannot leak another tenant's rows;
 * the owner role is reached only through the platform's named doors (`SystemAccess`).
 */
export type TenantDatabase = Pick<
  Database,
  'driver' | 'withTenant' | 'readTenant' | 'writeTenant' | 'listen'
>;
