import { sql } from 'drizzle-orm';
import {
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, NO_DELETE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { outlets, products } from '../../catalog/tables.js';
import { tenants, users } from '../../identity/tables.js';
import { attributionSources, campaigns } from './campaigns.tables.js';

/** new → contacted → qualified → converted | rejected | expired (lead-status.ts holds the moves). */
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'rejected', 'expired'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const INTERACTION_TYPES = ['call', 'visit', 'message', 'reminder', 'verification'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/**
 * A prospective customer an agent captured, usually on a phone at an outlet. `client_uuid` is the
 * device's id for the lead, so a retried upload lands on the same row; `captured_at` is the device's
 * clock, `received_at` the server's. `duplicate_of` names the master lead of a duplicate (same phone,
 * same campaign, within the tenant's window); `merged_at` marks one merged into it explicitly.
 * Conversions, KPIs and bonuses read agent, outlet, campaign, source and product from here.
 */
export const leads = pgTable(
  'leads',
  {
    ...tenantColumns(),
    clientUuid: uuid('client_uuid').notNull(),
    customerName: text('customer_name').notNull(),
    phone: text('phone').notNull(),
    documentNumber: text('document_number'),
    productId: uuid('product_id'),
    campaignId: uuid('campaign_id'),
    sourceId: uuid('source_id'),
    agentId: uuid('agent_id').notNull(),
    outletId: uuid('outlet_id'),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
    capturedAt: timestamp('captured_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    accuracyM: doublePrecision('accuracy_m'),
    notes: text('notes'),
    duplicateOf: uuid('duplicate_of'),
    mergedAt: timestamp('merged_at', { withTimezone: true, mode: 'date' }),
    mergedBy: uuid('merged_by'),
    /** The next action the latest interaction planned (null: nothing pending); follow-ups read it. */
    nextActionDate: date('next_action_date', { mode: 'string' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.mergedBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({
      name: 'leads_tenant_campaign_fk',
      columns: [t.tenantId, t.campaignId],
      foreignColumns: [campaigns.tenantId, campaigns.id],
    }),
    foreignKey({
      name: 'leads_tenant_source_fk',
      columns: [t.tenantId, t.sourceId],
      foreignColumns: [attributionSources.tenantId, attributionSources.id],
    }),
    foreignKey({
      name: 'leads_tenant_duplicate_of_fk',
      columns: [t.tenantId, t.duplicateOf],
      foreignColumns: [t.tenantId, t.id],
    }),
    // A device's retry carries the same client_uuid; this key makes it land on the same row.
    uniqueIndex('leads_tenant_client_uuid_key').on(t.tenantId, t.clientUuid),
    // Duplicate detection: the same phone in the same campaign within a window of capture times.
    index('leads_tenant_phone_campaign_captured_idx').on(t.tenantId, t.phone, t.campaignId, t.capturedAt),
    index('leads_tenant_agent_captured_idx').on(t.tenantId, t.agentId, t.capturedAt),
    index('leads_tenant_captured_idx').on(t.tenantId, t.capturedAt),
    index('leads_tenant_campaign_idx').on(t.tenantId, t.campaignId),
    index('leads_tenant_source_idx').on(t.tenantId, t.sourceId),
    index('leads_tenant_outlet_idx').on(t.tenantId, t.outletId),
    index('leads_tenant_product_idx').on(t.tenantId, t.productId),
    index('leads_tenant_duplicate_of_idx').on(t.tenantId, t.duplicateOf),
    index('leads_tenant_follow_up_idx')
      .on(t.tenantId, t.nextActionDate)
      .where(sql`${t.nextActionDate} is not null`),
    check(
      'leads_status_check',
      sql`${t.status} in ('new', 'contacted', 'qualified', 'converted', 'rejected', 'expired')`,
    ),
    check('leads_phone_check', sql`${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
    check('leads_not_own_duplicate_check', sql`${t.duplicateOf} is null or ${t.duplicateOf} <> ${t.id}`),
    check('leads_merged_check', sql`${t.mergedAt} is null or ${t.duplicateOf} is not null`),
    check('leads_latitude_check', sql`${t.latitude} is null or ${t.latitude} between -90 and 90`),
    check('leads_longitude_check', sql`${t.longitude} is null or ${t.longitude} between -180 and 180`),
  ],
);
appAccess(leads, NO_DELETE);

/** One row per status change of a lead (creation included: from is null). Moves with a merge. */
export const leadStatusHistory = pgTable(
  'lead_status_history',
  {
    ...tenantColumns(),
    leadId: uuid('lead_id').notNull(),
    fromStatus: text('from_status', { enum: LEAD_STATUSES }),
    toStatus: text('to_status', { enum: LEAD_STATUSES }).notNull(),
    reason: text('reason'),
    changedBy: uuid('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.leadId], foreignColumns: [leads.tenantId, leads.id] }),
    foreignKey({ columns: [t.tenantId, t.changedBy], foreignColumns: [users.tenantId, users.id] }),
    index('lead_status_history_tenant_lead_idx').on(t.tenantId, t.leadId, t.changedAt),
  ],
);
appAccess(leadStatusHistory, NO_DELETE);

/** A call, visit, message, reminder or verification about a lead, with its outcome and next step. */
export const leadInteractions = pgTable(
  'lead_interactions',
  {
    ...tenantColumns(),
    leadId: uuid('lead_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    /** The device's id for the interaction (optional): a retried upload answers the stored row. */
    clientUuid: uuid('client_uuid'),
    type: text('type', { enum: INTERACTION_TYPES }).notNull(),
    outcome: text('outcome'),
    notes: text('notes'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    nextActionDate: date('next_action_date', { mode: 'string' }),
    nextAction: text('next_action'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.leadId], foreignColumns: [leads.tenantId, leads.id] }),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    index('lead_interactions_tenant_lead_idx').on(t.tenantId, t.leadId, t.occurredAt),
    index('lead_interactions_tenant_agent_idx').on(t.tenantId, t.agentId, t.occurredAt),
    // A device's retry carries the same client_uuid; this key makes it land on the same row.
    uniqueIndex('lead_interactions_tenant_client_uuid_key').on(t.tenantId, t.clientUuid),
    check(
      'lead_interactions_type_check',
      sql`${t.type} in ('call', 'visit', 'message', 'reminder', 'verification')`,
    ),
  ],
);
appAccess(leadInteractions, NO_DELETE);
