import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable } from '../field.schemas.js';

export const FrequencySchema = Type.Union(
  [Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('biweekly'), Type.Literal('monthly')],
  { description: 'daily = working days Mon–Fri; weekly/biweekly from the start date; monthly on its day' },
);
export const CallCycleStatusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
]);
export const SlotStatusSchema = Type.Union([
  Type.Literal('planned'),
  Type.Literal('visited'),
  Type.Literal('missed'),
]);

export const CallCycleLocation = Type.Object(
  {
    id: Uuid,
    outlet_id: Uuid,
    position: Type.Integer({ minimum: 1 }),
    frequency: Nullable(FrequencySchema),
    effective_frequency: FrequencySchema,
    planned_visits: Type.Integer({ minimum: 0, description: 'Slots planned for this outlet' }),
    created_at: IsoDateTime,
  },
  { $id: 'CallCycleLocation' },
);
export type CallCycleLocation = Static<typeof CallCycleLocation>;

export const CallCycle = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Nullable(Type.String()),
    agent_id: Uuid,
    start_date: IsoDate,
    end_date: IsoDate,
    frequency: FrequencySchema,
    status: CallCycleStatusSchema,
    location_count: Type.Integer({ minimum: 0 }),
    locations: Type.Optional(Type.Array(CallCycleLocation)),
    created_by: Nullable(Uuid),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'CallCycle' },
);
export type CallCycle = Static<typeof CallCycle>;

const name = Type.String({ minLength: 1, maxLength: 200 });
const description = Nullable(Type.String({ maxLength: 5000 }));
const LocationInput = Type.Object(
  { outlet_id: Uuid, frequency: Type.Optional(Nullable(FrequencySchema)) },
  { additionalProperties: false },
);
const locations = Type.Array(LocationInput, { minItems: 1, maxItems: 200 });

export const CreateCallCycleBody = Type.Object(
  {
    name,
    description: Type.Optional(description),
    agent_id: Type.Optional(Type.Union([Uuid], { description: 'Defaults to the caller' })),
    start_date: IsoDate,
    end_date: IsoDate,
    frequency: FrequencySchema,
    locations: Type.Optional(Type.Union([locations], { description: 'Outlets in visiting order' })),
  },
  { additionalProperties: false },
);
export type CreateCallCycleBody = Static<typeof CreateCallCycleBody>;

export const UpdateCallCycleBody = Type.Object(
  {
    name: Type.Optional(name),
    description: Type.Optional(description),
    agent_id: Type.Optional(Uuid),
    start_date: Type.Optional(IsoDate),
    end_date: Type.Optional(IsoDate),
    frequency: Type.Optional(FrequencySchema),
    status: Type.Optional(CallCycleStatusSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCallCycleBody = Static<typeof UpdateCallCycleBody>;

export const AddLocationsBody = Type.Object({ locations }, { additionalProperties: false });
export type AddLocationsBody = Static<typeof AddLocationsBody>;

export const LocationOrderBody = Type.Object(
  {
    location_ids: Type.Array(Uuid, {
      maxItems: 500,
      description: 'Every location of the cycle once, in the new visiting order',
    }),
  },
  { additionalProperties: false },
);
export type LocationOrderBody = Static<typeof LocationOrderBody>;

export const LocationParams = Type.Object({ id: Uuid, location_id: Uuid });

export const CALL_CYCLE_SORT = ['start_date', 'end_date', 'name', 'created_at'] as const;

export const CallCycleListQuery = Type.Object({
  ...PaginationQuery.properties,
  agent: Type.Optional(Uuid),
  status: Type.Optional(CallCycleStatusSchema),
  outlet: Type.Optional(Type.Union([Uuid], { description: 'Cycles that include this outlet' })),
  active_on: Type.Optional(Type.Union([IsoDate], { description: 'Cycles whose period includes this date' })),
  sort: sortQuery(CALL_CYCLE_SORT, '-start_date'),
});
export type CallCycleListQuery = Static<typeof CallCycleListQuery>;

export const StatusQuery = Type.Object({
  as_of: Type.Optional(
    Type.Union([IsoDate], { description: 'The day the status is seen from (default today, UTC)' }),
  ),
  upcoming_limit: Type.Integer({ minimum: 0, maximum: 500, default: 50 }),
});
export type StatusQuery = Static<typeof StatusQuery>;

const Percent = Type.Number({ minimum: 0, maximum: 100 });
const Slot = Type.Object({
  id: Uuid,
  date: IsoDate,
  outlet_id: Uuid,
  status: SlotStatusSchema,
  visit_id: Nullable(Uuid),
});

export const CallCycleStatus = Type.Object({
  call_cycle_id: Uuid,
  status: CallCycleStatusSchema,
  as_of: IsoDate,
  adherence_percent: Type.Union([Percent], {
    description: 'Visited slots ÷ slots due (dated before as_of, or already visited) × 100',
  }),
  coverage_percent: Type.Union([Percent], { description: 'Outlets with a visited slot ÷ outlets × 100' }),
  outlets_total: Type.Integer({ minimum: 0 }),
  outlets_visited: Type.Integer({ minimum: 0 }),
  planned_total: Type.Integer({ minimum: 0, description: 'Every slot of the cycle' }),
  planned_due: Type.Integer({ minimum: 0 }),
  visited: Type.Integer({ minimum: 0 }),
  missed: Type.Integer({ minimum: 0, description: 'Slots before as_of without a completed visit' }),
  upcoming: Type.Integer({ minimum: 0, description: 'Planned slots on or after as_of' }),
  outlets: Type.Array(
    Type.Object({
      outlet_id: Uuid,
      position: Type.Integer(),
      frequency: FrequencySchema,
      planned_total: Type.Integer(),
      planned_due: Type.Integer(),
      visited: Type.Integer(),
      missed: Type.Integer(),
      upcoming: Type.Integer(),
    }),
  ),
  visited_slots: Type.Array(Slot),
  missed_slots: Type.Array(Slot),
  upcoming_schedule: Type.Array(Slot),
});
export type CallCycleStatus = Static<typeof CallCycleStatus>;
