import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { BoolQuery, Code, Currency, Name, Nullable, Text } from '../schemas.js';

export const CampaignStatus = Type.Union([
  Type.Literal('planned'),
  Type.Literal('active'),
  Type.Literal('ended'),
]);

export const Campaign = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  status: Type.Union([CampaignStatus], {
    description: 'planned → active → ended; the start and end dates move it along as well as the actions',
  }),
  start_date: Nullable(IsoDate),
  end_date: Nullable(IsoDate),
  budget: Nullable(Type.String({ description: 'Decimal amount in `currency`' })),
  spend: Type.String({ description: 'Bonuses approved against the campaign (read-only)' }),
  currency: Type.String(),
  brand_id: Nullable(Uuid),
  product_ids: Type.Array(Uuid),
  outlet_ids: Type.Array(Uuid, { description: 'Outlets the campaign runs at (empty: every outlet)' }),
  activated_at: Nullable(IsoDateTime),
  ended_at: Nullable(IsoDateTime),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Campaign = Static<typeof Campaign>;

const Ids = Type.Array(Uuid, { maxItems: 1000, uniqueItems: true });

export const CreateCampaignBody = Type.Object({
  code: Code,
  name: Name,
  description: Type.Optional(Nullable(Text())),
  start_date: Type.Optional(Nullable(IsoDate)),
  end_date: Type.Optional(Nullable(IsoDate)),
  budget: Type.Optional(Nullable(NonNegativeMoney)),
  currency: Type.Optional(Currency),
  brand_id: Type.Optional(Nullable(Uuid)),
  product_ids: Type.Optional(Ids),
  outlet_ids: Type.Optional(Ids),
});
export type CreateCampaignBody = Static<typeof CreateCampaignBody>;

export const UpdateCampaignBody = Type.Partial(CreateCampaignBody, { minProperties: 1 });
export type UpdateCampaignBody = Static<typeof UpdateCampaignBody>;

export const CampaignActionBody = Type.Object({ reason: Type.Optional(Text(500)) });
export type CampaignActionBody = Static<typeof CampaignActionBody>;

export const CampaignListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name or code' })),
  status: Type.Optional(CampaignStatus),
  brand: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  sort: sortQuery(['created_at', 'name', 'code', 'start_date'], '-created_at'),
});
export type CampaignListQuery = Static<typeof CampaignListQuery>;

export const AttributionSource = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  archived_at: Nullable(IsoDateTime),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type AttributionSource = Static<typeof AttributionSource>;

export const CreateSourceBody = Type.Object({
  code: Code,
  name: Name,
  description: Type.Optional(Nullable(Text(500))),
  archived: Type.Optional(Type.Boolean({ description: 'An archived source takes no new leads' })),
});
export type CreateSourceBody = Static<typeof CreateSourceBody>;

export const UpdateSourceBody = Type.Partial(CreateSourceBody, { minProperties: 1 });
export type UpdateSourceBody = Static<typeof UpdateSourceBody>;

export const SourceListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name or code' })),
  archived: BoolQuery,
  sort: sortQuery(['code', 'name', 'created_at'], 'code'),
});
export type SourceListQuery = Static<typeof SourceListQuery>;
