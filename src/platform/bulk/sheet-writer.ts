import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { ImportFormat } from './imports.tables.js';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from './sheet-format.js';

export type SheetCell = string | number | boolean | null;

export function sheetContentType(format: ImportFormat): string {
  return format === 'xlsx' ? XLSX_CONTENT_TYPE : `${CSV_CONTENT_TYPE}; charset=utf-8`;
}

/**
 * Streams a header and rows as CSV (UTF-8 with BOM, so spreadsheet programs read the encoding right)
 * or XLSX (one worksheet, no shared strings, so rows leave memory as they are written). `rows` is
 * pulled only as fast as the consumer reads.
 */
export function writeSheet(
  format: ImportFormat,
  header: string[],
  rows: AsyncIterable<SheetCell[]>,
): Readable {
  return format === 'xlsx' ? writeXlsx(header, rows) : writeCsv(header, rows);
}

function writeCsv(header: string[], rows: AsyncIterable<SheetCell[]>): Readable {
  const csv = stringify({ bom: true, cast: { boolean: (value) => (value ? 'true' : 'false') } });
  const source = Readable.from(withHeader(header, rows));
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv);
}

async function* withHeader(header: string[], rows: AsyncIterable<SheetCell[]>): AsyncGenerator<SheetCell[]> {
  yield header;
  yield* rows;
}

function writeXlsx(header: string[], rows: AsyncIterable<SheetCell[]>): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet('Sheet1');
  void (async () => {
    sheet.addRow(header).commit();
    for await (const row of rows) {
      sheet.addRow(row).commit();
      // Rows are zipped as they are committed; wait while the reader is behind.
      if (output.writableNeedDrain) await new Promise((resolve) => output.once('drain', resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}
