import { iso } from '../../platform/resource/index.js';
import type { ReportRunRow, ReportScheduleRow } from './reports.tables.js';
import type { ReportRun, Schedule } from './reports.schemas.js';

export const toRunJson = (row: ReportRunRow): ReportRun => ({
  id: row.id,
  schedule_id: row.scheduleId,
  report_type: row.reportType,
  format: row.format,
  parameters: row.parameters,
  status: row.status,
  requested_by: row.requestedBy,
  error: row.error,
  file_name: row.fileName,
  file_size: row.fileSize,
  row_count: row.rowCount,
  delivery: row.delivery,
  created_at: row.createdAt.toISOString(),
  started_at: iso(row.startedAt),
  completed_at: iso(row.completedAt),
});

export const toScheduleJson = (row: ReportScheduleRow, timeZone: string): Schedule => ({
  id: row.id,
  name: row.name,
  report_type: row.reportType,
  format: row.format,
  frequency: row.frequency,
  weekday: row.weekday,
  day_of_month: row.dayOfMonth,
  hour: row.hour,
  time_zone: timeZone,
  parameters: row.parameters,
  recipients: { user_ids: row.recipientUserIds, emails: row.recipientEmails },
  is_active: row.isActive,
  next_run_at: row.nextRunAt.toISOString(),
  last_run_at: iso(row.lastRunAt),
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
