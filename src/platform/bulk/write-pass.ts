import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Database, Tx } from '../db/types.js';
import type { FileStorage } from '../storage/types.js';
import type { HeaderMap } from './cells.js';
import type {
  ImportContext,
  ImportEntity,
  ImportServices,
  ParsedRow,
  ReadyRow,
  RowProblem,
  RunMemory,
  WriteCounts,
} from './entity.js';
import { chunkSizer } from './chunk-sizer.js';
import type { RunClaim } from './claim.js';
import { fileBatches, ImportFailure, type EntityColumns } from './file-batches.js';
import {
  deleteStaged,
  insertErrors,
  stagedAfter,
  stageRows,
  updateClaimed,
  type ImportRunRow,
} from './imports.repository.js';

/** Progress of a write that other transactions cannot see yet (a dry run, the all-or-nothing apply). */
export interface ProgressBoard {
  report(tenantId: string, importId: string, rowsWritten: number): Promise<void>;
  clear(importId: string): void;
}

/** What an in-process caller (the CLI) hears after every batch; the run waits for it. */
export interface RunObserver {
  onProgress?(progress: {
    phase: 'validating' | 'importing';
    rowsRead: number;
    rowsValid: number;
    rowsWritten: number;
  }): void | Promise<void>;
}

/** What the validating pass found (or, for a resumed run, what the run row and its errors say). */
export interface Validated {
  columns: EntityColumns;
  invalid: ReadonlySet<number>;
  counts: { rowsRead: number; rowsValid: number; rowsInvalid: number };
}

export interface WritePassDeps {
  db: Database;
  storage: FileStorage;
  progress: ProgressBoard;
  batchSize: number;
  /** Time budget of one chunk's transaction in ms; chunks are sized to fit (fixed size without it). */
  chunkMillis?: number;
  services: ImportServices;
}

/** Thrown at the end of a dry run's chunk so that what it wrote is rolled back. */
class DryRunRollback extends Error {
  constructor(
    readonly counts: WriteCounts,
    readonly problems: RowProblem[],
  ) {
    super('dry run');
  }
}

