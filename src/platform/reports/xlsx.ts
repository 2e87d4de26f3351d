import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { escapeFormula } from '../bulk/formula-escape.js';
import { localDateTime } from './format.js';
import { rowBatches } from './rows.js';
import type { ColumnKind, ReportData, ReportHeader, ReportValue } from './types.js';

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  integer: '0',
  number: '0.00',
  percent: '0.00',
  money: '#,##0.00',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
};

/** Sheet names: at most 31 characters, none of `[]:*?/\`, unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${base} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * The cell value for a column: numbers and money as numbers, dates as dates (a `date` column is a
 * calendar day, kept at UTC midnight; a `datetime` is shifted to the tenant's wall clock, since
 * spreadsheet times carry no zone), text escaped against formula injection.
 */
function cellOf(kind: ColumnKind, value: ReportValue, timeZone: string): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
    case 'number':
    case 'percent':
    case 'money': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'date': {
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
      return new Date(`${text.slice(0, 10)}T00:00:00Z`);
    }
    case 'datetime': {
      const date = value instanceof Date ? value : new Date(String(value));
      return new Date(`${localDateTime(date, timeZone).replace(' ', 'T')}:00Z`);
    }
    default: {
      const text = typeof value === 'string' ? value : String(value);
      const safe = escapeFormula(text);
      // An escaped text as an inline rich-text cell, unambiguously a string.
      return safe === text ? text : { richText: [{ text: safe }] };
    }
  }
}

/**
 * An XLSX workbook, streamed as it is written (exceljs' WorkbookWriter, no shared strings, so rows
 * leave memory once committed): a sheet per section, typed cells, a frozen header row. Number
 * formats sit on the columns, so a cell carries only its value.
 */
export function renderXlsx(header: ReportHeader, data: ReportData): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: true,
  });
  workbook.creator = 'SalesOps';
  workbook.title = header.title;
  workbook.created = header.generatedAt;
  const write = async () => {
    const taken = new Set<string>();
    for (const section of data.sections) {
      const sheet = workbook.addWorksheet(sheetName(section.title, taken), {
        views: [{ state: 'frozen', ySplit: 1 }],
      });
      sheet.columns = section.columns.map((column) => ({
        header: column.label,
        key: column.key,
        width: Math.max(10, Math.min(40, column.label.length + 4)),
        style: NUMBER_FORMATS[column.kind] ? { numFmt: NUMBER_FORMATS[column.kind] } : {},
      }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      const { columns } = section;
      for await (const batch of rowBatches(section)) {
        for (const row of batch)
          sheet
            .addRow(columns.map((column) => cellOf(column.kind, row[column.key] ?? null, header.timeZone)))
            .commit();
        // Rows are zipped as they are committed; wait while the reader is behind.
        if (output.writableNeedDrain) await once(output, 'drain');
      }
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => output.destroy(error as Error));
  return output;
}
