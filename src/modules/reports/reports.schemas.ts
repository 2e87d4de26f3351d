import { Type, type Static } from 'typebox';
import { IsoDateTime, ListEnvelope, PaginationQuery, sortQuery, Uuid } from '../../platform/http/schemas.js';

const RunStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('generating'),
  Type.Literal('completed'),
  Type.Literal('failed'),
]);
const Frequency = Type.Union([
  Type.Literal('daily'),
  Type.Literal('weekly'),
  Type.Literal('monthly'),
  Type.Literal('quarterly'),
]);

/** Any string: an unknown type or format is answered by the service (422 naming the known ones). */
const ReportTypeKey = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A key from GET /reports/types',
});
const Format = Type.String({ minLength: 1, maxLength: 10, description: 'pdf, xlsx or csv' });
const Parameters = Type.Record(Type.String(), Type.Unknown(), {
  description: "The report type's parameters (its schema in GET /reports/types)",
});

export const ReportTypeInfo = Type.Object({
  key: Type.String(),
  title: Type.String(),
  description: Type.String(),
  formats: Type.Array(Type.String()),
  parameters: Type.Unknown({ description: 'JSON Schema of the parameters' }),
});
export const ReportTypeList = Type.Object({ report_types: Type.Array(ReportTypeInfo) });

export const GenerateBody = Type.Object({
  report_type: ReportTypeKey,
  format: Format,
  parameters: Type.Optional(Parameters),
});
export type GenerateBody = Static<typeof GenerateBody>;

export const ReportRun = Type.Object({
  id: Uuid,
  schedule_id: Type.Union([Uuid, Type.Null()]),
  report_type: Type.String(),
  format: Type.String(),
  parameters: Type.Record(Type.String(), Type.Unknown()),
  status: RunStatus,
  requested_by: Uuid,
  error: Type.Union([Type.String(), Type.Null()]),
  file_name: Type.Union([Type.String(), Type.Null()]),
  file_size: Type.Union([Type.Integer(), Type.Null()]),
  row_count: Type.Union([Type.Integer(), Type.Null()]),
  delivery: Type.Union([Type.String(), Type.Null()]),
  created_at: IsoDateTime,
  started_at: Type.Union([IsoDateTime, Type.Null()]),
  completed_at: Type.Union([IsoDateTime, Type.Null()]),
});
export type ReportRun = Static<typeof ReportRun>;

export const HistoryQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(RunStatus),
  report_type: Type.Optional(Type.String({ maxLength: 100 })),
  schedule_id: Type.Optional(Uuid),
  sort: sortQuery(['created_at', 'completed_at'], '-created_at'),
});
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryList = ListEnvelope('reports', ReportRun);

export const DownloadQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 4000, description: 'A signed download link token' })),
});

const Recipients = Type.Object({
  user_ids: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  emails: Type.Optional(
    Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 100, uniqueItems: true }),
  ),
});

const scheduleFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  report_type: ReportTypeKey,
  format: Format,
  frequency: Frequency,
  weekday: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday (weekly): 1 = Monday' }),
  ),
  day_of_month: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 31,
      description: 'Monthly and quarterly; a shorter month runs on its last day',
    }),
  ),
  hour: Type.Integer({ minimum: 0, maximum: 23, description: "Hour in the tenant's time zone" }),
  parameters: Type.Optional(Parameters),
  recipients: Recipients,
  is_active: Type.Optional(Type.Boolean()),
};
export const CreateScheduleBody = Type.Object(scheduleFields);
export type CreateScheduleBody = Static<typeof CreateScheduleBody>;
export const UpdateScheduleBody = Type.Partial(Type.Object(scheduleFields), { minProperties: 1 });
export type UpdateScheduleBody = Static<typeof UpdateScheduleBody>;

export const Schedule = Type.Object({
  id: Uuid,
  name: Type.String(),
  report_type: Type.String(),
  format: Type.String(),
  frequency: Frequency,
  weekday: Type.Union([Type.Integer(), Type.Null()]),
  day_of_month: Type.Union([Type.Integer(), Type.Null()]),
  hour: Type.Integer(),
  time_zone: Type.String({ description: "The tenant's time zone the hour is read in" }),
  parameters: Type.Record(Type.String(), Type.Unknown()),
  recipients: Type.Object({ user_ids: Type.Array(Uuid), emails: Type.Array(Type.String()) }),
  is_active: Type.Boolean(),
  next_run_at: IsoDateTime,
  last_run_at: Type.Union([IsoDateTime, Type.Null()]),
  created_by: Uuid,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Schedule = Static<typeof Schedule>;
export const ScheduleListQuery = Type.Object({
  ...PaginationQuery.properties,
  is_active: Type.Optional(Type.Boolean()),
  sort: sortQuery(['next_run_at', 'name', 'created_at'], 'next_run_at'),
});
export type ScheduleListQuery = Static<typeof ScheduleListQuery>;
export const ScheduleList = ListEnvelope('scheduled_reports', Schedule);

export const RunScheduledResult = Type.Object({
  due: Type.Integer({ description: 'Due schedules this call claimed' }),
  generated: Type.Integer(),
  failed: Type.Integer(),
  runs: Type.Array(ReportRun),
});

export const Dashboard = Type.Object({
  total: Type.Integer(),
  by_status: Type.Record(Type.String(), Type.Integer()),
  by_type: Type.Array(Type.Object({ report_type: Type.String(), count: Type.Integer() })),
  last_7_days: Type.Integer(),
  scheduled_active: Type.Integer(),
  scheduled_inactive: Type.Integer(),
  next_scheduled: Type.Array(Schedule),
  recent: Type.Array(ReportRun),
});
