import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sqlState } from '../db/pg-errors.js';
import type { Database } from '../db/types.js';
import type { FileStorage } from '../storage/types.js';
import type { HeaderMap } from './cells.js';
import { chunkSizer } from './chunk-sizer.js';
import { ClaimLost, IMPORT_STALE_MS, RunClaim, startHeartbeat } from './claim.js';
import type { ImportContext, ImportEntity, ImportServices } from './entity.js';
import { fileBatches, ImportFailure } from './file-batches.js';
import {
  claimRun,
  deleteErrors,
  deleteStaged,
  findRun,
  insertErrors,
  rejectedRowNumbers,
  releaseRun,
  updateClaimed,
  updateRun,
  type ImportRunRow,
} from './imports.repository.js';
import { UnreadableSheetError, type SheetLimits } from './sheet-reader.js';
import {
  createWritePass,
  newMemory,
  type ProgressBoard,
  type RunObserver,
  type Validated,
} from './write-pass.js';

export { ImportFailure } from './file-batches.js';
export type { ProgressBoard, RunObserver } from './write-pass.js';

const UNIQUE_VIOLATION = '23505';

export interface RunnerDeps {
  db: Database;
  storage: FileStorage;
  entities: ReadonlyMap<string, ImportEntity>;
  progress: ProgressBoard;
  /** Rows per batch at most: one prepare query set and one write statement set each. */
  batchSize: number;
  /** What reading one file may hold in memory (record size, shared strings). */
  sheetLimits?: SheetLimits;
  /** Time budget of one chunk's transaction in ms; batches are sized to fit (fixed without it). */
  chunkMillis?: number;
  /** What entity writes may use in their transaction (the job queue, the geocoder's switch). */
  services: ImportServices;
  /** Told when a run reaches completed or failed (the module publishes an event). */
  onFinished?: (run: ImportRunRow) => Promise<void>;
  /**
   * A running run whose heartbeat is older than this is free to claim (its worker is gone); the
   * heartbeat is renewed every third of it. Default IMPORT_STALE_MS.
   */
  staleMs?: number;
}

/** What a job (or the CLI) asks the runner to run. */
export interface RunRequest {
  tenantId: string;
  importId: string;
  userId: string | null;
  /** Set by a recovery: the claim it handed to this job, so the job may take the run at once. */
  claim?: string;
}

export interface RunAttempt {
  /**
   * False while the job system will still retry: an unexpected error then leaves the run as it is
   * (to be resumed) and is rethrown. On the last attempt the run fails and its file is removed.
   */
  finalAttempt: boolean;
}

/**
 * Runs one import in two passes over the stored file. Validating: every row is converted, checked
 * by the entity and its problems saved, batch by batch, so progress shows as it goes. Importing:
 * the valid rows are prepared again and written chunk by chunk in short transactions (see
 * write-pass.ts: resumable by default, staged and applied at once for all-or-nothing).
 */
