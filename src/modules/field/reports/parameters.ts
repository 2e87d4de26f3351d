import { Type, type Static } from 'typebox';
import {
  checkReportPeriod,
  ReportPeriodParameters,
  resolveReportPeriod,
} from '../../../platform/reports/period.js';
import { MAX_PERIOD_DAYS, type Period } from '../analytics/period.js';

export { localToday, periodLabel } from '../../../platform/reports/period.js';

/**
 * Parameters shared by the field reports: the platform's report period (relative or explicit) and
 * optional agent / outlet filters.
 */
export const FieldReportParameters = Type.Object({
  ...ReportPeriodParameters.properties,
  agent_id: Type.Optional(Type.String({ format: 'uuid' })),
  outlet_id: Type.Optional(Type.String({ format: 'uuid' })),
});
export type FieldReportParameters = Static<typeof FieldReportParameters>;

/** The report's period: explicit `from`/`to` when given, else the relative `period` ending today. */
export const reportPeriod = (params: FieldReportParameters, now: Date, timeZone: string): Period =>
  resolveReportPeriod(params, now, timeZone, MAX_PERIOD_DAYS);

/** Explicit dates checked when the report is requested or scheduled (422 before anything is queued). */
export const checkFieldReportParameters = (params: FieldReportParameters): void =>
  checkReportPeriod(params, MAX_PERIOD_DAYS);
