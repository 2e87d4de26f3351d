import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../../lib/ids.js';
import { tenantPolicy } from '../db/tenant-table.js';
import { appAccess, APPEND_ONLY } from '../db/access.js';

export const MAIL_STATUSES = ['queued', 'sent', 'failed', 'logged'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** A file sent with a mail, read from the file storage when the mail is delivered (not copied). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  storageKey: string;
}

/**
 * Every mail SalesOps produces, written in the transaction of the business change that caused it.
 * System mail (no tenant: super-admin invitations, platform alerts) has a null tenant_id, so the
 * primary key is `id` alone; row-level security still limits the application role to the current
 * tenant's rows, because bodies hold password-reset and invitation links.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().$defaultFn(uuidv7),
    tenantId: uuid('tenant_id'),
    to: text('to').array().notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** The template's name; null for a message composed without one. */
    template: text('template'),
    /** Files attached from the file storage; null when there are none. */
    attachments: jsonb('attachments').$type<MailAttachment[]>(),
    status: text('status', { enum: MAIL_STATUSES }).notNull(),
    /** SMTP deliveries tried so far. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('mail_outbox_tenant_created_idx').on(t.tenantId, t.createdAt),
    // The retention job deletes delivered mail by age across tenants.
    index('mail_outbox_delivered_created_idx')
      .on(t.createdAt)
      .where(sql`${t.status} in ('sent', 'logged')`),
    check('mail_outbox_status_check', sql`${t.status} in ('queued', 'sent', 'failed', 'logged')`),
    check('mail_outbox_to_not_empty', sql`cardinality(${t.to}) > 0`),
    tenantPolicy(t.tenantId),
  ],
);
appAccess(mailOutbox, APPEND_ONLY);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
