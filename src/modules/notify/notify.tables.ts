import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../platform/db/tenant-table.js';
import { appAccess, NO_DELETE, READ_WRITE } from '../../platform/db/access.js';
import { customers } from '../catalog/tables.js';
import { tenants, users } from '../identity/tables.js';

export const ALERT_STATUSES = ['open', 'resolved', 'snoozed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const EMAIL_MODES = ['off', 'immediate', 'digest'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/**
 * Something that needs a person's attention, raised by hand or by a module's check. A check's
 * alert carries a dedup key (type, entity, tenant-local day), so a check run ten times a day raises
 * it once. `owner_id` is the user the entity belongs to (the data scope follows it).
 */
export const alerts = pgTable(
  'alerts',
  {
    ...tenantColumns(),
    type: text('type').notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    title: text('title').notNull(),
    description: text('description'),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    customerId: uuid('customer_id'),
    ownerId: uuid('owner_id'),
    assigneeId: uuid('assignee_id'),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('open'),
    /** `manual`, or the name of the check that raised it. */
    source: text('source').notNull(),
    dedupKey: text('dedup_key'),
    notes: text('notes'),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true, mode: 'date' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: uuid('resolved_by'),
    resolutionNote: text('resolution_note'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({
      name: 'alerts_customer_fk',
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }),
    foreignKey({
      name: 'alerts_owner_fk',
      columns: [t.tenantId, t.ownerId],
      foreignColumns: [users.tenantId, users.id],
    }),
    foreignKey({
      name: 'alerts_assignee_fk',
      columns: [t.tenantId, t.assigneeId],
      foreignColumns: [users.tenantId, users.id],
    }),
    foreignKey({
      name: 'alerts_resolved_by_fk',
      columns: [t.tenantId, t.resolvedBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    foreignKey({
      name: 'alerts_created_by_fk',
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    unique('alerts_tenant_dedup_key').on(t.tenantId, t.dedupKey),
    index('alerts_tenant_status_created_idx').on(t.tenantId, t.status, t.createdAt),
    index('alerts_tenant_customer_idx').on(t.tenantId, t.customerId),
    index('alerts_tenant_owner_idx').on(t.tenantId, t.ownerId),
    index('alerts_tenant_assignee_idx').on(t.tenantId, t.assigneeId),
    index('alerts_tenant_entity_idx').on(t.tenantId, t.entityType, t.entityId),
    // The reopen job finds expired snoozes across tenants.
    index('alerts_snoozed_until_idx')
      .on(t.snoozedUntil)
      .where(sql`${t.status} = 'snoozed'`),
    check('alerts_severity_check', sql`${t.severity} in ('low', 'medium', 'high', 'critical')`),
    check('alerts_status_check', sql`${t.status} in ('open', 'resolved', 'snoozed')`),
    check('alerts_snooze_check', sql`(${t.status} = 'snoozed') = (${t.snoozedUntil} is not null)`),
  ],
);
appAccess(alerts, NO_DELETE);

/**
 * A user's inbox entry. `email_status` says what the mail side still owes it: `digest` waits for
 * the user's daily digest, `sent` went out (alone or in a digest), null needs no mail.
 */
export const notifications = pgTable(
  'notifications',
  {
    ...tenantColumns(),
    userId: uuid('user_id').notNull(),
    alertId: uuid('alert_id'),
    type: text('type').notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** Shown in the inbox; false for an alert whose user asked for e-mail only. */
    inApp: boolean('in_app').notNull().default(true),
    emailStatus: text('email_status', { enum: ['digest', 'sent'] }),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.alertId], foreignColumns: [alerts.tenantId, alerts.id] }),
    unique('notifications_tenant_user_alert_key').on(t.tenantId, t.userId, t.alertId),
    index('notifications_tenant_user_created_idx').on(t.tenantId, t.userId, t.createdAt),
    index('notifications_digest_idx')
      .on(t.tenantId, t.userId)
      .where(sql`${t.emailStatus} = 'digest'`),
    check('notifications_email_status_check', sql`${t.emailStatus} in ('digest', 'sent')`),
  ],
);
appAccess(notifications, READ_WRITE);

/**
 * How a user wants alerts delivered, per alert type and severity (`*` matches any). The most
 * specific row wins (type and severity, then type, then severity, then `*`/`*`); with none, alerts
 * arrive in-app only.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    ...tenantColumns(),
    userId: uuid('user_id').notNull(),
    alertType: text('alert_type').notNull(),
    severity: text('severity').notNull(),
    inApp: boolean('in_app').notNull(),
    email: text('email', { enum: EMAIL_MODES }).notNull(),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    unique('notification_preferences_key').on(t.tenantId, t.userId, t.alertType, t.severity),
    check('notification_preferences_email_check', sql`${t.email} in ('off', 'immediate', 'digest')`),
    check(
      'notification_preferences_severity_check',
      sql`${t.severity} in ('*', 'low', 'medium', 'high', 'critical')`,
    ),
  ],
);
appAccess(notificationPreferences, READ_WRITE);
