import { Type, type Static } from 'typebox';
import {
  IsoDate,
  IsoDateTime,
  Money,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { GeocodeStatusSchema } from '../../../platform/geocoding/place.js';

/**
 * `null` first: with Ajv's type coercion a string or number branch tried first would turn an
 * explicit `null` (clear the field) into `""` or `0`.
 */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

const Code = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: 'Unique per tenant',
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Text = (maxLength = 200) => Type.String({ maxLength });
const BoolQuery = Type.Boolean({ default: false });

/** Read-only mapping of the entity to ids in external systems. */
export const ExternalRef = Type.Object({
  provider: Type.String(),
  entity_type: Type.String(),
  external_id: Type.String(),
});
export type ExternalRef = Static<typeof ExternalRef>;

// ---------------------------------------------------------------------------------------- customers

export const CUSTOMER_STATUS = Type.Union([
  Type.Literal('onboarding'),
  Type.Literal('active'),
  Type.Literal('at_risk'),
  Type.Literal('churned'),
]);

/** The risk of the latest health score (the customer-success module calculates it). */
export const HEALTH_RISK = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

export const Address = Type.Object({
  kind: Type.String({ minLength: 1, maxLength: 32, description: 'legal, delivery, billing …' }),
  line: Type.String({ minLength: 1, maxLength: 500 }),
  city: Type.Optional(Nullable(Text(100))),
  region: Type.Optional(Nullable(Text(100))),
  postal_code: Type.Optional(Nullable(Text(20))),
  country: Type.Optional(Nullable(Text(2))),
});

export const Customer = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  legal_name: Nullable(Type.String()),
  industry: Nullable(Type.String()),
  segment: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  contact_name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  addresses: Type.Array(Address),
  inn: Nullable(Type.String()),
  kpp: Nullable(Type.String()),
  ogrn: Nullable(Type.String()),
  is_customer: Type.Boolean(),
  is_supplier: Type.Boolean(),
  owner_id: Nullable(Uuid),
  status: CUSTOMER_STATUS,
  contract_start: Nullable(IsoDate),
  contract_end: Nullable(IsoDate),
  contract_value: Nullable(Money),
  currency: Nullable(Type.String()),
  archived_at: Nullable(IsoDateTime),
  health_score: Nullable(
    Type.Integer({ minimum: 0, maximum: 100, description: 'The latest customer-level health score' }),
  ),
  health_risk: Nullable(HEALTH_RISK),
  health_scored_at: Nullable(IsoDateTime),
  external_refs: Type.Array(ExternalRef),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Customer = Static<typeof Customer>;

const customerEditable = {
  code: Code,
  name: Name,
  legal_name: Nullable(Text(300)),
  industry: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  segment: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 }),
  contact_name: Nullable(Text(200)),
  email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
  phone: Nullable(Text(32)),
  addresses: Type.Array(Address, { maxItems: 20 }),
  inn: Nullable(Type.String({ pattern: '^\\d{10}(\\d{2})?$', description: '10 or 12 digits' })),
  kpp: Nullable(Type.String({ pattern: '^\\d{9}$' })),
  ogrn: Nullable(Type.String({ pattern: '^\\d{13}(\\d{2})?$' })),
  is_customer: Type.Boolean(),
  is_supplier: Type.Boolean(),
  owner_id: Nullable(Uuid),
  status: CUSTOMER_STATUS,
  contract_start: Nullable(IsoDate),
  contract_end: Nullable(IsoDate),
  contract_value: Nullable(NonNegativeMoney),
  currency: Nullable(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' })),
};

export const CreateCustomerBody = Type.Object(
  {
    code: customerEditable.code,
    name: customerEditable.name,
    legal_name: Type.Optional(customerEditable.legal_name),
    industry: Type.Optional(customerEditable.industry),
    segment: Type.Optional(customerEditable.segment),
    tags: Type.Optional(customerEditable.tags),
    contact_name: Type.Optional(customerEditable.contact_name),
    email: Type.Optional(customerEditable.email),
    phone: Type.Optional(customerEditable.phone),
    addresses: Type.Optional(customerEditable.addresses),
    inn: Type.Optional(customerEditable.inn),
    kpp: Type.Optional(customerEditable.kpp),
    ogrn: Type.Optional(customerEditable.ogrn),
    is_customer: Type.Optional(customerEditable.is_customer),
    is_supplier: Type.Optional(customerEditable.is_supplier),
    owner_id: Type.Optional(customerEditable.owner_id),
    status: Type.Optional(customerEditable.status),
    contract_start: Type.Optional(customerEditable.contract_start),
    contract_end: Type.Optional(customerEditable.contract_end),
    contract_value: Type.Optional(customerEditable.contract_value),
    currency: Type.Optional(customerEditable.currency),
  },
  { additionalProperties: false },
);
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Partial(CreateCustomerBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

export const CUSTOMER_SORT = [
  'name',
  'code',
  'status',
  'contract_value',
  'created_at',
  'updated_at',
  'health_score',
] as const;

export const CustomerListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Name, code, legal name or INN' }),
  ),
  status: Type.Optional(CUSTOMER_STATUS),
  industry: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  segment: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  owner: Type.Optional(Uuid),
  archived: BoolQuery,
  health_risk: Type.Optional(HEALTH_RISK),
  min_health: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 100,
      description: 'Health score at least this (unscored: left out)',
    }),
  ),
  max_health: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 100, description: 'Health score at most this (unscored: left out)' }),
  ),
  sort: sortQuery(CUSTOMER_SORT, 'name'),
});
export type CustomerListQuery = Static<typeof CustomerListQuery>;

