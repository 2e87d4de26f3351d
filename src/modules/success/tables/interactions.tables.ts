import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { customers } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { deployments } from './deployments.tables.js';

export const INTERACTION_TYPES = [
  'support_ticket',
  'meeting',
  'email',
  'call',
  'escalation',
  'training',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/**
 * Something that happened between the tenant and a customer: a ticket, a meeting, a call… Support
 * and engagement health components count them over 90 days; a follow-up is pending while
 * `follow_up_required` holds and `follow_up_completed_at` is empty.
 */
export const customerInteractions = pgTable(
  'customer_interactions',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    deploymentId: uuid('deployment_id'),
    interactionType: text('interaction_type', { enum: INTERACTION_TYPES }).notNull(),
    subject: text('subject').notNull(),
    description: text('description'),
    sentiment: text('sentiment', { enum: SENTIMENTS }).notNull().default('neutral'),
    performedBy: uuid('performed_by'),
    interactionDate: timestamp('interaction_date', { withTimezone: true, mode: 'date' }).notNull(),
    followUpRequired: boolean('follow_up_required').notNull().default(false),
    followUpDate: date('follow_up_date', { mode: 'string' }),
    followUpCompletedAt: timestamp('follow_up_completed_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      name: 'customer_interactions_tenant_deployment_fk',
      columns: [t.tenantId, t.deploymentId],
      foreignColumns: [deployments.tenantId, deployments.id],
    }),
    foreignKey({
      name: 'customer_interactions_tenant_performer_fk',
      columns: [t.tenantId, t.performedBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    foreignKey({
      name: 'customer_interactions_tenant_creator_fk',
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    check(
      'customer_interactions_type_check',
      sql`${t.interactionType} in ('support_ticket', 'meeting', 'email', 'call', 'escalation', 'training')`,
    ),
    check(
      'customer_interactions_sentiment_check',
      sql`${t.sentiment} in ('positive', 'neutral', 'negative')`,
    ),
    check('customer_interactions_follow_up_check', sql`${t.followUpDate} is null or ${t.followUpRequired}`),
    // Timeline, the customer's list and the 90-day health counts read a customer's newest first.
    index('customer_interactions_tenant_customer_date_idx').on(t.tenantId, t.customerId, t.interactionDate),
    index('customer_interactions_tenant_date_idx').on(t.tenantId, t.interactionDate),
    index('customer_interactions_tenant_follow_up_idx')
      .on(t.tenantId, t.followUpDate)
      .where(sql`${t.followUpRequired} and ${t.followUpCompletedAt} is null`),
  ],
);
appAccess(customerInteractions, READ_WRITE);
