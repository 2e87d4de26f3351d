import type { AppError } from '../http/errors.js';
import { conflict } from '../http/errors.js';

/**
 * Steps that read, decide in code, then write once with a guard in the write's WHERE clause (`status
 * = $seen`), with no row lock held in between (see `TenantDatabase.writeTenant`). When the row
 * changed since the read, the guarded write updates nothing; the step says so with `staleRead()`
 * and `untilFresh` runs it again on fresh reads, which then answer for the new state (a visit
 * cancelled meanwhile is a 409 VISIT_CANCELLED, a retry of the same check-in returns it unchanged).
 */
class StaleRead extends Error {}

const ATTEMPTS = 3;

/** What a step throws when its guarded write found the row changed since its read. */
export const staleRead = (): Error => new StaleRead('the row changed since it was read');

/**
 * Runs `step` until its guarded write lands. A row that keeps changing under it (every attempt
 * lost) is a 409 CONCURRENT_UPDATE: the client may retry.
 */
export async function untilFresh<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof StaleRead)) throw error;
      if (attempt >= ATTEMPTS) throw concurrentUpdate();
    }
  }
}

const concurrentUpdate = (): AppError =>
  conflict('CONCURRENT_UPDATE', 'The resource kept changing while this request ran; try again.');