export function createImportRunner(deps: RunnerDeps) {
  const write = createWritePass(deps);
  const staleMs = deps.staleMs ?? IMPORT_STALE_MS;
  /** Runs an attempt in this process holds (or is claiming): the recovery sweep leaves them alone. */
  const active = new Set<string>();

  async function validate(
    run: ImportRunRow,
    entity: ImportEntity,
    ctx: ImportContext,
    observer: RunObserver,
    claim: RunClaim,
  ): Promise<Validated> {
    const columns = await deps.db.withTenant(ctx, (tx) => entity.columns(tx, ctx));
    const header = { map: null as HeaderMap | null };
    const memory = newMemory();
    const invalid = new Set<number>();
    const counts = { rowsRead: 0, rowsValid: 0, rowsInvalid: 0 };
    const sizer = chunkSizer(deps.batchSize, deps.chunkMillis);
    for await (const batch of fileBatches(deps.storage, sizer.size, run, header, columns, deps.sheetLimits)) {
      claim.check();
      const began = performance.now();
      await deps.db.withTenant(ctx, async (tx) => {
        const { ready, problems } = await entity.prepare(tx, {
          ctx,
          rows: batch.rows,
          columns: header.map!.present,
          mode: run.mode,
          memory,
        });
        const rejected = [...batch.problems, ...problems];
        for (const problem of rejected) invalid.add(problem.rowNumber);
        counts.rowsRead += batch.read;
        counts.rowsValid += ready.filter((row) => !invalid.has(row.rowNumber)).length;
        counts.rowsInvalid = invalid.size;
        await insertErrors(tx, ctx.tenantId, run.id, rejected);
        await updateClaimed(tx, ctx.tenantId, run.id, claim.token, counts);
      });
      sizer.record(batch.read, performance.now() - began);
      await observer.onProgress?.({ phase: 'validating', ...counts, rowsWritten: 0 });
      await yieldToEventLoop();
    }
    return { columns, invalid, counts };
  }

  /** A run whose write pass committed chunks before it stopped goes on from there. */
  async function resumed(run: ImportRunRow, entity: ImportEntity, ctx: ImportContext): Promise<Validated> {
    return deps.db.withTenant(ctx, async (tx) => ({
      columns: await entity.columns(tx, ctx),
      invalid: await rejectedRowNumbers(tx, ctx.tenantId, run.id),
      counts: { rowsRead: run.rowsRead, rowsValid: run.rowsValid, rowsInvalid: run.rowsInvalid },
    }));
  }

  /**
   * Claims the run for this attempt (null when it is finished or a live attempt holds it): resumes a
   * default-mode write pass, else starts it over.
   */
  function begin(ctx: ImportContext, importId: string, claim: RunClaim, handoff: string | undefined) {
    return deps.db.withTenant(ctx, async (tx) => {
      const found = await claimRun(tx, ctx.tenantId, importId, { token: claim.token, handoff, staleMs });
      if (!found) return null;
      if (found.status === 'importing' && found.writePosition > 0 && !found.allOrNothing && !found.dryRun) {
        return { run: found, resume: true };
      }
      await deleteErrors(tx, ctx.tenantId, found.id);
      await deleteStaged(tx, ctx.tenantId, found.id);
      const run = await updateRun(tx, ctx.tenantId, found.id, {
        status: 'validating',
        startedAt: new Date(),
        rowsRead: 0,
        rowsValid: 0,
        rowsInvalid: 0,
        rowsWritten: 0,
        rowsCreated: 0,
        rowsUpdated: 0,
        rowsUnchanged: 0,
        writePosition: 0,
      });
      return { run: run!, resume: false };
    });
  }

  /** Marks the run failed; staged rows go, rows a default-mode run already committed stay (and count). */
  async function fail(run: ImportRunRow, ctx: ImportContext, token: string, code: string, message: string) {
    await deps.db.withTenant(ctx, async (tx) => {
      await deleteStaged(tx, ctx.tenantId, run.id);
      await updateClaimed(tx, ctx.tenantId, run.id, token, {
        status: 'failed',
        errorCode: code,
        errorMessage: message.slice(0, 1000),
        ...(run.allOrNothing || run.dryRun ? { rowsWritten: 0 } : {}),
        finishedAt: new Date(),
      });
    });
  }

  /** The run-level failure an error stands for, or null when it is unexpected (a bug, the database gone). */
  function knownFailure(error: unknown, run: ImportRunRow): { code: string; message: string } | null {
    if (error instanceof ImportFailure) return { code: error.code, message: error.message };
    if (error instanceof UnreadableSheetError) return { code: error.code, message: error.message };
    if (sqlState(error) === UNIQUE_VIOLATION) {
      // Validation saw the codes free; someone created one of them before the write committed.
      const written = run.allOrNothing ? 'nothing was written' : 'rows of earlier chunks stay written';
      return {
        code: 'CONFLICT',
        message: `A row clashes with a record created while the import ran; ${written}.`,
      };
    }
    return null;
  }

  /** Removes the file of a run that ended and tells whoever listens. */
  async function ended(ctx: ImportContext, run: ImportRunRow) {
    deps.progress.clear(run.id);
    await deps.storage.delete(run.fileKey);
    const finished = await deps.db.withTenant(ctx, (tx) => findRun(tx, ctx.tenantId, run.id));
    if (finished) await deps.onFinished?.(finished);
  }

  /** One attempt on a run this attempt has claimed; throws ClaimLost when another took it over. */
  async function attemptRun(
    ctx: ImportContext,
    claimed: { run: ImportRunRow; resume: boolean },
    claim: RunClaim,
    observer: RunObserver,
    attempt: RunAttempt,
  ): Promise<void> {
    const { run } = claimed;
    let unexpected: unknown;
    try {
      const entity = deps.entities.get(run.entity);
      if (!entity) throw new ImportFailure('ENTITY_UNKNOWN', `Nothing imports ${run.entity} any more.`);
      const validated = claimed.resume
        ? await resumed(run, entity, ctx)
        : await validate(run, entity, ctx, observer, claim);
      if (validated.invalid.size > 0 && run.allOrNothing) {
        throw new ImportFailure(
          'ROWS_INVALID',
          `${validated.invalid.size} row(s) are invalid and the import was all-or-nothing; nothing was written.`,
        );
      }
      if (!claimed.resume) {
        await deps.db.withTenant(ctx, (tx) =>
          updateClaimed(tx, ctx.tenantId, run.id, claim.token, { status: 'importing' }),
        );
      }
      await write(run, entity, ctx, validated, observer, claim);
    } catch (error) {
      // Another worker holds the run now: it goes on from what was committed; nothing to undo here.
      if (error instanceof ClaimLost) throw error;
      const known = knownFailure(error, run);
      if (!known && !attempt.finalAttempt) {
        // The job system retries; the retry claims the freed run at once and resumes it.
        await deps.db
          .withTenant(ctx, (tx) => releaseRun(tx, ctx.tenantId, run.id, claim.token))
          .catch(() => undefined);
        throw error;
      }
      unexpected = known ? undefined : error;
      try {
        await fail(
          run,
          ctx,
          claim.token,
          known?.code ?? 'IMPORT_FAILED',
          known?.message ?? 'The import stopped on an unexpected error.',
        );
      } catch (failError) {
        if (failError instanceof ClaimLost) throw failError;
        unexpected ??= failError;
      }
    }
    if (unexpected !== undefined) {
      await deps.storage.delete(run.fileKey);
      throw unexpected;
    }
    await ended(ctx, run);
  }

  return {
    /**
     * Runs the import, or goes on with it after a crash or a failed attempt; a finished run, or one
     * a live attempt elsewhere holds, is left as it is. Without `attempt` (the CLI) this is the only
     * attempt.
     */
    async run(
      data: RunRequest,
      observer: RunObserver = {},
      attempt: RunAttempt = { finalAttempt: true },
    ): Promise<void> {
      const ctx: ImportContext = { tenantId: data.tenantId, userId: data.userId };
      const claim = new RunClaim(data.importId, randomUUID());
      active.add(data.importId);
      try {
        const claimed = await begin(ctx, data.importId, claim, data.claim);
        if (!claimed) return;
        const stopHeartbeat = startHeartbeat(deps.db, ctx, claim, Math.max(100, Math.floor(staleMs / 3)));
        try {
          await attemptRun(ctx, claimed, claim, observer, attempt);
        } catch (error) {
          if (!(error instanceof ClaimLost)) throw error;
        } finally {
          await stopHeartbeat();
          deps.progress.clear(data.importId);
        }
      } finally {
        active.delete(data.importId);
      }
    },

    /** Whether an attempt in this process is running the run. */
    isRunning: (importId: string) => active.has(importId),

    /**
     * Fails a run a recovery took over (handing it `token`) instead of resuming it: like a last
     * attempt's failure, with its file removed and the event published.
     */
    async abandon(run: ImportRunRow, token: string, code: string, message: string): Promise<void> {
      const ctx: ImportContext = { tenantId: run.tenantId, userId: run.createdBy };
      await fail(run, ctx, token, code, message);
      await ended(ctx, run);
    },
  };
}

export type ImportRunner = ReturnType<typeof createImportRunner>;
