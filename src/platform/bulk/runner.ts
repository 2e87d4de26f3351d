import type { Readable } from 'node:stream';
import { sqlState } from '../db/pg-errors.js';
import type { Database, Tx } from '../db/types.js';
import type { FileStorage } from '../storage/types.js';
import { convertRow, mapHeader, type HeaderMap } from './cells.js';
import type { ImportContext, ImportEntity, ParsedRow, ReadyRow, RowProblem, RunMemory } from './entity.js';
import { deleteErrors, findRun, insertErrors, updateRun, type ImportRunRow } from './imports.repository.js';
import { readSheet, UnreadableSheetError, type SheetLimits } from './sheet-reader.js';

/** A run that cannot go on as a whole: the file, its header, or (all-or-nothing) its rows. */
export class ImportFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFailure';
  }
}

const UNIQUE_VIOLATION = '23505';

/** Thrown inside the write transaction of a dry run so that everything it wrote is rolled back. */
class DryRunRollback extends Error {}

/** Progress of the write pass, which other transactions cannot see until it commits. */
export interface ProgressBoard {
  report(tenantId: string, importId: string, rowsWritten: number): Promise<void>;
  clear(importId: string): void;
}

export interface RunnerDeps {
  db: Database;
  storage: FileStorage;
  entities: ReadonlyMap<string, ImportEntity>;
  progress: ProgressBoard;
  /** Rows per batch: one prepare query set and one write statement set each. */
  batchSize: number;
  /** What reading one file may hold in memory (record size, shared strings). */
  sheetLimits?: SheetLimits;
  /** Told when a run reaches completed or failed (the module publishes an event). */
  onFinished?: (run: ImportRunRow) => Promise<void>;
}

type Batch = { rows: ParsedRow[]; problems: RowProblem[]; read: number };

/** What an in-process caller (the CLI) hears after every batch. */
export interface RunObserver {
  onProgress?(progress: {
    phase: 'validating' | 'importing';
    rowsRead: number;
    rowsValid: number;
    rowsWritten: number;
  }): void;
}

