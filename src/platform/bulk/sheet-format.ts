import { TEXT_PLAIN } from '../storage/index.js';
import type { ImportFormat } from './imports.tables.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv';

/**
 * Sniffing recognises an XLSX file by the order of its ZIP entries, and streaming writers (ours
 * and others) write them in an order that reads as a plain ZIP; such a file is read as a workbook
 * and a ZIP that holds none fails the run as unreadable.
 */
const ZIP_CONTENT_TYPE = 'application/zip';

/** The content types an import accepts: what sniffing reports for CSV text and for XLSX. */
export const SPREADSHEET_TYPES = [TEXT_PLAIN, XLSX_CONTENT_TYPE, ZIP_CONTENT_TYPE] as const;

/** The spreadsheet format of a file from its content type as sniffed from the bytes, or null. */
export function formatOfContentType(contentType: string): ImportFormat | null {
  if (contentType === XLSX_CONTENT_TYPE || contentType === ZIP_CONTENT_TYPE) return 'xlsx';
  if (contentType === TEXT_PLAIN) return 'csv';
  return null;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * The field delimiter of a CSV file, judged from its first line (the header): the candidate that
 * occurs most often outside quotes. Semicolons are what spreadsheet programs write in locales with
 * a decimal comma; a header with a single column has no delimiter and reads as comma-separated.
 */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [delimiter, count] of counts) {
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}
