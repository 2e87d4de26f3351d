import type { TestApp } from './app.js';

/**
 * Waits until `count` statements of the test database wait for a lock (PostgreSQL only): a race
 * test starts its second writer once the first holds the row, so the interleaving it means is the
 * one it gets.
 */
export async function untilWaitingForLock(t: TestApp, count = 1): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await t.database.db.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no statement waited for the lock');
}
