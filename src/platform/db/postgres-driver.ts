import { createHash } from 'node:crypto';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { databaseUnavailable } from './pg-errors.js';
import { ownerPreamble, tenantSession } from './preamble.js';
import { roundTripTally, type RoundTripTally } from './round-trips.js';
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
function preparingClient(
  client: pg.PoolClient,
  tallies: WeakMap<pg.PoolClient, RoundTripTally>,
): pg.PoolClient {
  const names = new Set<string>();
  const query = (config: unknown, values?: unknown) => {
    tallies.get(client)?.add();
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
 * One dedicated connection for LISTEN. When it fails (the server restarts, an administrator ends the
 * session) it reconnects with backoff, as long as it takes, and subscribes every channel again, so
 * real-time events survive a database outage. Notifications sent while it is away are lost: each
 * subscriber's `onResubscribed` then runs, so it can re-read what they would have told it.
 */
function createListener(options: PostgresOptions) {
  interface Subscriber {
    listener: NotificationListener;
    onResubscribed?: () => void;
  }
  const channels = new Map<string, Set<Subscriber>>();
  let everConnected = false;
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  let retryMs = 250;

  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  function reconnectLater(): void {
    if (closed || retry || channels.size === 0) return;
    retry = setTimeout(() => {
      retry = undefined;
      void ensure().catch(() => reconnectLater());
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  }

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (msg) => {
      for (const { listener } of channels.get(msg.channel) ?? []) listener(msg.payload ?? '');
    });
    const lost = (error?: Error) => {
      if (error) options.onError?.(error);
      if (client !== next) return;
      client = undefined;
      void next.end().catch(() => undefined);
      reconnectLater();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      for (const channel of channels.keys()) await next.query(`LISTEN ${quote(channel)}`);
    } catch (error) {
      void next.end().catch(() => undefined);
      throw error;
    }
    retryMs = 250;
    client = next;
    if (everConnected) {
      for (const set of channels.values()) for (const s of set) s.onResubscribed?.();
    }
    everConnected = true;
    return next;
  }

  function ensure(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    async listen(channel: string, listener: NotificationListener, onResubscribed?: () => void) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
        try {
          const conn = await ensure();
          if (conn === client && channels.get(channel) === set) await conn.query(`LISTEN ${quote(channel)}`);
        } catch (error) {
          if (channels.get(channel) === set && set.size === 0) channels.delete(channel);
          throw error;
        }
      }
      const subscriber: Subscriber = { listener, onResubscribed };
      set.add(subscriber);
      return async () => {
        set.delete(subscriber);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
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
    // No JIT compilation: the server compiles a statement whose estimated cost passes
    // `jit_above_cost`, which costs 0.3–0.5 s each time — more than the aggregates over a month of
    // a million sales it would speed up (measured: a dashboard statement 919 ms with JIT, of which
    // 435 ms compiling). Short statements run many times are this API's work; JIT suits long ones.
    options: '-c jit=off',
  });
  pool.on('error', (error) => options.onError?.(error));
  // The pool listens for errors only on idle connections. A session the server ends while it is
  // checked out, between two statements, would raise an unhandled 'error' event and end the process;
  // with this listener the next statement on it fails instead (503), and the pool discards it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const listener = createListener(options);
  // Drizzle instances are cached per pooled connection: building one per request costs more than the query.
  const bound = new WeakMap<pg.PoolClient, AppDb>();
  // The round trips of each observed transaction, by the connection it runs on (see round-trips.ts).
  const tallies = new WeakMap<pg.PoolClient, RoundTripTally>();
  const dbFor = (client: pg.PoolClient) => {
    let db = bound.get(client);
    if (!db) {
      db = drizzle({ client: preparingClient(client, tallies) }) as unknown as AppDb;
      bound.set(client, db);
    }
    return db;
  };
  /** Not getting a connection at all (refused, the pool's wait timed out, the server refusing sessions) is 503. */
  const connect = () =>
    pool.connect().catch((error: unknown) => {
      throw databaseUnavailable(error);
    });

  // The mode and tenant a pooled connection's session is bound to by `session` (absent: the owner,
  // unbound).
  // Transactions set their own role and tenant locally, so they run right on any connection; only
  // statements outside transactions depend on the session, and each path below sets what it needs.
  const boundTenant = new WeakMap<pg.PoolClient, string>();
  const asOwner = async (client: pg.PoolClient) => {
    if (!boundTenant.has(client)) return;
    await client.query(ownerPreamble('session'));
    boundTenant.delete(client);
  };
  const txOf = (client: pg.PoolClient, tally: RoundTripTally | undefined) => ({
    db: dbFor(client),
    sql: {
      query: (text: string, params?: unknown[]) => {
        tally?.add();
        return client.query(text, params) as never;
      },
    },
  });

  return {
    driver: 'postgres',
    async transaction(preamble, fn, options) {
      const client = await connect();
      let broken: Error | undefined;
      const tally = roundTripTally();
      if (tally) tallies.set(client, tally);
      try {
        // BEGIN and the preamble travel in one round trip (simple query protocol). `read write` is
        // explicit because a connection bound for tenant reads defaults to read-only.
        const begin = options?.snapshot ? `begin ${SNAPSHOT_MODE}` : 'begin read write';
        const settings = preamble ?? (boundTenant.has(client) ? ownerPreamble('transaction') : null);
        await client.query(settings ? `${begin}; ${settings}` : begin);
        const result = await fn(txOf(client, tally));
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
        tallies.delete(client);
        tally?.end();
        client.release(broken);
      }
    },
    async session(ctx, mode, fn) {
      const client = await connect();
      const key = `${mode}/${ctx.tenantId.toLowerCase()}`;
      const binds = boundTenant.get(client) !== key;
      // No BEGIN or COMMIT: only the binding (when the connection was bound elsewhere) and the statements.
      const tally = roundTripTally({ opening: binds ? 1 : 0, closing: 0 });
      if (tally) tallies.set(client, tally);
      try {
        if (binds) {
          boundTenant.delete(client); // unknown until the statement succeeds
          await client.query(tenantSession(ctx, mode));
          boundTenant.set(client, key);
        }
        return await fn(txOf(client, tally));
      } finally {
        tallies.delete(client);
        tally?.end();
        // No transaction to end: a failed statement left nothing open, and a connection that broke
        // meanwhile is discarded by the pool.
        client.release();
      }
    },
    async query(text, params) {
      const client = await connect();
      try {
        await asOwner(client);
        return (await client.query(text, params)) as never;
      } finally {
        client.release(); // a connection that broke meanwhile is discarded by the pool
      }
    },
    async exec(text) {
      // A failing script that opened its own transaction would leave the connection aborted; roll it
      // back (or destroy the connection) before it returns to the pool.
      const client = await connect();
      let broken: Error | undefined;
      try {
        await asOwner(client);
        await client.query(text);
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    listen: (channel, fn, onResubscribed) => listener.listen(channel, fn, onResubscribed),
    async migrate(migrationsFolder) {
      // A session lock serialises instances that start together; drizzle runs its own transaction.
      const client = await connect();
      try {
        await asOwner(client);
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
