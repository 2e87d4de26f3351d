import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { loadExcelJs } from './excel.js';
import { escapeFormula } from './formula-escape.js';
import type { ImportFormat } from './imports.tables.js';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from './sheet-format.js';

export type SheetCell = string | number | boolean | null;

export interface SheetOptions {
  /**
   * XLSX only: the time written as the workbook's created/modified and as every zip entry's date,
   * instead of now, so the same rows give the same bytes (payout files compared byte for byte).
   */
  fixedTime?: Date;
}

export function sheetContentType(format: ImportFormat): string {
  return format === 'xlsx' ? XLSX_CONTENT_TYPE : `${CSV_CONTENT_TYPE}; charset=utf-8`;
}

/**
 * Streams a header and rows as CSV (UTF-8 with BOM, so spreadsheet programs read the encoding right)
 * or XLSX (one worksheet, no shared strings, so rows leave memory as they are written). `rows` is
 * pulled only as fast as the consumer reads. Text that a spreadsheet would run as a formula is
 * written quote-prefixed (`formula-escape.ts`), in XLSX as an inline string cell.
 */
export function writeSheet(
  format: ImportFormat,
  header: string[],
  rows: AsyncIterable<SheetCell[]>,
  options: SheetOptions = {},
): Readable {
  return format === 'xlsx' ? writeXlsx(header, rows, options) : writeCsv(header, rows);
}

function writeCsv(header: string[], rows: AsyncIterable<SheetCell[]>): Readable {
  const csv = stringify({ bom: true, cast: { boolean: (value) => (value ? 'true' : 'false') } });
  const source = Readable.from(escaped(withHeader(header, rows), (text) => text));
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv);
}

/** Escapes every text cell; `wrap` turns escaped text into the cell value the format writes. */
async function* escaped<T>(
  rows: AsyncIterable<SheetCell[]>,
  wrap: (text: string) => T,
): AsyncGenerator<(SheetCell | T)[]> {
  for await (const row of rows) {
    yield row.map((cell) => {
      if (typeof cell !== 'string') return cell;
      const text = escapeFormula(cell);
      return text === cell ? cell : wrap(text);
    });
  }
}

/**
 * An escaped text as an inline rich-text cell (`t="inlineStr"`): unambiguously a string, where
 * ExcelJS would otherwise write a plain string as a formula-result cell (`t="str"`).
 */
const inlineString = (text: string) => ({ richText: [{ text }] });

async function* withHeader(header: string[], rows: AsyncIterable<SheetCell[]>): AsyncGenerator<SheetCell[]> {
  yield header;
  yield* rows;
}

/**
 * Archiver stamps every zip entry with now and takes no default date. The workbook writer appends
 * its first parts while it is constructed, but archiver hands entries to its zip engine only on a
 * later tick, so giving the engine's `append` the date right after construction covers every entry.
 */
function fixZipDates(workbook: object, date: Date): void {
  type Append = (source: unknown, data: Record<string, unknown>, done: unknown) => unknown;
  const engine = (workbook as { zip: { _module: { append: Append } } }).zip._module;
  const append = engine.append.bind(engine);
  engine.append = (source, data, done) => append(source, { ...data, date }, done);
}

function writeXlsx(header: string[], rows: AsyncIterable<SheetCell[]>, options: SheetOptions): Readable {
  const output = new PassThrough();
  void (async () => {
    const ExcelJS = await loadExcelJs();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: output,
      useSharedStrings: false,
      useStyles: false,
      ...(options.fixedTime ? { created: options.fixedTime, modified: options.fixedTime } : {}),
    });
    if (options.fixedTime) fixZipDates(workbook, options.fixedTime);
    const sheet = workbook.addWorksheet('Sheet1');
    for await (const row of escaped(withHeader(header, rows), inlineString)) {
      sheet.addRow(row).commit();
      // Rows are zipped as they are committed; wait while the reader is behind.
      if (output.writableNeedDrain) await new Promise((resolve) => output.once('drain', resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}
