import type { Database } from '../db/types.js';
import type { ImportContext } from './entity.js';
import { ClaimLost, touchRun } from './imports.repository.js';

export { ClaimLost } from './imports.repository.js';

/** How long a running run may go without a heartbeat before it counts as abandoned (`IMPORT_STALE_MS`). */
export const IMPORT_STALE_MS = 30_000;

/**
 * One attempt's hold on a run. Every write of the attempt is conditional on `token` still being the
 * run's claim (`updateClaimed`), so an attempt that was given up for dead (stalled past the stale
 * time, then woke up) cannot write beside the one that took the run over: its next batch rolls back
 * with ClaimLost. `lost` is set by the heartbeat when it finds the claim gone, to stop sooner.
 */
export class RunClaim {
  lost = false;

  constructor(
    readonly importId: string,
    readonly token: string,
  ) {}

  /** Called before each batch: stops an attempt that no longer holds its run. */
  check(): void {
    if (this.lost) throw new ClaimLost(this.importId);
  }
}

/**
 * Renews the run's heartbeat every `intervalMs` while the attempt runs, beside the renewal every
 * batch commit makes: a long statement (the all-or-nothing apply, a slow batch) must not make a live
 * run look abandoned. A failed renewal (database briefly away) is retried at the next tick. Returns
 * the function that stops it.
 */
export function startHeartbeat(
  db: Database,
  ctx: ImportContext,
  claim: RunClaim,
  intervalMs: number,
): () => Promise<void> {
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (beating) return;
    beating = db
      .withTenant(ctx, (tx) => touchRun(tx, ctx.tenantId, claim.importId, claim.token))
      .then((held) => {
        if (!held) claim.lost = true;
      })
      .catch(() => undefined)
      .finally(() => (beating = undefined));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await beating;
  };
}
