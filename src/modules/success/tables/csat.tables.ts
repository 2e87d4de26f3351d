import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, NO_DELETE, APPEND_ONLY } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped } from '../../../platform/db/tenant-table.js';
import { customers } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { deployments } from './deployments.tables.js';

export const SURVEY_TYPES = ['post_ticket', 'quarterly', 'nps', 'onboarding'] as const;
export type SurveyType = (typeof SURVEY_TYPES)[number];

const surveyTypeCheck = (column: { name: string }) =>
  sql.raw(`"${column.name}" in ('post_ticket', 'quarterly', 'nps', 'onboarding')`);

/**
 * A survey link sent to a customer. The token in the URL is signed and names the tenant, the link
 * and its expiry; it is not stored. `used_at` makes the link single-use: the submit claims it with
 * `… where used_at is null` in the transaction that stores the response.
 */
export const csatSurveyLinks = pgTable(
  'csat_survey_links',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    deploymentId: uuid('deployment_id'),
    surveyType: text('survey_type', { enum: SURVEY_TYPES }).notNull(),
    recipientName: text('recipient_name'),
    recipientEmail: text('recipient_email'),
    ticketReference: text('ticket_reference'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      name: 'csat_survey_links_tenant_deployment_fk',
      columns: [t.tenantId, t.deploymentId],
      foreignColumns: [deployments.tenantId, deployments.id],
    }),
    foreignKey({
      name: 'csat_survey_links_tenant_creator_fk',
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    check('csat_survey_links_type_check', surveyTypeCheck(t.surveyType)),
    index('csat_survey_links_tenant_customer_idx').on(t.tenantId, t.customerId),
  ],
);
appAccess(csatSurveyLinks, NO_DELETE);

/**
 * A CSAT (1–5) or NPS (0–10, survey type `nps`) response: entered by a user on the customer's
 * behalf (`submitted_by_user`) or answered through a survey link (`link_id`, at most one response).
 */
export const csatResponses = pgTable(
  'csat_responses',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    deploymentId: uuid('deployment_id'),
    surveyType: text('survey_type', { enum: SURVEY_TYPES }).notNull(),
    score: smallint('score').notNull(),
    feedbackText: text('feedback_text'),
    submittedByName: text('submitted_by_name'),
    submittedByEmail: text('submitted_by_email'),
    submittedByUser: uuid('submitted_by_user'),
    ticketReference: text('ticket_reference'),
    linkId: uuid('link_id'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      name: 'csat_responses_tenant_deployment_fk',
      columns: [t.tenantId, t.deploymentId],
      foreignColumns: [deployments.tenantId, deployments.id],
    }),
    foreignKey({
      name: 'csat_responses_tenant_user_fk',
      columns: [t.tenantId, t.submittedByUser],
      foreignColumns: [users.tenantId, users.id],
    }),
    foreignKey({
      name: 'csat_responses_tenant_link_fk',
      columns: [t.tenantId, t.linkId],
      foreignColumns: [csatSurveyLinks.tenantId, csatSurveyLinks.id],
    }),
    check('csat_responses_type_check', surveyTypeCheck(t.surveyType)),
    check(
      'csat_responses_score_check',
      sql`case when ${t.surveyType} = 'nps' then ${t.score} between 0 and 10 else ${t.score} between 1 and 5 end`,
    ),
    uniqueIndex('csat_responses_tenant_link_key')
      .on(t.tenantId, t.linkId)
      .where(sql`${t.linkId} is not null`),
    index('csat_responses_tenant_customer_time_idx').on(t.tenantId, t.customerId, t.submittedAt),
    index('csat_responses_tenant_time_idx').on(t.tenantId, t.submittedAt),
  ],
);
appAccess(csatResponses, APPEND_ONLY);
