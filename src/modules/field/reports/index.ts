import type { ReportType } from '../../../platform/reports/types.js';
import { callCycleAdherenceReport, shelfShareReport } from './shelf-cycle-reports.js';
import { agentPerformanceReport, visitSummaryReport } from './visit-reports.js';

/** The reports the field module offers (`GET /reports/types`). */
export const FIELD_REPORT_TYPES: readonly ReportType[] = [
  visitSummaryReport,
  agentPerformanceReport,
  shelfShareReport,
  callCycleAdherenceReport,
];