export function newMemory(): RunMemory {
  const seen = new Map<string, number>();
  return {
    claim(kind, value, rowNumber) {
      const key = `${kind}\u0000${value}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, rowNumber);
      return first;
    },
  };
}

const add = (a: WriteCounts, b: WriteCounts): WriteCounts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
});

/**
 * The write pass. Each chunk of the file (one batch) is prepared and written in its own short
 * tenant transaction, and the loop yields to the event loop between chunks, so other requests
 * interleave even on PGlite's single connection:
 *
 * - **default**: a chunk commits its rows, its late-rejected rows and the run's counters and
 *   `write_position` together, so a retried run resumes after the last committed chunk and never
 *   writes a chunk twice;
 * - **all-or-nothing**: chunks go to `import_staged_rows`; the entity's table is written only at the
 *   end, from the staged rows, in one transaction that also completes the run and drops the staging,
 *   so a crash or failure at any point leaves none of the run's rows written;
 * - **dry run**: each chunk is written and rolled back; only the counters remain.
 */
export function createWritePass(deps: WritePassDeps) {
  return async function write(
    run: ImportRunRow,
    entity: ImportEntity,
    ctx: ImportContext,
    validated: Validated,
    observer: RunObserver,
    claim: RunClaim,
  ): Promise<void> {
    const header = { map: null as HeaderMap | null };
    const memory = newMemory();
    const resumed = run.writePosition > 0;
    let totals: WriteCounts = resumed
      ? { created: run.rowsCreated, updated: run.rowsUpdated, unchanged: run.rowsUnchanged }
      : { created: 0, updated: 0, unchanged: 0 };
    let counts = { ...validated.counts };
    const dryRunProblems: RowProblem[] = [];
    const handled = () => totals.created + totals.updated + totals.unchanged;
    const tell = async (rowsWritten: number) =>
      observer.onProgress?.({
        phase: 'importing',
        rowsRead: counts.rowsRead,
        rowsValid: counts.rowsValid,
        rowsWritten,
      });

    async function prepare(tx: Tx, rows: ParsedRow[]) {
      if (rows.length === 0) return { writable: [] as ReadyRow<unknown>[], problems: [] as RowProblem[] };
      const columns = header.map!.present;
      const { ready, problems } = await entity.prepare(tx, { ctx, rows, columns, mode: run.mode, memory });
      // Rows valid a moment ago can fail now if someone changed a referenced record meanwhile.
      if (problems.length && run.allOrNothing) {
        throw new ImportFailure('ROWS_INVALID', 'Rows became invalid while importing; nothing was written.');
      }
      const failed = new Set(problems.map((p) => p.rowNumber));
      return { writable: ready.filter((row) => !failed.has(row.rowNumber)), problems };
    }

    const writeRows = (tx: Tx, rows: ReadyRow<unknown>[]) =>
      entity.write(tx, {
        ctx,
        rows,
        columns: header.map!.present,
        mode: run.mode,
        services: deps.services,
        runId: run.id,
      });

    const sizer = chunkSizer(deps.batchSize, deps.chunkMillis);
    for await (const batch of fileBatches(deps.storage, sizer.size, run, header, validated.columns)) {
      if (batch.lastRow <= run.writePosition) continue; // committed before the retry
      claim.check();
      // Chunks are sized by time, so a resumed pass's batches need not line up with the committed
      // ones: rows up to `write_position` are skipped one by one, not only whole batches.
      const rows = batch.rows.filter(
        (row) => row.rowNumber > run.writePosition && !validated.invalid.has(row.rowNumber),
      );
      const began = performance.now();
      const chunk = await chunkTransaction(run, ctx, async (tx) => {
        const { writable, problems } = await prepare(tx, rows);
        if (run.allOrNothing && !run.dryRun) {
          await stageRows(tx, ctx.tenantId, run.id, writable);
          await updateClaimed(tx, ctx.tenantId, run.id, claim.token, { writePosition: batch.lastRow });
          return { written: { created: 0, updated: 0, unchanged: 0 }, problems, staged: writable.length };
        }
        const written = await writeRows(tx, writable);
        if (run.dryRun) throw new DryRunRollback(written, problems);
        const rejected = new Set(problems.map((p) => p.rowNumber)).size;
        const next = add(totals, written);
        await insertErrors(tx, ctx.tenantId, run.id, problems);
        // Conditional on the claim: a chunk of an attempt given up for dead rolls back (ClaimLost).
        await updateClaimed(tx, ctx.tenantId, run.id, claim.token, {
          writePosition: batch.lastRow,
          rowsWritten: next.created + next.updated,
          rowsCreated: next.created,
          rowsUpdated: next.updated,
          rowsUnchanged: next.unchanged,
          rowsValid: counts.rowsValid - rejected,
          rowsInvalid: counts.rowsInvalid + rejected,
        });
        return { written, problems, staged: 0 };
      }).catch((error: unknown) => {
        if (!(error instanceof DryRunRollback)) throw error;
        // The chunk's late problems were rolled back with it; they are saved when the run ends.
        dryRunProblems.push(...error.problems);
        return { written: error.counts, problems: error.problems, staged: 0 };
      });
      sizer.record(batch.read, performance.now() - began);
      const rejected = run.dryRun ? 0 : new Set(chunk.problems.map((p) => p.rowNumber)).size;
      counts = {
        ...counts,
        rowsValid: counts.rowsValid - rejected,
        rowsInvalid: counts.rowsInvalid + rejected,
      };
      totals = add(totals, chunk.written);
      if (run.dryRun) await deps.progress.report(ctx.tenantId, run.id, totals.created + totals.updated);
      await tell(handled() + chunk.staged);
      await yieldToEventLoop();
    }

    claim.check();
    if (run.allOrNothing && !run.dryRun) {
      // The one transaction an all-or-nothing run needs: staged rows (already checked) to the table.
      await deps.db.withTenant(ctx, async (tx) => {
        await tx.sql.query('set local plan_cache_mode = force_custom_plan');
        let applied: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
        for (let after = 0; ;) {
          const page = await stagedAfter(tx, ctx.tenantId, run.id, after, deps.batchSize);
          if (page.length === 0) break;
          applied = add(applied, await writeRows(tx, page));
          after = page.at(-1)!.rowNumber;
          await deps.progress.report(ctx.tenantId, run.id, applied.created + applied.updated);
          await tell(applied.created + applied.updated + applied.unchanged);
        }
        await deleteStaged(tx, ctx.tenantId, run.id);
        totals = applied;
        await finish(tx, run, ctx, claim, totals, counts, totals.created + totals.updated);
      });
      return;
    }
    await deps.db.withTenant(ctx, async (tx) => {
      await insertErrors(tx, ctx.tenantId, run.id, dryRunProblems);
      const late = new Set(dryRunProblems.map((p) => p.rowNumber)).size;
      const final = { ...counts, rowsValid: counts.rowsValid - late, rowsInvalid: counts.rowsInvalid + late };
      await finish(tx, run, ctx, claim, totals, final, run.dryRun ? 0 : totals.created + totals.updated);
    });
  };

  /** One chunk's transaction; its plans are made for its own parameters (the tables keep growing). */
  function chunkTransaction<T>(run: ImportRunRow, ctx: ImportContext, fn: (tx: Tx) => Promise<T>) {
    return deps.db.withTenant(ctx, async (tx) => {
      await tx.sql.query('set local plan_cache_mode = force_custom_plan');
      return fn(tx);
    });
  }

  async function finish(
    tx: Tx,
    run: ImportRunRow,
    ctx: ImportContext,
    claim: RunClaim,
    totals: WriteCounts,
    counts: { rowsValid: number; rowsInvalid: number },
    rowsWritten: number,
  ) {
    await updateClaimed(tx, ctx.tenantId, run.id, claim.token, {
      status: 'completed',
      rowsWritten,
      rowsCreated: totals.created,
      rowsUpdated: totals.updated,
      rowsUnchanged: totals.unchanged,
      rowsValid: counts.rowsValid,
      rowsInvalid: counts.rowsInvalid,
      finishedAt: new Date(),
    });
  }
}
