import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sqlState } from '../db/pg-errors.js';
import type { Database } from '../db/types.js';
import type { FileStorage } from '../storage/types.js';
import type { HeaderMap } from './cells.js';
import { chunkSizer } from './chunk-sizer.js';
import type { ImportContext, ImportEntity } from './entity.js';
import { fileBatches, ImportFailure } from './file-batches.js';
import {
  deleteErrors,
  deleteStaged,
  findRun,
  insertErrors,
  rejectedRowNumbers,
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
  /** Told when a run reaches completed or failed (the module publishes an event). */
  onFinished?: (run: ImportRunRow) => Promise<void>;
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

  async function validate(
    run: ImportRunRow,
    entity: ImportEntity,
    ctx: ImportContext,
    observer: RunObserver,
  ): Promise<Validated> {
    const columns = await deps.db.withTenant(ctx, (tx) => entity.columns(tx, ctx));
    const header = { map: null as HeaderMap | null };
    const memory = newMemory();
    const invalid = new Set<number>();
    const counts = { rowsRead: 0, rowsValid: 0, rowsInvalid: 0 };
    const sizer = chunkSizer(deps.batchSize, deps.chunkMillis);
    for await (const batch of fileBatches(deps.storage, sizer.size, run, header, columns, deps.sheetLimits)) {
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
        await updateRun(tx, ctx.tenantId, run.id, counts);
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

  /** Claims the run for this attempt: resumes a default-mode write pass, else starts it over. */
  function begin(ctx: ImportContext, importId: string) {
    return deps.db.withTenant(ctx, async (tx) => {
      const found = await findRun(tx, ctx.tenantId, importId, true);
      if (!found || found.status === 'completed' || found.status === 'failed') return null;
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
  async function fail(run: ImportRunRow, ctx: ImportContext, code: string, message: string) {
    await deps.db.withTenant(ctx, async (tx) => {
      await deleteStaged(tx, ctx.tenantId, run.id);
      await updateRun(tx, ctx.tenantId, run.id, {
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

  return {
    /**
     * Runs the import, or goes on with it after a crash or a failed attempt; a finished run is left
     * as it is. Without `attempt` (the CLI) this is the only attempt.
     */
    async run(
      data: { tenantId: string; importId: string; userId: string | null },
      observer: RunObserver = {},
      attempt: RunAttempt = { finalAttempt: true },
    ): Promise<void> {
      const ctx: ImportContext = { tenantId: data.tenantId, userId: data.userId };
      const claimed = await begin(ctx, data.importId);
      if (!claimed) return;
      const { run } = claimed;
      let unexpected: unknown;
      try {
        const entity = deps.entities.get(run.entity);
        if (!entity) throw new ImportFailure('ENTITY_UNKNOWN', `Nothing imports ${run.entity} any more.`);
        const validated = claimed.resume
          ? await resumed(run, entity, ctx)
          : await validate(run, entity, ctx, observer);
        if (validated.invalid.size > 0 && run.allOrNothing) {
          throw new ImportFailure(
            'ROWS_INVALID',
            `${validated.invalid.size} row(s) are invalid and the import was all-or-nothing; nothing was written.`,
          );
        }
        if (!claimed.resume) {
          await deps.db.withTenant(ctx, (tx) => updateRun(tx, ctx.tenantId, run.id, { status: 'importing' }));
        }
        await write(run, entity, ctx, validated, observer);
      } catch (error) {
        const known = knownFailure(error, run);
        if (!known && !attempt.finalAttempt) throw error; // the job system retries; the run resumes
        unexpected = known ? undefined : error;
        try {
          await fail(
            run,
            ctx,
            known?.code ?? 'IMPORT_FAILED',
            known?.message ?? 'The import stopped on an unexpected error.',
          );
        } catch (failError) {
          unexpected ??= failError;
        }
      } finally {
        deps.progress.clear(run.id);
      }
      await deps.storage.delete(run.fileKey);
      if (unexpected !== undefined) throw unexpected;
      const finished = await deps.db.withTenant(ctx, (tx) => findRun(tx, ctx.tenantId, run.id));
      if (finished) await deps.onFinished?.(finished);
    },
  };
}
