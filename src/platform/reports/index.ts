import type { Readable } from 'node:stream';
import { renderCsv } from './csv.js';
import { renderPdf } from './pdf.js';
import { renderXlsx } from './xlsx.js';
import type { ReportData, ReportFormat, ReportHeader } from './types.js';

export * from './types.js';
export { keysetRows, REPORT_PAGE_SIZE, rowCountOf } from './rows.js';

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/**
 * The same data as a PDF, XLSX or CSV file, streamed as it is written: sections whose rows are read
 * page by page are drawn as the pages arrive, so memory stays flat however many rows a report has.
 * A failure while writing (a page read that fails) destroys the stream with the error.
 */
export function renderReport(format: ReportFormat, header: ReportHeader, data: ReportData): Readable {
  if (format === 'pdf') return renderPdf(header, data);
  if (format === 'xlsx') return renderXlsx(header, data);
  return renderCsv(header, data);
}
