import { csatAnalysisReport } from './csat-analysis.report.js';
import { customerOverviewReport } from './customer-overview.report.js';
import { executiveSummaryReport } from './executive-summary.report.js';
import { healthSummaryReport } from './health-summary.report.js';

/** The success report types (the specification's health_summary, csat_analysis, customer_overview, executive_summary). */
export const SUCCESS_REPORT_TYPES = [
  healthSummaryReport,
  csatAnalysisReport,
  customerOverviewReport,
  executiveSummaryReport,
];
