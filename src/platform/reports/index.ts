import { renderCsv } from './csv.js';
import { renderPdf } from './pdf.js';
import { renderXlsx } from './xlsx.js';
import type { ReportData, ReportFormat, ReportHeader } from './types.js';

export * from './types.js';

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The same data as a PDF, XLSX or CSV file. */
export async function renderReport(
  format: ReportFormat,
  header: ReportHeader,
  data: ReportData,
): Promise<Buffer> {
  if (format === 'pdf') return renderPdf(header, data);
  if (format === 'xlsx') return renderXlsx(header, data);
  return renderCsv(header, data);
}
