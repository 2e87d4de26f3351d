import { randomUUID } from 'node:crypto';
import type { Database } from '../db/types.js';
import { defineJob, type JobLogger, type JobQueue } from '../jobs/index.js';
import { findStaleRuns, takeOverRun, type StaleRun } from './imports.repository.js';
import { importJob } from './jobs.js';
import type { ImportRunner } from './runner.js';

/**
 * The recovery sweep as a scheduled job (every minute, on whichever process runs workers), so the
 * scheduler shows when it last ran and how it went. Each worker process also sweeps at start and
 * every `IMPORT_RECOVERY_INTERVAL_MS` on its own, which recovers faster than cron's minute.
 */
export const importRecoveryJob = defineJob<Record<string, never>>('platform.import-recovery');

/** How often a process running workers looks for abandoned runs (`IMPORT_RECOVERY_INTERVAL_MS`). */
export const IMPORT_RECOVERY_INTERVAL_MS = 15_000;

/**
 * Times a run is resumed after losing its worker; the next loss fails it (`IMPORT_WORKER_LOST`):
 * a file that kills its worker every time must not keep the workers crashing forever.
 */
export const IMPORT_MAX_RECOVERIES = 3;

export interface RecoveryDeps {
  db: Database;
  jobs: JobQueue;
  runner: ImportRunner;
  log: JobLogger;
  staleMs: number;
  intervalMs: number;
  maxRecoveries?: number;
}

/**
 * Finds validating/importing runs whose worker is gone — killed, crashed, cut off — by their
 * heartbeat, at start and every `intervalMs`, and hands each to a new `bulk.import` job, which
 * resumes it (default mode: after `write_position`; all-or-nothing and dry runs start over, as any
 * retry does). Without this such a run would wait for pg-boss to expire its job (an hour).
 *
 * Exactly one instance recovers a run: the take-over is a conditional update on the stale heartbeat
 * that also hands the run to the new job's claim and renews the heartbeat, in the transaction that
 * enqueues the job. The old job, when pg-boss finally expires and retries it, finds the run held or
 * finished and leaves it. A run whose recovery job is still queued (workers busy) is not re-queued.
 */
export function createRunRecovery(deps: RecoveryDeps) {
  const maxRecoveries = deps.maxRecoveries ?? IMPORT_MAX_RECOVERIES;
  // PGlite: one process holds the data directory, so a heartbeat from before this one started is
  // from a dead process, whatever its age; such runs are resumed at start without waiting.
  const bootedBefore = deps.db.driver === 'pglite' ? new Date() : undefined;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  async function recover(stale: StaleRun): Promise<void> {
    if (deps.runner.isRunning(stale.id)) return; // this process runs it (waiting for PGlite's connection)
    if (await deps.jobs.isQueued(importJob, { importId: stale.id })) return;
    const handoff = randomUUID();
    const ctx = { tenantId: stale.tenantId, userId: stale.createdBy };
    const taken = await deps.db.withTenant(ctx, async (tx) => {
      const run = await takeOverRun(tx, stale.tenantId, stale.id, {
        handoff,
        staleMs: deps.staleMs,
        bootedBefore,
      });
      if (run && run.recoveries <= maxRecoveries) {
        const data = { tenantId: run.tenantId, importId: run.id, userId: run.createdBy, claim: handoff };
        await deps.jobs.send(importJob, data, { tx });
      }
      return run;
    });
    if (!taken) return; // another instance took it, or it moved on
    const where = { tenantId: taken.tenantId, importId: taken.id, status: taken.status };
    if (taken.recoveries <= maxRecoveries) {
      deps.log.warn(
        { ...where, writePosition: taken.writePosition, recoveries: taken.recoveries },
        'import run lost its worker; resuming it',
      );
      return;
    }
    deps.log.error(where, 'import run lost its worker too often; failing it');
    const kept = taken.allOrNothing || taken.dryRun ? 'nothing was written' : 'rows written so far stay';
    await deps.runner.abandon(
      taken,
      handoff,
      'IMPORT_WORKER_LOST',
      `The worker running this import stopped ${taken.recoveries} times before it could finish; ${kept}.`,
    );
  }

  async function sweep(): Promise<void> {
    try {
      const stale = await deps.db.withSystem((tx) => findStaleRuns(tx, deps.staleMs, bootedBefore));
      for (const run of stale) {
        await recover(run).catch((error: unknown) =>
          deps.log.error({ err: error, importId: run.id }, 'could not recover an import run'),
        );
      }
    } catch (error) {
      deps.log.error({ err: error }, 'import recovery sweep failed; it runs again shortly');
    }
  }

  /** One sweep at a time, whoever asks. */
  function sweepOnce(): Promise<void> {
    sweeping ??= sweep().finally(() => (sweeping = undefined));
    return sweeping;
  }

  return {
    sweep: sweepOnce,
    /** Sweeps now (awaited), then every `intervalMs` until `stop`. */
    async start(): Promise<void> {
      await sweepOnce();
      timer ??= setInterval(() => void sweepOnce(), deps.intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
