import { createHash } from 'node:crypto';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { SNAPSHOT_MODE, type DriverCore } from './transactions.js';
import type { AppDb, NotificationListener } from './types.js';

const MIGRATION_LOCK_KEY = 7_210_431_001;

/** Statements one connection keeps prepared; past that, queries run unnamed (planned each time). */
const PREPARED_PER_CONNECTION = 500;

/**
 * Drizzle's queries as named prepared statements, one name per SQL text: each connection parses and
 * plans a statement once instead of on every request (planning costs more than executing the
 * typical by-id read). Row-level security stays correct: PostgreSQL replans a cached plan that
 * depends on RLS when the role changes, and the tenant is read from the setting at execution.
 */
function preparingClient(client: pg.PoolClient): pg.PoolClient {
  const names = new Set<string>();
  const query = (config: unknown, values?: unknown) => {
    const text = (config as pg.QueryConfig | null)?.text;
    if (typeof text === 'string' && !(config as pg.QueryConfig).name) {
      const name = `s_${createHash('sha1').update(text).digest('base64url')}`;
      if (names.has(name) || names.size < PREPARED_PER_CONNECTION) {
        names.add(name);
        return client.query({ ...(config as pg.QueryConfig), name }, values as unknown[]);
      }
    }
    return client.query(config as pg.QueryConfig, values as unknown[]);
  };
  return Object.assign(Object.create(client) as pg.PoolClient, { query });
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Called for errors of idle pooled connections and the listener connection (they must not crash the process). */
  onError?: (error: Error) => void;
}

/**
 * One dedicated connection for LISTEN, reconnecting with backoff, re-subscribing every channel, so
 * real-time events survive a database restart.
 */
function createListener(options: PostgresOptions) {
  const channels = new Map<string, Set<NotificationListener>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let retryMs = 250;

  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (msg) => {
      for (const listener of channels.get(msg.channel) ?? []) listener(msg.payload ?? '');
    });
    next.on('error', (error) => {
      options.onError?.(error);
      if (client === next) client = undefined;
      void next.end().catch(() => undefined);
      if (!closed) setTimeout(() => void ensure().catch(() => undefined), retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    });
    await next.connect();
    for (const channel of channels.keys()) await next.query(`LISTEN ${quote(channel)}`);
    retryMs = 250;
    client = next;
    return next;
  }

  function ensure(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    async listen(channel: string, listener: NotificationListener) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
        const conn = await ensure();
        if (conn === client && channels.has(channel)) await conn.query(`LISTEN ${quote(channel)}`);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

export async function openPostgres(options: PostgresOptions): Promise<DriverCore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onError?.(error));
  const listener = createListener(options);
  // Drizzle instances are cached per pooled connection: building one per request costs more than the query.
  const bound = new WeakMap<pg.PoolClient, AppDb>();
  const dbFor = (client: pg.PoolClient) => {
    let db = bound.get(client);
    if (!db) {
      db = drizzle({ client: preparingClient(client) }) as unknown as AppDb;
      bound.set(client, db);
    }
    return db;
  };

  return {
    driver: 'postgres',
    async transaction(preamble, fn, options) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // BEGIN and the tenant preamble travel in one round trip (simple query protocol).
        const begin = options?.snapshot ? `begin ${SNAPSHOT_MODE}` : 'begin';
        await client.query(preamble ? `${begin}; ${preamble}` : begin);
        const result = await fn({
          db: dbFor(client),
          sql: { query: (text, params) => client.query(text, params) as never },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is unusable: destroy it, not reuse it
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    query: (text, params) => pool.query(text, params) as never,
    async exec(text) {
      // A failing script that opened its own transaction would leave the connection aborted; roll it
      // back (or destroy the connection) before it returns to the pool.
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(text);
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    listen: (channel, fn) => listener.listen(channel, fn),
    async migrate(migrationsFolder) {
      // A session lock serialises instances that start together; drizzle runs its own transaction.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migrate(drizzle({ client }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
