import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { loadExcelJs } from './excel.js';
import { sniffDelimiter } from './sheet-format.js';
import type { ImportFormat } from './imports.tables.js';

/** One row of a spreadsheet: its 1-based row number in the file (the header is row 1) and its cells. */
export interface SheetRow {
  rowNumber: number;
  cells: string[];
}

/**
 * The file could not be read as the spreadsheet format it claims to be (`FILE_UNREADABLE`), or it
 * goes beyond one of the reading limits (the `code` says which).
 */
export class UnreadableSheetError extends Error {
  constructor(
    message: string,
    readonly code: string = 'FILE_UNREADABLE',
  ) {
    super(message);
    this.name = 'UnreadableSheetError';
  }
}

/**
 * What reading a file may hold in memory. The file size limit alone does not bound it: a CSV with
 * an unclosed quote is one endless record, and a compressed XLSX can inflate to a shared-strings
 * table many times its size, which the reader must keep whole.
 */
export interface SheetLimits {
  /** Characters in one CSV record (all its cells, quotes and delimiters). */
  maxRecordChars: number;
  /** Entries in an XLSX shared-strings table. */
  maxSharedStrings: number;
  /** Characters of all XLSX shared strings together. */
  maxSharedStringChars: number;
}

export const DEFAULT_SHEET_LIMITS: SheetLimits = {
  maxRecordChars: 1_048_576,
  maxSharedStrings: 1_000_000,
  maxSharedStringChars: 50_000_000,
};

/**
 * Streams the rows of the first worksheet of an XLSX file, or of a CSV file (UTF-8 with or without
 * BOM, delimiter detected from the header line). Cells come back as trimmed strings; rows whose
 * cells are all empty are skipped but keep the numbering of the file.
 */
export function readSheet(
  source: Readable,
  format: ImportFormat,
  limits: SheetLimits = DEFAULT_SHEET_LIMITS,
): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? readXlsx(source, limits) : readCsv(source, limits);
}

async function* readCsv(source: Readable, limits: SheetLimits): AsyncGenerator<SheetRow> {
  const { firstLine, stream } = await peekFirstLine(source);
  const parser = stream.pipe(
    parse({
      bom: true,
      delimiter: sniffDelimiter(firstLine),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      max_record_size: limits.maxRecordChars,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const cells = record.map((cell) => cell.trim());
      if (cells.every((cell) => cell === '')) continue;
      yield { rowNumber: info.lines, cells };
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'CSV_MAX_RECORD_SIZE') {
      throw new UnreadableSheetError(
        `A record of the CSV file is longer than ${limits.maxRecordChars} characters (is a quote left open?).`,
        'CSV_RECORD_TOO_LARGE',
      );
    }
    throw new UnreadableSheetError(`The CSV file could not be parsed: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}

/** Reads up to the first line break (or 64 KiB) and returns a stream that replays it. */
async function peekFirstLine(source: Readable): Promise<{ firstLine: string; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 65_536) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    length += chunk.length;
    if (chunk.includes(0x0a) || chunk.includes(0x0d)) break;
  }
  const buffered = Buffer.concat(head);
  const text = buffered.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  async function* replay() {
    if (buffered.length) yield buffered;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { firstLine, stream: Readable.from(replay(), { objectMode: false }) };
}

async function* readXlsx(source: Readable, limits: SheetLimits): AsyncGenerator<SheetRow> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  capSharedStrings(workbook, limits);
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]));
        if (cells.every((cell) => cell === '')) continue;
        yield { rowNumber: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof UnreadableSheetError) throw error;
    throw new UnreadableSheetError(`The XLSX file could not be read: ${(error as Error).message}`);
  } finally {
    source.destroy();
  }
}

/**
 * The streaming reader caches the whole shared-strings table (cells refer to it by index) in its
 * `sharedStrings` array, which it creates when the table's part begins. Swapping in an array that
 * counts what is pushed stops an oversized table while it is read, before it fills memory.
 */
function capSharedStrings(workbook: object, limits: SheetLimits): void {
  let table: unknown[] | undefined;
  Object.defineProperty(workbook, 'sharedStrings', {
    configurable: true,
    get: () => table,
    set: (value: unknown) => {
      table = Array.isArray(value) ? cappedTable(limits) : (value as undefined);
    },
  });
}

function cappedTable(limits: SheetLimits): unknown[] {
  const table: unknown[] = [];
  let chars = 0;
  table.push = (...items: unknown[]) => {
    for (const item of items) {
      chars += sharedStringLength(item);
      if (table.length >= limits.maxSharedStrings || chars > limits.maxSharedStringChars) {
        throw new UnreadableSheetError(
          `The XLSX file has more shared strings than the limit of ${limits.maxSharedStrings} strings ` +
            `or ${limits.maxSharedStringChars} characters.`,
          'XLSX_TOO_MANY_SHARED_STRINGS',
        );
      }
      Array.prototype.push.call(table, item);
    }
    return table.length;
  };
  return table;
}

function sharedStringLength(item: unknown): number {
  if (typeof item === 'string') return item.length;
  const parts = (item as { richText?: { text?: unknown }[] } | null)?.richText ?? [];
  return parts.reduce((sum, part) => sum + (typeof part.text === 'string' ? part.text.length : 0), 0);
}

/** A cell's value as the text a person sees: formulas give their result, dates their ISO form. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (cell.richText)
      return cell.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('result' in cell) return cellText(cell.result);
    if (cell.text !== undefined) return cellText(cell.text);
    if (cell.error) return '';
  }
  return '';
}
