import { forecastVsActualReport, grossProfitReport, salesSummaryReport } from './actuals.reports.js';
import { consolidatedForecastReport, submissionStatusReport } from './forecast.reports.js';

/** The planning report types (the specification's five reports). */
export const PLANNING_REPORT_TYPES = [
  consolidatedForecastReport,
  submissionStatusReport,
  forecastVsActualReport,
  salesSummaryReport,
  grossProfitReport,
];