function newMemory(): RunMemory {
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

/**
 * Runs one import in two passes over the stored file. Validating: every row is converted, checked
 * by the entity and its problems saved, batch by batch, so progress shows as it goes. Importing:
 * the valid rows are prepared again and written in batches inside one transaction, which commits
 * whole or not at all (a dry run always rolls it back). A crashed run is started over by the job's
 * retry; nothing of an unfinished write pass survives.
 */
export function createImportRunner(deps: RunnerDeps) {
  async function* batches(
    run: ImportRunRow,
    header: { map: HeaderMap | null },
    entityColumns: Awaited<ReturnType<ImportEntity['columns']>>,
  ): AsyncGenerator<Batch> {
    const source: Readable = await deps.storage.get(run.fileKey);
    let batch: Batch = { rows: [], problems: [], read: 0 };
    for await (const { rowNumber, cells } of readSheet(source, run.format, deps.sheetLimits)) {
      if (!header.map) {
        header.map = checkedHeader(cells, entityColumns);
        continue;
      }
      const { record, problems } = convertRow(rowNumber, cells, header.map);
      batch.read++;
      if (cells.length > header.map.width && cells.slice(header.map.width).some((cell) => cell !== '')) {
        problems.push({
          rowNumber,
          column: null,
          code: 'ROW_TOO_LONG',
          message: 'the row has cells beyond the last column of the header',
        });
      }
      if (problems.length) batch.problems.push(...problems);
      else batch.rows.push({ rowNumber, record });
      if (batch.read >= deps.batchSize) {
        yield batch;
        batch = { rows: [], problems: [], read: 0 };
      }
    }
    if (!header.map) throw new ImportFailure('FILE_EMPTY', 'The file has no header row.');
    if (batch.read > 0) yield batch;
  }

  async function validate(
    run: ImportRunRow,
    entity: ImportEntity,
    ctx: ImportContext,
    observer: RunObserver,
  ) {
    const columns = await deps.db.withTenant(ctx, (tx) => entity.columns(tx, ctx));
    const header = { map: null as HeaderMap | null };
    const memory = newMemory();
    const invalid = new Set<number>();
    const counts = { rowsRead: 0, rowsValid: 0, rowsInvalid: 0 };
    for await (const batch of batches(run, header, columns)) {
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
      observer.onProgress?.({ phase: 'validating', ...counts, rowsWritten: 0 });
    }
    return { columns, header: header.map!, invalid, counts };
  }

  async function write(
    run: ImportRunRow,
    entity: ImportEntity,
    ctx: ImportContext,
    validated: Awaited<ReturnType<typeof validate>>,
    observer: RunObserver,
  ) {
    const memory = newMemory();
    const late: RowProblem[] = [];
    const totals = { created: 0, updated: 0, unchanged: 0 };
    const header = { map: null as HeaderMap | null };
    const commit = async (tx: Tx) => {
      // The tables grow inside this one transaction, so a plan cached for an early batch (when the
      // statistics still said "empty") would scan; plan every statement for its own parameters.
      await tx.sql.query('set local plan_cache_mode = force_custom_plan');
      for await (const batch of batches(run, header, validated.columns)) {
        const rows = batch.rows.filter((row) => !validated.invalid.has(row.rowNumber));
        if (rows.length === 0) continue;
        const { ready, problems } = await entity.prepare(tx, {
          ctx,
          rows,
          columns: validated.header.present,
          mode: run.mode,
          memory,
        });
        // Rows valid a moment ago can fail now if someone changed a referenced record meanwhile.
        late.push(...problems);
        if (late.length && run.allOrNothing) {
          throw new ImportFailure(
            'ROWS_INVALID',
            'Rows became invalid while importing; nothing was written.',
          );
        }
        const failed = new Set(problems.map((p) => p.rowNumber));
        const writable: ReadyRow<unknown>[] = ready.filter((row) => !failed.has(row.rowNumber));
        const counts = await entity.write(tx, {
          ctx,
          rows: writable,
          columns: validated.header.present,
          mode: run.mode,
        });
        totals.created += counts.created;
        totals.updated += counts.updated;
        totals.unchanged += counts.unchanged;
        await deps.progress.report(ctx.tenantId, run.id, totals.created + totals.updated);
        observer.onProgress?.({
          phase: 'importing',
          rowsRead: validated.counts.rowsRead,
          rowsValid: validated.counts.rowsValid,
          rowsWritten: totals.created + totals.updated + totals.unchanged,
        });
      }
      if (run.dryRun) throw new DryRunRollback();
      await finish(tx, run, ctx, {
        status: 'completed',
        rowsWritten: totals.created + totals.updated,
        rowsCreated: totals.created,
        rowsUpdated: totals.updated,
        rowsUnchanged: totals.unchanged,
        ...lateCounts(validated, late),
      });
      await insertErrors(tx, ctx.tenantId, run.id, late);
    };
    try {
      await deps.db.withTenant(ctx, commit);
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
      await deps.db.withTenant(ctx, async (tx) => {
        await finish(tx, run, ctx, {
          status: 'completed',
          rowsWritten: 0,
          rowsCreated: totals.created,
          rowsUpdated: totals.updated,
          rowsUnchanged: totals.unchanged,
          ...lateCounts(validated, late),
        });
        await insertErrors(tx, ctx.tenantId, run.id, late);
      });
    }
  }

  async function finish(tx: Tx, run: ImportRunRow, ctx: ImportContext, patch: Partial<ImportRunRow>) {
    await updateRun(tx, ctx.tenantId, run.id, { ...patch, finishedAt: new Date() });
  }

  async function fail(run: ImportRunRow, ctx: ImportContext, code: string, message: string) {
    await deps.db.withTenant(ctx, (tx) =>
      finish(tx, run, ctx, {
        status: 'failed',
        errorCode: code,
        errorMessage: message.slice(0, 1000),
        rowsWritten: 0,
      }),
    );
  }

  return {
    /** Runs (or, after a crash, re-runs) the import; a finished run is left as it is. */
    async run(
      data: { tenantId: string; importId: string; userId: string | null },
      observer: RunObserver = {},
    ): Promise<void> {
      const ctx: ImportContext = { tenantId: data.tenantId, userId: data.userId };
      const run = await deps.db.withTenant(ctx, async (tx) => {
        const found = await findRun(tx, ctx.tenantId, data.importId, true);
        if (!found || found.status === 'completed' || found.status === 'failed') return null;
        await deleteErrors(tx, ctx.tenantId, found.id);
        return updateRun(tx, ctx.tenantId, found.id, {
          status: 'validating',
          startedAt: new Date(),
          rowsRead: 0,
          rowsValid: 0,
          rowsInvalid: 0,
          rowsWritten: 0,
        });
      });
      if (!run) return;
      try {
        const entity = deps.entities.get(run.entity);
        if (!entity) throw new ImportFailure('ENTITY_UNKNOWN', `Nothing imports ${run.entity} any more.`);
        const validated = await validate(run, entity, ctx, observer);
        if (validated.invalid.size > 0 && run.allOrNothing) {
          throw new ImportFailure(
            'ROWS_INVALID',
            `${validated.invalid.size} row(s) are invalid and the import was all-or-nothing; nothing was written.`,
          );
        }
        await deps.db.withTenant(ctx, (tx) => updateRun(tx, ctx.tenantId, run.id, { status: 'importing' }));
        await write(run, entity, ctx, validated, observer);
      } catch (error) {
        if (error instanceof ImportFailure) await fail(run, ctx, error.code, error.message);
        else if (error instanceof UnreadableSheetError) await fail(run, ctx, error.code, error.message);
        else if (sqlState(error) === UNIQUE_VIOLATION) {
          // Validation saw the codes free; someone created one of them before the write committed.
          const message = 'A row clashes with a record created while the import ran; nothing was written.';
          await fail(run, ctx, 'CONFLICT', message);
        } else {
          await fail(
            run,
            ctx,
            'IMPORT_FAILED',
            'The import stopped on an unexpected error; nothing was written.',
          );
          throw error;
        }
      } finally {
        deps.progress.clear(run.id);
      }
      await deps.storage.delete(run.fileKey);
      const finished = await deps.db.withTenant(ctx, (tx) => findRun(tx, ctx.tenantId, run.id));
      if (finished) await deps.onFinished?.(finished);
    },
  };
}

function lateCounts(validated: { counts: { rowsValid: number; rowsInvalid: number } }, late: RowProblem[]) {
  const rows = new Set(late.map((p) => p.rowNumber)).size;
  return { rowsValid: validated.counts.rowsValid - rows, rowsInvalid: validated.counts.rowsInvalid + rows };
}

function checkedHeader(cells: string[], columns: Awaited<ReturnType<ImportEntity['columns']>>): HeaderMap {
  const map = mapHeader(cells, columns);
  const known = columns.map((c) => c.name).join(', ');
  if (map.missing.length) {
    throw new ImportFailure(
      'COLUMNS_MISSING',
      `Required column(s) missing: ${map.missing.join(', ')}. Columns: ${known}.`,
    );
  }
  if (map.duplicated.length) {
    throw new ImportFailure('COLUMNS_DUPLICATED', `Column(s) appear twice: ${map.duplicated.join(', ')}.`);
  }
  if (map.unknown.length) {
    throw new ImportFailure(
      'COLUMNS_UNKNOWN',
      `Unknown column(s): ${map.unknown.join(', ')}. Columns: ${known}.`,
    );
  }
  return map;
}
