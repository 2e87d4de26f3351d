import type { Tx } from '../db/types.js';
import type { Geocoder } from '../geocoding/types.js';
import type { JobQueue } from '../jobs/types.js';
import type { ImportMode } from './imports.tables.js';

/** How a column's text is read: the engine converts cells before an entity sees them. */
export type CellKind = 'text' | 'integer' | 'number' | 'decimal' | 'boolean' | 'date' | 'list' | 'json';

export interface ImportColumn {
  /** The header in the file, matched case-insensitively with surrounding spaces ignored. */
  name: string;
  kind: CellKind;
  /** A file must have this column (the code and name, usually). Cells may still be empty. */
  required?: boolean;
  description: string;
  /** The example row of the import template. */
  example: string;
}

/** A converted cell: empty cells are null; `list` gives string[]; `json` any JSON value. */
export type CellValue = string | number | boolean | string[] | unknown;

/** One row after conversion, keyed by column name; only the columns the file has are present. */
export interface ParsedRow {
  rowNumber: number;
  record: Record<string, CellValue>;
}

/** Why a row was rejected. `column` is null for a problem with the row as a whole. */
export interface RowProblem {
  rowNumber: number;
  column: string | null;
  code: string;
  message: string;
  value?: string | null;
}

export interface ImportContext {
  tenantId: string;
  userId: string | null;
}

/**
 * Platform services an entity's write may use inside the write's transaction: follow-up jobs
 * (geocoding an imported outlet …) are enqueued there, so a rolled-back chunk or dry run enqueues
 * nothing.
 */
export interface ImportServices {
  jobs: Pick<JobQueue, 'send'>;
  geocoder: Pick<Geocoder, 'enabled'>;
}

/** A row ready to write, with the code it is identified by. */
export interface ReadyRow<P> {
  rowNumber: number;
  code: string;
  value: P;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Per-run memory shared by the batches of one pass: which values (codes, barcodes …) earlier rows
 * of the same file already used. `claim` returns the row that used it first, or undefined.
 */
export interface RunMemory {
  claim(kind: string, value: string, rowNumber: number): number | undefined;
}

export interface PrepareInput {
  ctx: ImportContext;
  rows: ParsedRow[];
  /** The column names present in the file (an upsert leaves the other fields alone). */
  columns: ReadonlySet<string>;
  mode: ImportMode;
  memory: RunMemory;
}

/**
 * What a module registers to make an entity importable and its template downloadable. `prepare`
 * only reads (references, existing codes); `write` runs inside the run's one write transaction.
 */
export interface ImportEntity<P = unknown> {
  /** `customers`, `products` … : the `entity` of POST /imports and the path of its template route. */
  name: string;
  /** The permission importing (and downloading the template) needs. */
  permission: string;
  /** The columns for this tenant (products add one per price type). */
  columns(tx: Tx, ctx: ImportContext): Promise<ImportColumn[]>;
  /**
   * Checks a batch: builds each row's API body, resolves references by code, validates it with the
   * API's own schema, and in insert mode rejects codes that exist. Rows that pass come back ready.
   */
  prepare(tx: Tx, input: PrepareInput): Promise<{ ready: ReadyRow<P>[]; problems: RowProblem[] }>;
  /** Inserts or upserts by code; rows whose values are already stored are left untouched. */
  write(
    tx: Tx,
    input: {
      ctx: ImportContext;
      rows: ReadyRow<P>[];
      columns: ReadonlySet<string>;
      mode: ImportMode;
      services: ImportServices;
      /** The run writing: entities that keep per-run records (matched rows …) key them by it. */
      runId: string;
    },
  ): Promise<WriteCounts>;
}
