import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  ListEnvelope,
  Money,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { Currency, Nullable } from '../schemas.js';

export const LedgerEntryType = Type.Union([
  Type.Literal('conversion_revenue'),
  Type.Literal('conversion_cost'),
  Type.Literal('bonus_accrual'),
  Type.Literal('payout'),
  Type.Literal('adjustment'),
]);
export const LedgerComponent = Type.Union([
  Type.Literal('revenue'),
  Type.Literal('cost'),
  Type.Literal('bonus'),
  Type.Literal('payout'),
]);

export const LedgerEntry = Type.Object({
  id: Uuid,
  entry_type: LedgerEntryType,
  component: LedgerComponent,
  amount: Type.String({ description: 'Signed decimal string' }),
  currency: Type.String(),
  occurred_at: IsoDateTime,
  agent_id: Nullable(Uuid),
  outlet_id: Nullable(Uuid),
  campaign_id: Nullable(Uuid),
  lead_id: Nullable(Uuid),
  conversion_id: Nullable(Uuid),
  bonus_run_id: Nullable(Uuid),
  bonus_item_id: Nullable(Uuid),
  reason: Nullable(Type.String()),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export const LedgerTotals = Type.Object({
  revenue: Type.String(),
  cost: Type.String(),
  bonus: Type.String(),
  payout: Type.String(),
  net_profit: Type.String({ description: 'revenue − cost − bonus' }),
});
export type LedgerTotals = Static<typeof LedgerTotals>;

export const LedgerListQuery = Type.Object({
  ...PaginationQuery.properties,
  agent: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  campaign: Type.Optional(Uuid),
  entry_type: Type.Optional(LedgerEntryType),
  component: Type.Optional(LedgerComponent),
  conversion: Type.Optional(Uuid),
  bonus_run: Type.Optional(Uuid),
  currency: Type.Optional(Currency),
  date_from: Type.Optional(Type.Union([IsoDate], { description: 'Occurred on or after (tenant day)' })),
  date_to: Type.Optional(Type.Union([IsoDate], { description: 'Occurred on or before (tenant day)' })),
  sort: sortQuery(['occurred_at', 'created_at'], '-occurred_at'),
});
export type LedgerListQuery = Static<typeof LedgerListQuery>;

export const LedgerList = Type.Object({
  ...ListEnvelope('ledger_entries', LedgerEntry).properties,
  totals: Type.Union([LedgerTotals], { description: 'Over every entry the filters select, not the page' }),
});

export const CreateAdjustmentBody = Type.Object({
  component: LedgerComponent,
  amount: Type.Union([Money], { description: 'Signed, not zero: a negative amount lowers the total' }),
  currency: Type.Optional(Type.Union([Currency], { description: 'Defaults to the tenant’s currency' })),
  occurred_at: Type.Optional(Type.String({ format: 'date-time', description: 'Defaults to now' })),
  agent_id: Type.Optional(Uuid),
  outlet_id: Type.Optional(Uuid),
  campaign_id: Type.Optional(Uuid),
  conversion_id: Type.Optional(Uuid),
  reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
});
export type CreateAdjustmentBody = Static<typeof CreateAdjustmentBody>;
