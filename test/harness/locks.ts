import type { TestApp } from './app.js';

/**
 * Waits until some statement of the test database waits for a lock (PostgreSQL only): a race test
 * starts its second writer once the first holds the row, so the interleaving it means is the one it
 * gets.
 */
export async function untilWaitingForLock(t: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await t.database.db.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no statement waited for the lock');
}
