import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { brands, outlets, products } from '../../catalog/tables.js';
import { tenants, users } from '../../identity/tables.js';

/** planned → active → ended; dates move a campaign along too (see campaign-status.ts). */
export const CAMPAIGN_STATUSES = ['planned', 'active', 'ended'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * A marketing campaign leads are captured under. `spend` is what bonuses approved against the
 * campaign cost; it is written by the bonus engine only, never through the campaign's own routes.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('planned'),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    budget: numeric('budget', { precision: 18, scale: 2 }),
    spend: numeric('spend', { precision: 18, scale: 2 }).notNull().default('0'),
    currency: text('currency').notNull(),
    brandId: uuid('brand_id'),
    createdBy: uuid('created_by'),
    activatedAt: timestamp('activated_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('campaigns_tenant_code_key').on(t.tenantId, t.code),
    index('campaigns_tenant_status_idx').on(t.tenantId, t.status),
    index('campaigns_tenant_brand_idx').on(t.tenantId, t.brandId),
    check('campaigns_status_check', sql`${t.status} in ('planned', 'active', 'ended')`),
    check(
      'campaigns_dates_check',
      sql`${t.endDate} is null or ${t.startDate} is null or ${t.endDate} >= ${t.startDate}`,
    ),
    check('campaigns_budget_check', sql`${t.budget} is null or ${t.budget} >= 0`),
    check('campaigns_spend_check', sql`${t.spend} >= 0`),
    check('campaigns_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);
appAccess(campaigns, READ_WRITE);

/** The products a campaign promotes. */
export const campaignProducts = pgTable(
  'campaign_products',
  {
    ...tenantColumns(),
    campaignId: uuid('campaign_id').notNull(),
    productId: uuid('product_id').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.campaignId],
      foreignColumns: [campaigns.tenantId, campaigns.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    unique('campaign_products_tenant_campaign_product_key').on(t.tenantId, t.campaignId, t.productId),
    index('campaign_products_tenant_product_idx').on(t.tenantId, t.productId),
  ],
);
appAccess(campaignProducts, READ_WRITE);

/** The outlets a campaign runs at (none: everywhere). */
export const campaignOutlets = pgTable(
  'campaign_outlets',
  {
    ...tenantColumns(),
    campaignId: uuid('campaign_id').notNull(),
    outletId: uuid('outlet_id').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.campaignId],
      foreignColumns: [campaigns.tenantId, campaigns.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    unique('campaign_outlets_tenant_campaign_outlet_key').on(t.tenantId, t.campaignId, t.outletId),
    index('campaign_outlets_tenant_outlet_idx').on(t.tenantId, t.outletId),
  ],
);
appAccess(campaignOutlets, READ_WRITE);

/** Where a lead came from (walk-in, partner outlet, street team…): codes the tenant defines. */
export const attributionSources = pgTable(
  'attribution_sources',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    uniqueIndex('attribution_sources_tenant_code_key').on(t.tenantId, t.code),
  ],
);
appAccess(attributionSources, READ_WRITE);
