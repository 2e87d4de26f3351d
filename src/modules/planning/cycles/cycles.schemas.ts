import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Month, Nullable } from '../common.js';

export const CycleStatus = Type.Union([Type.Literal('draft'), Type.Literal('open'), Type.Literal('closed')]);

export const SopCycle = Type.Object({
  id: Uuid,
  name: Type.String(),
  anchor_month: Month,
  start_date: IsoDate,
  end_date: IsoDate,
  status: CycleStatus,
  window: Type.Array(Month, {
    description: 'The 16-month planning window: 4 past months, the anchor month, 11 ahead (oldest first)',
  }),
  submission_deadline: Type.String({
    format: 'date-time',
    description: "end_date − 7 days at 23:59:59 in the tenant's time zone, as a UTC instant",
  }),
  opened_at: Nullable(IsoDateTime),
  opened_by: Nullable(Uuid),
  closed_at: Nullable(IsoDateTime),
  closed_by: Nullable(Type.String({ format: 'uuid', description: 'null when closed automatically' })),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type SopCycle = Static<typeof SopCycle>;

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const CreateCycleBody = Type.Object({
  name: Name,
  anchor_month: Month,
  start_date: IsoDate,
  end_date: Type.String({ format: 'date', description: 'YYYY-MM-DD, not before start_date' }),
});
export type CreateCycleBody = Static<typeof CreateCycleBody>;

export const UpdateCycleBody = Type.Partial(CreateCycleBody, { minProperties: 1 });
export type UpdateCycleBody = Static<typeof UpdateCycleBody>;

export const CYCLE_SORTS = ['anchor_month', 'created_at', 'start_date', 'name'] as const;

export const CycleListQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(CycleStatus),
  sort: sortQuery(CYCLE_SORTS, '-anchor_month'),
});
export type CycleListQuery = Static<typeof CycleListQuery>;

const Count = Type.Integer({ minimum: 0 });

export const CycleStats = Type.Object({
  cycle_id: Uuid,
  forecasts_total: Type.Integer({
    minimum: 0,
    description:
      'Forecasts expected: active matrix rows with a rep, plus any other non-rejected forecast of the cycle',
  }),
  forecasts_submitted: Type.Integer({ minimum: 0, description: 'Of those, submitted or approved' }),
  reps_total: Type.Integer({ minimum: 0, description: 'Reps with at least one expected forecast' }),
  reps_submitted: Type.Integer({
    minimum: 0,
    description: 'Reps whose every expected forecast is submitted',
  }),
  completion_percent: Type.Number({
    description: 'forecasts_submitted ÷ forecasts_total × 100, one decimal (0 when nothing is expected)',
  }),
  by_status: Type.Object({ draft: Count, submitted: Count, approved: Count, rejected: Count }),
});
export type CycleStats = Static<typeof CycleStats>;

export const NotifyResult = Type.Object({
  notified: Type.Integer({ minimum: 0, description: 'Reps e-mailed' }),
  rep_ids: Type.Array(Uuid),
});
export type NotifyResult = Static<typeof NotifyResult>;
