import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { orgUnits, tenants, users } from '../../identity/tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { GEOCODE_STATUSES } from '../../../platform/geocoding/types.js';

export const CUSTOMER_STATUSES = ['onboarding', 'active', 'at_risk', 'churned'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
/** A health score's risk level (the success module's `RISK_LEVELS`), as the customer row keeps it. */
export const HEALTH_RISKS = ['low', 'medium', 'high', 'critical'] as const;

/** One postal address of a customer (legal, delivery, billing …). */
export interface CustomerAddress {
  kind: string;
  line: string;
  city?: string | null;
  region?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

/** Customers and counterparties (clients and suppliers), with account ownership and contract. */
export const customers = pgTable(
  'customers',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    legalName: text('legal_name'),
    industry: text('industry'),
    segment: text('segment'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    contactName: text('contact_name'),
    email: text('email'),
    phone: text('phone'),
    addresses: jsonb('addresses')
      .$type<CustomerAddress[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    inn: text('inn'),
    kpp: text('kpp'),
    ogrn: text('ogrn'),
    isCustomer: boolean('is_customer').notNull().default(true),
    isSupplier: boolean('is_supplier').notNull().default(false),
    ownerId: uuid('owner_id'),
    status: text('status', { enum: CUSTOMER_STATUSES }).notNull().default('active'),
    contractStart: date('contract_start', { mode: 'string' }),
    contractEnd: date('contract_end', { mode: 'string' }),
    contractValue: numeric('contract_value', { precision: 18, scale: 2 }),
    currency: text('currency'),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    /**
     * The latest customer-level health score (the success module writes it with each score), kept
     * here so customer lists filter and sort by health without reading the score history.
     */
    healthScore: smallint('health_score'),
    healthRisk: text('health_risk', { enum: HEALTH_RISKS }),
    healthScoredAt: timestamp('health_scored_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] }),
    index('customers_tenant_health_idx').on(t.tenantId, t.healthScore, t.id),
    check(
      'customers_health_check',
      sql`(${t.healthScore} is null or ${t.healthScore} between 0 and 100) and (${t.healthRisk} is null or ${t.healthRisk} in ('low', 'medium', 'high', 'critical'))`,
    ),
    uniqueIndex('customers_tenant_code_key').on(t.tenantId, t.code),
    index('customers_tenant_owner_idx').on(t.tenantId, t.ownerId),
    index('customers_tenant_industry_idx').on(t.tenantId, t.industry),
    // The default list order (name, then id) reads a page from the index instead of sorting the tenant.
    index('customers_tenant_name_idx').on(t.tenantId, t.name, t.id),
    check('customers_status_check', sql`${t.status} in ('onboarding', 'active', 'at_risk', 'churned')`),
    check(
      'customers_contract_dates_check',
      sql`${t.contractEnd} is null or ${t.contractStart} is null or ${t.contractEnd} >= ${t.contractStart}`,
    ),
  ],
);
appAccess(customers, READ_WRITE);

/** Points of sale: shops, campuses, pop-ups, partner outlets; optionally part of a customer chain. */
export const outlets = pgTable(
  'outlets',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    geofenceRadiusM: integer('geofence_radius_m').notNull().default(100),
    type: text('type').notNull().default('store'),
    orgUnitId: uuid('org_unit_id'),
    customerId: uuid('customer_id'),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    /** Forward (address → position) or reverse (position → address) geocoding, done by a job. */
    geocodeStatus: text('geocode_status', { enum: GEOCODE_STATUSES }),
    geocodedAt: timestamp('geocoded_at', { withTimezone: true, mode: 'date' }),
    geocodeError: text('geocode_error'),
    /**
     * Which half the geocoder filled in: `position` (looked up from the address) or `address` (from
     * the position). An edit of the other half makes that value stale, so it is looked up again; a
     * value written by hand is never replaced.
     */
    geocodedField: text('geocoded_field', { enum: ['position', 'address'] }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    check(
      'outlets_geocode_status_check',
      sql`${t.geocodeStatus} in ('pending', 'ok', 'not_found', 'failed', 'off')`,
    ),
    check('outlets_geocoded_field_check', sql`${t.geocodedField} in ('position', 'address')`),
    foreignKey({ columns: [t.tenantId, t.orgUnitId], foreignColumns: [orgUnits.tenantId, orgUnits.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    uniqueIndex('outlets_tenant_code_key').on(t.tenantId, t.code),
    index('outlets_tenant_lat_lng_idx').on(t.tenantId, t.latitude, t.longitude),
    index('outlets_tenant_org_unit_idx').on(t.tenantId, t.orgUnitId),
    index('outlets_tenant_customer_idx').on(t.tenantId, t.customerId),
    index('outlets_tenant_name_idx').on(t.tenantId, t.name, t.id),
    // Outlets waiting for geocoding to be configured, queued across tenants when it is.
    index('outlets_geocode_off_idx')
      .on(t.tenantId, t.id)
      .where(sql`${t.geocodeStatus} = 'off'`),
    check('outlets_latitude_check', sql`${t.latitude} is null or ${t.latitude} between -90 and 90`),
    check('outlets_longitude_check', sql`${t.longitude} is null or ${t.longitude} between -180 and 180`),
    check('outlets_lat_lng_pair_check', sql`(${t.latitude} is null) = (${t.longitude} is null)`),
    check('outlets_geofence_check', sql`${t.geofenceRadiusM} > 0`),
  ],
);
appAccess(outlets, READ_WRITE);

export const warehouses = pgTable(
  'warehouses',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    uniqueIndex('warehouses_tenant_code_key').on(t.tenantId, t.code),
    index('warehouses_tenant_name_idx').on(t.tenantId, t.name, t.id),
  ],
);
appAccess(warehouses, READ_WRITE);

/** Maps an id in an external system (ERP, POS, CRM) to a catalog entity of this tenant. */
export const externalRefs = pgTable(
  'external_refs',
  {
    ...tenantColumns(),
    provider: text('provider').notNull(),
    entityType: text('entity_type').notNull(),
    externalId: text('external_id').notNull(),
    entityId: uuid('entity_id').notNull(),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    uniqueIndex('external_refs_tenant_provider_key').on(t.tenantId, t.provider, t.entityType, t.externalId),
    index('external_refs_tenant_entity_idx').on(t.tenantId, t.entityType, t.entityId),
  ],
);
appAccess(externalRefs, READ_WRITE);
