/**
 * Counts the round trips each transaction makes to the database: opening it (BEGIN with the tenant
 * preamble, one round trip on PostgreSQL), each statement it runs, and COMMIT. A code path's budget
 * (a visit step ≤ 4) is checked by a test that observes the transactions a request ran. Nothing is
 * counted while no one observes, so production pays one branch per statement.
 */
export type RoundTripObserver = (roundTrips: number) => void;

let observer: RoundTripObserver | undefined;

/** Calls `fn` with each finished transaction's round trips until the returned function stops it. */
export function observeRoundTrips(fn: RoundTripObserver): () => void {
  observer = fn;
  return () => {
    if (observer === fn) observer = undefined;
  };
}

/** One transaction's tally; undefined (no counting) while no one observes. */
export interface RoundTripTally {
  add(): void;
  /** Reports the tally (with the COMMIT or ROLLBACK that ends the transaction). */
  end(): void;
}

/**
 * A transaction opens with one round trip (BEGIN and the preamble travel together) and closes with
 * one (COMMIT or ROLLBACK); a tenant read outside a transaction opens with none, or one when it
 * binds its connection to the tenant, and closes with none.
 */
export function roundTripTally(
  shape: { opening: number; closing: number } = { opening: 1, closing: 1 },
): RoundTripTally | undefined {
  const report = observer;
  if (!report) return undefined;
  let count = shape.opening;
  return {
    add: () => void count++,
    end: () => report(count + shape.closing),
  };
}