export const IndustryCounts = Type.Object({
  industries: Type.Array(Type.Object({ industry: Type.String(), count: Type.Integer() })),
});
export type IndustryCounts = Static<typeof IndustryCounts>;

export const AccountManagerCounts = Type.Object({
  account_managers: Type.Array(
    Type.Object({
      user_id: Uuid,
      first_name: Type.String(),
      last_name: Type.String(),
      email: Type.String(),
      count: Type.Integer(),
    }),
  ),
});
export type AccountManagerCounts = Static<typeof AccountManagerCounts>;

// ------------------------------------------------------------------------------------------ outlets

const Latitude = Type.Number({ minimum: -90, maximum: 90 });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });
const OutletType = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,31}$',
  description: 'store, campus, pop_up, partner, …',
});

export const Outlet = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  geofence_radius_m: Type.Integer(),
  type: Type.String(),
  org_unit_id: Nullable(Uuid),
  customer_id: Nullable(Uuid),
  archived_at: Nullable(IsoDateTime),
  geocode_status: GeocodeStatusSchema,
  geocoded_at: Nullable(IsoDateTime),
  geocode_error: Nullable(
    Type.String({ description: 'Why the last lookup failed (kept while it is retried, and when it failed)' }),
  ),
  geocoded_field: Nullable(
    Type.Union([Type.Literal('position'), Type.Literal('address')], {
      description:
        'Which half the geocoder filled in. Editing the other half looks it up again; a value written by hand is kept.',
    }),
  ),
  external_refs: Type.Array(ExternalRef),
  distance_m: Type.Optional(Type.Number({ description: 'Only in `near` searches: metres from the point' })),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Outlet = Static<typeof Outlet>;

export const CreateOutletBody = Type.Object(
  {
    code: Code,
    name: Name,
    address: Type.Optional(Nullable(Text(500))),
    latitude: Type.Optional(Nullable(Latitude)),
    longitude: Type.Optional(Nullable(Longitude)),
    geofence_radius_m: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    type: Type.Optional(OutletType),
    org_unit_id: Type.Optional(Nullable(Uuid)),
    customer_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type CreateOutletBody = Static<typeof CreateOutletBody>;

export const UpdateOutletBody = Type.Partial(CreateOutletBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateOutletBody = Static<typeof UpdateOutletBody>;

export const OUTLET_SORT = ['name', 'code', 'type', 'created_at', 'updated_at'] as const;

export const OutletListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name, code or address' })),
  type: Type.Optional(OutletType),
  org_unit: Type.Optional(Uuid),
  customer: Type.Optional(Uuid),
  archived: BoolQuery,
  near: Type.Optional(
    Type.String({
      pattern: '^-?\\d{1,3}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$',
      description: '`lat,lng`: only outlets within `radius_m`, nearest first, with `distance_m`',
    }),
  ),
  radius_m: Type.Integer({ minimum: 1, maximum: 200_000, default: 1000, description: 'With `near`' }),
  sort: sortQuery(OUTLET_SORT, 'name'),
});
export type OutletListQuery = Static<typeof OutletListQuery>;

// --------------------------------------------------------------------------------------- warehouses

export const Warehouse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  archived_at: Nullable(IsoDateTime),
  external_refs: Type.Array(ExternalRef),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Warehouse = Static<typeof Warehouse>;

export const CreateWarehouseBody = Type.Object(
  { code: Code, name: Name, address: Type.Optional(Nullable(Text(500))) },
  { additionalProperties: false },
);
export type CreateWarehouseBody = Static<typeof CreateWarehouseBody>;

export const UpdateWarehouseBody = Type.Partial(CreateWarehouseBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateWarehouseBody = Static<typeof UpdateWarehouseBody>;

export const WAREHOUSE_SORT = ['name', 'code', 'created_at', 'updated_at'] as const;

export const WarehouseListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name or code' })),
  archived: BoolQuery,
  sort: sortQuery(WAREHOUSE_SORT, 'name'),
});
export type WarehouseListQuery = Static<typeof WarehouseListQuery>;
