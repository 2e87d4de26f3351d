import { PassThrough, pipeline, type Readable } from 'node:stream';
import { lazy } from '../../lib/lazy.js';
import type { ReportData, ReportFormat, ReportHeader } from './types.js';

export * from './types.js';
export { keysetRows, REPORT_PAGE_SIZE, rowCountOf } from './rows.js';
export {
  checkReportPeriod,
  localToday,
  periodLabel,
  ReportPeriodParameters,
  resolveReportPeriod,
  type ReportPeriod,
} from './period.js';

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
  const file = new PassThrough();
  RENDERERS[format]().then(
    (render) => pipeline(render(header, data), file, () => undefined), // errors destroy `file`
    (error: unknown) => file.destroy(error as Error),
  );
  return file;
}

type Renderer = (header: ReportHeader, data: ReportData) => Readable;

/**
 * Each format's writer is loaded by the first report in that format: the PDF, chart and
 * spreadsheet libraries take about 100 MB of memory and seconds of a start, and most API processes
 * never render a report.
 */
const RENDERERS: Record<ReportFormat, () => Promise<Renderer>> = {
  pdf: lazy(async () => (await import('./pdf.js')).renderPdf),
  xlsx: lazy(async () => (await import('./xlsx.js')).renderXlsx),
  csv: lazy(async () => (await import('./csv.js')).renderCsv),
};
