import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/types.js';
import type { JobLogger, JobQueue } from '../jobs/types.js';
import type { Geocoder } from '../geocoding/types.js';
import type { Realtime, RealtimeTopic } from '../realtime/types.js';
import type { FileStorage } from '../storage/types.js';
import type { ImportEntity } from './entity.js';
import { importRoutes } from './imports.routes.js';
import { createImportsService } from './imports.service.js';
import { importJob } from './jobs.js';
import { createProgressBoard } from './progress.js';
import { IMPORT_STALE_MS } from './claim.js';
import { createRunRecovery, IMPORT_RECOVERY_INTERVAL_MS, importRecoveryJob } from './recovery.js';
import { createImportRunner } from './runner.js';
import type { SheetLimits } from './sheet-reader.js';

export type {
  CellKind,
  CellValue,
  ImportColumn,
  ImportContext,
  ImportEntity,
  ImportServices,
  ParsedRow,
  PrepareInput,
  ReadyRow,
  RowProblem,
  RunMemory,
  WriteCounts,
} from './entity.js';
export { LIST_SEPARATOR } from './cells.js';
export { validateAgainstSchema } from './validate.js';
export {
  DEFAULT_SHEET_LIMITS,
  readSheet,
  UnreadableSheetError,
  type SheetLimits,
  type SheetRow,
} from './sheet-reader.js';
export { sheetContentType, writeSheet, type SheetCell } from './sheet-writer.js';
export { sendDownload } from './imports.routes.js';
export { SheetFormatQuery } from './imports.schemas.js';
export { IMPORT_MODES, type ImportFormat, type ImportMode } from './imports.tables.js';
export { IMPORT_STALE_MS } from './claim.js';
export { IMPORT_MAX_RECOVERIES, IMPORT_RECOVERY_INTERVAL_MS, importRecoveryJob } from './recovery.js';

/** The topics the bulk engine publishes; the platform declares them for it. */
export const BULK_REALTIME_TOPICS: readonly RealtimeTopic[] = [
  {
    topic: 'imports',
    // Addressed to the run's creator only (`userId`), who could start it; no further permission.
    permission: 'authenticated',
    description: 'An import run the subscriber started finished or failed: `{id, entity, status}`.',
  },
];

/** Rows per batch in both passes at most: large enough to amortise round trips, small enough for bind limits. */
export const IMPORT_BATCH_SIZE = 1000;

/**
 * The time one chunk's transaction aims at. On PGlite every request waits behind the running
 * chunk (one connection, statements on this event loop), so this bounds their added latency.
 */
export const IMPORT_CHUNK_MILLIS = 50;

/** Retries of an import job after an unexpected error (the run resumes); the last one fails the run. */
export const IMPORT_RETRY_LIMIT = 2;

/**
 * The bulk import engine over the entities modules register: the `bulk.import` job, the
 * /imports routes and one import-template route per entity.
 */
export function createBulkImports(
  deps: {
    db: Database;
    storage: FileStorage;
    jobs: JobQueue;
    geocoder: Pick<Geocoder, 'enabled'>;
    realtime: Realtime;
    log: JobLogger;
    maxBytes: number;
    sheetLimits?: SheetLimits;
    /** Rows per chunk (tests use small chunks to exercise many). */
    batchSize?: number;
    /** A running run without a heartbeat for this long has lost its worker (IMPORT_STALE_MS). */
    staleMs?: number;
    /** How often workers look for such runs (IMPORT_RECOVERY_INTERVAL_MS). */
    recoveryIntervalMs?: number;
  },
  entities: readonly ImportEntity[],
) {
  const byName = new Map(entities.map((entity) => [entity.name, entity]));
  if (byName.size !== entities.length)
    throw new Error('Two modules register importers with the same entity name.');
  const progress = createProgressBoard(deps.db);
  const runner = createImportRunner({
    db: deps.db,
    storage: deps.storage,
    entities: byName,
    progress,
    batchSize: deps.batchSize ?? IMPORT_BATCH_SIZE,
    chunkMillis: deps.batchSize ? undefined : IMPORT_CHUNK_MILLIS,
    sheetLimits: deps.sheetLimits,
    staleMs: deps.staleMs ?? IMPORT_STALE_MS,
    services: { jobs: deps.jobs, geocoder: deps.geocoder },
    // The user who started the run hears when it ends (GET /api/v1/events, topic `imports`).
    onFinished: async (run) => {
      await deps.realtime.publish({
        tenantId: run.tenantId,
        topic: 'imports',
        userId: run.createdBy ?? undefined,
        data: { id: run.id, entity: run.entity, status: run.status },
      });
    },
  });
  const service = createImportsService({
    db: deps.db,
    storage: deps.storage,
    jobs: deps.jobs,
    entities: byName,
    maxBytes: deps.maxBytes,
    liveRowsWritten: (id) => progress.rowsWritten(id),
  });
  const recovery = createRunRecovery({
    db: deps.db,
    jobs: deps.jobs,
    runner,
    log: deps.log,
    staleMs: deps.staleMs ?? IMPORT_STALE_MS,
    intervalMs: deps.recoveryIntervalMs ?? IMPORT_RECOVERY_INTERVAL_MS,
  });
  return {
    service,
    runner,
    /**
     * Resumes (or fails) runs whose worker is gone: at once, then periodically. Processes that run
     * workers start it after the job queue; it stops before the queue does.
     */
    recovery,
    registerJobs(): void {
      // A run that fails is reported on the run itself. An unexpected error (the database gone, a
      // crashed worker) is retried and the run resumes; after the last retry it fails for good.
      deps.jobs.register(
        importJob,
        (data, info) => runner.run(data, {}, { finalAttempt: info.attempt > IMPORT_RETRY_LIMIT }),
        { retryLimit: IMPORT_RETRY_LIMIT, retryDelaySeconds: 1, expireInSeconds: 3600 },
      );
      // A sweep logs and swallows its own errors; the next tick is the retry.
      deps.jobs.register(importRecoveryJob, () => recovery.sweep(), { retryLimit: 0, expireInSeconds: 600 });
    },
    routes: (app: FastifyInstance) => importRoutes(app, service, entities, deps.maxBytes),
  };
}

export type BulkImports = ReturnType<typeof createBulkImports>;
