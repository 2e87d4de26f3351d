import { lazy } from '../../lib/lazy.js';

/** The spreadsheet library (~30 MB), loaded by the first XLSX read or written rather than at start. */
export const loadExcelJs = lazy(() => import('exceljs').then((m) => m.default));
