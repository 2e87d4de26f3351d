import type { Readable } from 'node:stream';
import type { FileStorage } from '../storage/types.js';
import { convertRow, mapHeader, type HeaderMap } from './cells.js';
import type { ImportEntity, ParsedRow, RowProblem } from './entity.js';
import type { ImportRunRow } from './imports.repository.js';
import { readSheet, type SheetLimits } from './sheet-reader.js';

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

/** Rows of the file converted by column kind; `lastRow` is the file row number the batch ends on. */
export type Batch = { rows: ParsedRow[]; problems: RowProblem[]; read: number; lastRow: number };

export type EntityColumns = Awaited<ReturnType<ImportEntity['columns']>>;

/**
 * Reads the stored file of a run as batches of `batchSize()` rows (asked again for each batch). The
 * header is checked against the entity's columns and left in `header.map` before the first batch.
 */
export async function* fileBatches(
  storage: FileStorage,
  batchSize: () => number,
  run: ImportRunRow,
  header: { map: HeaderMap | null },
  entityColumns: EntityColumns,
  limits?: SheetLimits,
): AsyncGenerator<Batch> {
  const source: Readable = await storage.get(run.fileKey);
  let batch: Batch = { rows: [], problems: [], read: 0, lastRow: 0 };
  for await (const { rowNumber, cells } of readSheet(source, run.format, limits)) {
    if (!header.map) {
      header.map = checkedHeader(cells, entityColumns);
      continue;
    }
    const { record, problems } = convertRow(rowNumber, cells, header.map);
    batch.read++;
    batch.lastRow = rowNumber;
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
    if (batch.read >= batchSize()) {
      yield batch;
      batch = { rows: [], problems: [], read: 0, lastRow: 0 };
    }
  }
  if (!header.map) throw new ImportFailure('FILE_EMPTY', 'The file has no header row.');
  if (batch.read > 0) yield batch;
}

function checkedHeader(cells: string[], columns: EntityColumns): HeaderMap {
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
