import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { JobRun } from '../scheduler/scheduler.schemas.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const Severity = Type.Union(
  [Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')],
  { description: 'low, medium, high or critical' },
);
export const AlertStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('resolved'),
  Type.Literal('snoozed'),
]);
const AlertType = Type.String({
  pattern: '^[a-z][a-z0-9_.-]{0,62}$',
  description: 'Lower-case type, e.g. call_cycle_adherence',
});
const EntityType = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,62}$',
  description: 'e.g. customer, user, call_cycle',
});
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Text = Type.String({ maxLength: 4000 });

export const Alert = Type.Object({
  id: Uuid,
  type: Type.String(),
  severity: Severity,
  title: Type.String(),
  description: nullable(Type.String()),
  entity_type: Type.String(),
  entity_id: Uuid,
  customer_id: nullable(Uuid),
  owner_id: nullable(Uuid),
  assignee_id: nullable(Uuid),
  status: AlertStatus,
  source: Type.String({ description: '`manual`, or the name of the check that raised it' }),
  notes: nullable(Type.String()),
  snoozed_until: nullable(IsoDateTime),
  resolved_at: nullable(IsoDateTime),
  resolved_by: nullable(Uuid),
  resolution_note: nullable(Type.String()),
  created_by: nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Alert = Static<typeof Alert>;

export const AlertListQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(AlertStatus),
  severity: Type.Optional(Severity),
  type: Type.Optional(AlertType),
  customer_id: Type.Optional(Uuid),
  entity_type: Type.Optional(EntityType),
  entity_id: Type.Optional(Uuid),
  assignee_id: Type.Optional(Uuid),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  sort: sortQuery(['created_at', 'updated_at'], '-created_at'),
});
export type AlertListQuery = Static<typeof AlertListQuery>;

export const CustomerAlertsQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(AlertStatus),
  sort: sortQuery(['created_at', 'updated_at'], '-created_at'),
});
export type CustomerAlertsQuery = Static<typeof CustomerAlertsQuery>;

export const CreateAlertBody = Type.Object({
  type: AlertType,
  severity: Severity,
  title: Title,
  description: Type.Optional(nullable(Text)),
  entity_type: EntityType,
  entity_id: Uuid,
  customer_id: Type.Optional(nullable(Uuid)),
  owner_id: Type.Optional(nullable(Uuid)),
  assignee_id: Type.Optional(nullable(Uuid)),
});
export type CreateAlertBody = Static<typeof CreateAlertBody>;

export const UpdateAlertBody = Type.Object(
  {
    assignee_id: Type.Optional(nullable(Uuid)),
    notes: Type.Optional(nullable(Text)),
  },
  { minProperties: 1 },
);
export type UpdateAlertBody = Static<typeof UpdateAlertBody>;

export const ResolveAlertBody = Type.Object({ resolution_note: Type.Optional(nullable(Text)) });
export type ResolveAlertBody = Static<typeof ResolveAlertBody>;

export const SnoozeAlertBody = Type.Object({
  until: Type.String({ format: 'date-time', description: 'When the alert reopens by itself (future)' }),
});
export type SnoozeAlertBody = Static<typeof SnoozeAlertBody>;

export const BulkResolveBody = Type.Object({
  ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }),
  resolution_note: Type.Optional(nullable(Text)),
});
export type BulkResolveBody = Static<typeof BulkResolveBody>;

export const BulkResolveResult = Type.Object({
  resolved: Type.Array(Uuid, { description: 'Alerts resolved now' }),
  already_resolved: Type.Array(Uuid, { description: 'Alerts that were resolved before (unchanged)' }),
});

const CountBy = Type.Record(Type.String(), Type.Integer());

export const AlertDashboard = Type.Object({
  open_total: Type.Integer(),
  open_by_severity: CountBy,
  open_by_type: CountBy,
  newest_critical: Type.Array(Alert, { description: 'The newest open critical alerts (up to 5)' }),
  trend: Type.Array(Type.Object({ date: IsoDate, raised: Type.Integer(), resolved: Type.Integer() }), {
    description: 'Alerts raised and resolved per day over the last 30 days (UTC)',
  }),
});

export const AlertStats = Type.Object({
  total: Type.Integer(),
  by_status: CountBy,
  by_severity: CountBy,
  by_type: CountBy,
  by_source: CountBy,
  resolved_last_30_days: Type.Integer(),
  mean_hours_to_resolve: nullable(Type.Number({ description: 'Over alerts resolved in the last 30 days' })),
});

export const RunChecksResult = JobRun;
