import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, NO_DELETE, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { users } from '../../identity/tables.js';

export const INTEGRATION_STATUSES = ['active', 'paused', 'error'] as const;
export const CREDENTIAL_STATUSES = ['unknown', 'ok', 'rejected'] as const;

/**
 * A connection to an external system (MoySklad today; Kaspi and Bitrix24 later). Credentials are
 * AES-256-GCM ciphertext with the id of the key that sealed them (keys rotate); the API never
 * returns them. The webhook token is sealed the same way: it is part of the URL the ERP calls.
 */
export const integrations = pgTable(
  'integrations',
  {
    ...tenantColumns(),
    provider: text('provider').notNull(),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    authType: text('auth_type', { enum: ['basic', 'token'] }).notNull(),
    credentialsCipher: text('credentials_cipher').notNull(),
    credentialsKeyId: text('credentials_key_id').notNull(),
    webhookTokenCipher: text('webhook_token_cipher').notNull(),
    /** The external account the credentials belong to (MoySklad's accountId), learnt on a test. */
    accountId: text('account_id'),
    /** The entities a sync covers, in the provider's order. */
    entities: text('entities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(15),
    status: text('status', { enum: INTEGRATION_STATUSES }).notNull().default('active'),
    credentialsStatus: text('credentials_status', { enum: CREDENTIAL_STATUSES }).notNull().default('unknown'),
    /** Provider-specific options (price type mapping, which stores to read…). */
    options: jsonb('options')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true, mode: 'date' }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true, mode: 'date' }),
    webhooksRegisteredAt: timestamp('webhooks_registered_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('integrations_tenant_name_key').on(t.tenantId, t.name),
    check('integrations_status_check', sql`${t.status} in ('active', 'paused', 'error')`),
    check(
      'integrations_credentials_status_check',
      sql`${t.credentialsStatus} in ('unknown', 'ok', 'rejected')`,
    ),
    check('integrations_auth_type_check', sql`${t.authType} in ('basic', 'token')`),
    check('integrations_interval_check', sql`${t.syncIntervalMinutes} between 1 and 10080`),
    check('integrations_base_url_check', sql`${t.baseUrl} ~ '^https?://'`),
  ],
);
appAccess(integrations, READ_WRITE);

/** Per integration and entity: the `updated` watermark the next incremental sync starts from. */
export const integrationWatermarks = pgTable(
  'integration_watermarks',
  {
    ...tenantColumns(),
    integrationId: uuid('integration_id').notNull(),
    entity: text('entity').notNull(),
    watermark: timestamp('watermark', { withTimezone: true, mode: 'date' }),
    lastFullSyncAt: timestamp('last_full_sync_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.integrationId],
      foreignColumns: [integrations.tenantId, integrations.id],
    }).onDelete('cascade'),
    uniqueIndex('integration_watermarks_tenant_integration_entity_key').on(
      t.tenantId,
      t.integrationId,
      t.entity,
    ),
  ],
);
appAccess(integrationWatermarks, READ_WRITE);

export const SYNC_JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/** Per entity of a job: what it did to the local copy. */
export interface SyncEntityCounts {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  unchanged?: number;
}

/** Where a job stands in each entity, saved after every page so a restart resumes there. */
export interface SyncEntityCursor {
  /** Offset of the next page to read. */
  offset: number;
  /** The `updated>=` lower bound this pass reads from (incremental), ISO instant. */
  since?: string | null;
  /** The highest `updated` seen so far, ISO instant: the next watermark when the entity finishes. */
  maxUpdated?: string | null;
  done: boolean;
}

/**
 * One run of a sync: full or incremental, over some entities. At most one queued or running job
 * per integration (a partial unique index), so a second start answers 409 with the running one.
 */
export const syncJobs = pgTable(
  'sync_jobs',
  {
    ...tenantColumns(),
    integrationId: uuid('integration_id').notNull(),
    mode: text('mode', { enum: ['full', 'incremental'] }).notNull(),
    trigger: text('trigger', { enum: ['manual', 'schedule', 'webhook'] }).notNull(),
    status: text('status', { enum: SYNC_JOB_STATUSES }).notNull().default('queued'),
    entities: text('entities').array().notNull(),
    currentEntity: text('current_entity'),
    cursor: jsonb('cursor')
      .$type<Record<string, SyncEntityCursor>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    counts: jsonb('counts')
      .$type<Record<string, SyncEntityCounts>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    requests: integer('requests').notNull().default(0),
    error: text('error'),
    cancelRequested: timestamp('cancel_requested', { withTimezone: true, mode: 'date' }),
    requestedBy: uuid('requested_by'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.integrationId],
      foreignColumns: [integrations.tenantId, integrations.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.requestedBy], foreignColumns: [users.tenantId, users.id] }),
    check(
      'sync_jobs_status_check',
      sql`${t.status} in ('queued', 'running', 'completed', 'failed', 'cancelled')`,
    ),
    check('sync_jobs_mode_check', sql`${t.mode} in ('full', 'incremental')`),
    check('sync_jobs_trigger_check', sql`${t.trigger} in ('manual', 'schedule', 'webhook')`),
    uniqueIndex('sync_jobs_one_active_per_integration_key')
      .on(t.tenantId, t.integrationId)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('sync_jobs_tenant_integration_created_idx').on(t.tenantId, t.integrationId, t.createdAt),
    index('sync_jobs_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);
appAccess(syncJobs, NO_DELETE);

/** An external row a job could not take, with the reason; the job goes on without it. */
export const syncJobFailures = pgTable(
  'sync_job_failures',
  {
    ...tenantColumns(),
    jobId: uuid('job_id').notNull(),
    entity: text('entity').notNull(),
    externalId: text('external_id'),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.jobId],
      foreignColumns: [syncJobs.tenantId, syncJobs.id],
    }).onDelete('cascade'),
    index('sync_job_failures_tenant_job_idx').on(t.tenantId, t.jobId, t.entity),
  ],
);
appAccess(syncJobFailures, ['select', 'insert']);

export const WEBHOOK_RECEIPT_STATUSES = ['pending', 'processed', 'failed'] as const;

/**
 * A webhook delivery, stored before it is answered and processed by a job afterwards. MoySklad
 * repeats a delivery with the same `requestId`; the unique key makes a repeat a no-op.
 */
export const webhookReceipts = pgTable(
  'webhook_receipts',
  {
    ...tenantColumns(),
    integrationId: uuid('integration_id').notNull(),
    requestId: text('request_id').notNull(),
    events: jsonb('events').$type<unknown[]>().notNull(),
    status: text('status', { enum: WEBHOOK_RECEIPT_STATUSES }).notNull().default('pending'),
    error: text('error'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.integrationId],
      foreignColumns: [integrations.tenantId, integrations.id],
    }).onDelete('cascade'),
    check('webhook_receipts_status_check', sql`${t.status} in ('pending', 'processed', 'failed')`),
    uniqueIndex('webhook_receipts_tenant_integration_request_key').on(
      t.tenantId,
      t.integrationId,
      t.requestId,
    ),
    index('webhook_receipts_tenant_pending_idx')
      .on(t.tenantId, t.receivedAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);
appAccess(webhookReceipts, NO_DELETE);
