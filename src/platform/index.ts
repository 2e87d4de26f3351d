import type { Config } from '../config.js';
import { BULK_REALTIME_TOPICS, createBulkImports, importRecoveryJob } from './bulk/index.js';
import type { ImportEntity } from './bulk/index.js';
import { createSystemAccess } from './db/system.js';
import type { Database } from './db/types.js';
import { createTokenService } from './http/tokens.js';
import { createGeocoder } from './geocoding/index.js';
import { createJobQueue, type JobLogger, type JobQueueOptions } from './jobs/index.js';
import { createMailer, registerMailJobs, type MailLog } from './mail/index.js';
import type { ActivityCounter, PermissionDefinition, Platform, TenantSettingsHook } from './module.js';
import { createMetrics } from './observability/metrics.js';
import { createRealtime, type RealtimeLogger, type RealtimeTopic } from './realtime/index.js';
import {
  createRetention,
  PLATFORM_RETENTION_RULES,
  registerRetentionJob,
  RETENTION_CRON,
  retentionJob,
  type RetentionRule,
} from './retention/index.js';
import type { AlertCheck } from './alerts/types.js';
import type { JobDefinition } from './jobs/types.js';
import { createScheduler, type ScheduledJob } from './scheduler/index.js';
import type { ReportType } from './reports/types.js';
import { createStorage } from './storage/index.js';

export interface PlatformRuntime extends Platform {
  /** Starts listening for events and the job queue (workers only when `workers`). */
  start(options: { workers: boolean }): Promise<void>;
  /** Ends event streams; call before the HTTP server waits for its connections. */
  stopRealtime(): Promise<void>;
  /** Stops the job queue (waiting for running jobs up to the shutdown timeout). */
  stopJobs(): Promise<void>;
}

/** The platform's own periodic jobs; modules add theirs as `scheduledJobs`. */
export const PLATFORM_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: retentionJob.name,
    displayName: 'Delete rows past their retention period',
    cron: RETENTION_CRON,
    // Its optional `now` only pins the clock in tests; the schedule sends none.
    job: retentionJob as JobDefinition<Record<string, never>>,
  },
  {
    name: importRecoveryJob.name,
    displayName: 'Resume imports whose worker stopped',
    cron: '* * * * *',
    job: importRecoveryJob,
  },
];

/** What the platform services log through (a pino or Fastify logger). */
export type PlatformLogger = JobLogger & RealtimeLogger & MailLog;

/**
 * Builds every platform service over one database. The API process and `salesops worker` both use
 * it, so jobs are registered and wired identically in each.
 */
export function createPlatform(
  config: Config & { jwtSecret: string },
  db: Database,
  log: PlatformLogger,
  options: {
    jobOptions?: JobQueueOptions;
    permissions?: readonly PermissionDefinition[];
    importers?: readonly ImportEntity[];
    activityCounters?: readonly ActivityCounter[];
    /** The modules' topics; the platform adds its own (bulk `imports`). */
    realtimeTopics?: readonly RealtimeTopic[];
    /** The modules' retention rules; the platform adds its own. */
    retention?: readonly RetentionRule[];
    /** The modules' periodic jobs; the platform adds its own. */
    scheduledJobs?: readonly ScheduledJob[];
    alertChecks?: readonly AlertCheck[];
    reportTypes?: readonly ReportType[];
    tenantSettingsHooks?: readonly TenantSettingsHook[];
  } = {},
): PlatformRuntime {
  const scheduler = createScheduler({
    db,
    log,
    jobs: [...PLATFORM_SCHEDULED_JOBS, ...(options.scheduledJobs ?? [])],
  });
  // Registering a scheduled job's handler through this queue also records its runs.
  const jobs = scheduler.recording(createJobQueue(db, log, options.jobOptions));
  const mailConfig = {
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    logBodies: config.mailLogBodies,
  };
  const storage = createStorage(config);
  registerMailJobs(jobs, { db, storage, config: mailConfig, log });
  const metrics = createMetrics(db);
  metrics.sources.queueDepths = () => jobs.depths();
  const realtime = createRealtime(db, log, {
    topics: [...BULK_REALTIME_TOPICS, ...(options.realtimeTopics ?? [])],
  });
  const geocoder = createGeocoder(config, db);
  const imports = createBulkImports(
    {
      db,
      storage,
      jobs,
      geocoder,
      realtime,
      log,
      maxBytes: config.importLimitBytes,
      sheetLimits: {
        maxRecordChars: config.importMaxRecordChars,
        maxSharedStrings: config.importMaxSharedStrings,
        maxSharedStringChars: config.importMaxSharedStringChars,
      },
      staleMs: config.importStaleMs,
      recoveryIntervalMs: config.importRecoveryIntervalMs,
    },
    options.importers ?? [],
  );
  imports.registerJobs();
  const retention = createRetention({
    db,
    config,
    log,
    rules: [...PLATFORM_RETENTION_RULES, ...(options.retention ?? [])],
  });
  registerRetentionJob(jobs, retention);
  return {
    config,
    db,
    system: createSystemAccess(db, log),
    tokens: createTokenService(config.jwtSecret, config.jwtPreviousSecrets),
    metrics,
    jobs,
    storage,
    imports,
    mailer: createMailer({ db, jobs, config: mailConfig, log }),
    realtime,
    geocoder,
    permissions: options.permissions ?? [],
    activityCounters: options.activityCounters ?? [],
    scheduler,
    alertChecks: options.alertChecks ?? [],
    reportTypes: options.reportTypes ?? [],
    tenantSettingsHooks: options.tenantSettingsHooks ?? [],
    async start({ workers }) {
      await realtime.start();
      await jobs.start({ workers });
      await scheduler.start(jobs);
      // Runs whose worker died (a killed process) are resumed by whichever process runs workers.
      if (workers) await imports.recovery.start();
    },
    stopRealtime: () => realtime.stop(),
    async stopJobs() {
      await imports.recovery.stop();
      await jobs.stop({ graceful: true, timeoutMs: config.shutdownTimeoutMs });
    },
  };
}
