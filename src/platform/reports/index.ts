import { PassThrough, pipeline, type Readable } from 'node:stream';
import { lazy } from '../../lib/lazy.js';
import { renderInThread } from './render-thread.js';
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

export { stopRenderThread } from './render-thread.js';

/**
 * The same data as a PDF, XLSX or CSV file, streamed as it is written: sections whose rows are read
 * page by page are drawn as the pages arrive, so memory stays flat however many rows a report has.
 * A failure while writing (a page read that fails) destroys the stream with the error.
 *
 * PDF and XLSX are drawn in the render thread (render-thread.ts), so their libraries never load
 * into the API process; CSV needs no library and is written here.
 */
export function renderReport(format: ReportFormat, header: ReportHeader, data: ReportData): Readable {
  if (format !== 'csv') return renderInThread(format, header, data);
  const file = new PassThrough();
  loadCsvWriter().then(
    (render) => pipeline(render(header, data), file, () => undefined), // errors destroy `file`
    (error: unknown) => file.destroy(error as Error),
  );
  return file;
}

const loadCsvWriter = lazy(async () => (await import('./csv.js')).renderCsv);
