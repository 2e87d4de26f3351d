import type { AppDb } from './types.js';

const cache = new WeakMap<AppDb, Map<string, unknown>>();

/**
 * A Drizzle prepared query, built once per connection's Drizzle instance instead of on every call.
 * For the hottest reads: building the SQL costs about as much as running it. `build` must use
 * `sql.placeholder(...)` for every value that varies, and `key` must name one fixed query shape.
 */
export function prepared<T>(db: AppDb, key: string, build: (db: AppDb) => T): T {
  let queries = cache.get(db);
  if (!queries) {
    queries = new Map();
    cache.set(db, queries);
  }
  let query = queries.get(key) as T | undefined;
  if (query === undefined) {
    query = build(db);
    queries.set(key, query);
  }
  return query;
}
