import { errorMessage } from '../db/pg-errors.js';

/**
 * Runs `fn` for every tenant in turn, for a job that works across tenants: one tenant failing
 * spares the others, then the run fails naming each failed tenant with the database's (or the
 * error's) own words, so the job is retried and the failure seen. Answers each tenant's result, in
 * order, when none failed.
 */
export async function eachTenant<T>(
  tenantIds: Iterable<string>,
  what: string,
  fn: (tenantId: string) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const failures: string[] = [];
  for (const tenantId of tenantIds) {
    try {
      results.push(await fn(tenantId));
    } catch (error) {
      failures.push(`${tenantId}: ${errorMessage(error)}`);
    }
  }
  if (failures.length) throw new Error(`${what} failed: ${failures.join('; ')}`.slice(0, 2000));
  return results;
}
