import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable, Text } from './common.js';

export const Environment = Type.Union(
  [Type.Literal('cloud'), Type.Literal('on_premise'), Type.Literal('hybrid')],
  { description: 'Where the product runs' },
);

const ProductName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '\\S',
  description: 'Free text per tenant (MonetX, SupportX…); surrounding spaces are trimmed',
});
const LicenceType = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '\\S',
  description: 'Free text (subscription, perpetual, trial…); trimmed',
});

export const Deployment = Type.Object({
  id: Uuid,
  customer_id: Uuid,
  customer_name: Type.String(),
  product_name: Type.String(),
  version: Nullable(Type.String()),
  environment: Environment,
  deployment_date: Nullable(IsoDate),
  licence_type: Nullable(Type.String()),
  licence_expiry: Nullable(IsoDate),
  is_active: Type.Boolean(),
  deactivated_at: Nullable(
    Type.String({
      format: 'date-time',
      description: 'When it was deactivated (an inactive deployment is not changed until reactivated)',
    }),
  ),
  notes: Nullable(Type.String()),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Deployment = Static<typeof Deployment>;

const editable = {
  product_name: ProductName,
  version: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }))),
  environment: Type.Optional(Environment),
  deployment_date: Type.Optional(Nullable(IsoDate)),
  licence_type: Type.Optional(Nullable(LicenceType)),
  licence_expiry: Type.Optional(Nullable(IsoDate)),
  notes: Type.Optional(Nullable(Text(2000))),
  is_active: Type.Optional(
    Type.Boolean({ description: 'false deactivates (as DELETE does), true reactivates' }),
  ),
};

export const CreateDeploymentBody = Type.Object({
  customer_id: Type.String({
    format: 'uuid',
    description: 'A customer of the tenant within the caller’s data scope (otherwise 422)',
  }),
  ...editable,
});
export type CreateDeploymentBody = Static<typeof CreateDeploymentBody>;

export const UpdateDeploymentBody = Type.Partial(Type.Object(editable), { minProperties: 1 });
export type UpdateDeploymentBody = Static<typeof UpdateDeploymentBody>;

export const DEPLOYMENT_SORTS = [
  'created_at',
  'updated_at',
  'product_name',
  'deployment_date',
  'licence_expiry',
] as const;

const filters = {
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Product, version or customer name' }),
  ),
  customer_id: Type.Optional(Uuid),
  environment: Type.Optional(Environment),
  licence_type: Type.Optional(LicenceType),
  is_active: Type.Optional(Type.Boolean({ description: 'Omitted: active and inactive' })),
  licence_expiry_before: Type.Optional(
    Type.String({ format: 'date', description: 'Licences expiring strictly before this day' }),
  ),
};

export const DeploymentListQuery = Type.Object({
  ...PaginationQuery.properties,
  ...filters,
  product_name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Exact name, case-insensitive' }),
  ),
  sort: sortQuery(DEPLOYMENT_SORTS, '-created_at'),
});
export type DeploymentListQuery = Static<typeof DeploymentListQuery>;

/** `GET /deployments/by-product/{name}`: the list's filters but the product, which the path names. */
export const ProductDeploymentsQuery = Type.Object({
  ...PaginationQuery.properties,
  ...filters,
  sort: sortQuery(DEPLOYMENT_SORTS, '-created_at'),
});
export type ProductDeploymentsQuery = Static<typeof ProductDeploymentsQuery>;

export const ProductParams = Type.Object({ name: ProductName });

export const ExpiringQuery = Type.Object({
  ...PaginationQuery.properties,
  days: Type.Integer({
    minimum: 0,
    maximum: 365,
    default: 30,
    description: 'Licences expiring from today to today + days (tenant calendar), both included',
  }),
  include_expired: Type.Boolean({
    default: false,
    description: 'Also active deployments whose licence has already expired (days_left < 0)',
  }),
  customer_id: Type.Optional(Uuid),
});
export type ExpiringQuery = Static<typeof ExpiringQuery>;

export const ExpiringDeployment = Type.Object({
  ...Deployment.properties,
  days_left: Type.Integer({ description: 'licence_expiry − today (tenant time zone); < 0 when expired' }),
  expired: Type.Boolean(),
});
export type ExpiringDeployment = Static<typeof ExpiringDeployment>;

const Counted = { total: Type.Integer({ minimum: 0 }), active: Type.Integer({ minimum: 0 }) };

export const StatsQuery = Type.Object({ customer_id: Type.Optional(Uuid) });
export type StatsQuery = Static<typeof StatsQuery>;

export const DeploymentStats = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  active: Type.Integer({ minimum: 0 }),
  inactive: Type.Integer({ minimum: 0 }),
  by_product: Type.Array(Type.Object({ product_name: Type.String(), ...Counted })),
  by_environment: Type.Array(Type.Object({ environment: Environment, ...Counted })),
  by_licence_type: Type.Array(
    Type.Object({ licence_type: Nullable(Type.String({ description: 'null: none given' })), ...Counted }),
  ),
});
export type DeploymentStats = Static<typeof DeploymentStats>;
