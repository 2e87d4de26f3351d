import type { TenantDatabase } from '../../../platform/db/types.js';
import type { JobLogger } from '../../../platform/jobs/index.js';
import { loadConnection } from '../integrations/index.js';
import {
  ProviderError,
  type CommerceProvider,
  type ProviderConnection,
  type SyncEntity,
  type SyncRecord,
} from '../integrations/provider.js';
import type { SyncEntityCursor } from '../tables/integrations.tables.js';
import { addCounts, applyRecords, zeroCounts } from './apply/index.js';
import { applyOneByOne } from './apply/one-by-one.js';
import { failureText, isRefusedData } from './failure-text.js';
import { raiseSyncFailedAlert, type AlertDeps } from './alerts.js';
import {
  beatSyncJob,
  claimSyncJob,
  finishSyncJob,
  noteIntegrationRun,
  recordSyncFailures,
  releaseSyncJob,
  saveSyncProgress,
  saveWatermark,
  watermarksOf,
  type SyncJobRow,
} from './jobs.repository.js';

export interface SyncRunnerDeps {
  db: TenantDatabase;
  alerts: AlertDeps;
  log: JobLogger;
  /** How often a running job renews its heartbeat and looks for a cancel (ms). */
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this lost its runner (ms). */
  staleMs?: number;
  /** Brings the planner's statistics of `tables` up to date (ANALYZE, as the tables' owner). */
  refreshStatistics?: (tables: readonly string[]) => Promise<void>;
}

/**
 * The tables a page of each entity fills, whose statistics a bulk load makes stale. Every look-up
 * of the apply path names a unique key, but the planner still weighs that index against the other
 * indexes of the table by their statistics: taken before the load, they say the tenant (or the
 * entity type of `external_refs`) has next to no rows, the other index's scan looks as cheap as the
 * one-row probe and may be chosen, and each look-up then reads every row of the type (327 ms per
 * look-up of product references at 100,000 products). Autovacuum's analyze follows only after a
 * fifth of a minute's growth or more.
 */
const TABLES_FILLED: Record<'dictionary' | 'documents' | 'stock', readonly string[]> = {
  dictionary: [
    'external_refs',
    'product_folders',
    'products',
    'product_prices',
    'product_barcodes',
    'product_variants',
    'customers',
    'warehouses',
  ],
  documents: ['external_refs', 'commerce_documents', 'commerce_document_positions', 'stock_levels'],
  stock: ['stock_levels', 'stock_movements'],
};
const tablesFilledBy = (entity: SyncEntity) =>
  entity === 'stock'
    ? TABLES_FILLED.stock
    : ['product_folders', 'products', 'variants', 'services', 'counterparties', 'stores'].includes(entity)
      ? TABLES_FILLED.dictionary
      : TABLES_FILLED.documents;

/**
 * Rows created by one entity in one run after which its tables are analyzed: a bulk load (a full
 * sync, a first sync) is caught on its first pages, twice at most per entity (cheap: ANALYZE reads
 * a bounded sample), and the small incremental syncs of every minute never reach them.
 */
const ANALYZE_AFTER_CREATED = [100, 5_000];

export const SYNC_HEARTBEAT_MS = 5_000;
export const SYNC_STALE_MS = 60_000;

export interface RunOptions {
  /** Take over a running job whose heartbeat is older than this (default: now − staleMs). */
  staleBefore?: Date;
  /** Called after each page is saved (progress logs; tests stop a run here). */
  onPage?: (entity: SyncEntity, cursor: SyncEntityCursor) => void;
}

export type RunOutcome = 'skipped' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'lost';

type Held = { tenantId: string; id: string; attempt: number };

/** Why a run stopped early: its job was cancelled, the process is stopping, or another run took it. */
class Stop extends Error {
  constructor(readonly why: 'cancelled' | 'interrupted' | 'lost') {
    super(why);
  }
}

/**
 * Runs sync jobs: each entity in order, page by page from the saved cursor; a page's records, its
 * failures, the new cursor, the counts and the request count are saved in one transaction, so a
 * run that dies anywhere resumes at the first page not saved, with no duplicates and no gaps.
 */
export function createSyncRunner(deps: SyncRunnerDeps) {
  const heartbeatMs = deps.heartbeatMs ?? SYNC_HEARTBEAT_MS;
  const staleMs = deps.staleMs ?? SYNC_STALE_MS;
  /** Runs in this process: their abort controllers (cancel, shutdown). */
  const running = new Map<string, { controller: AbortController; stop?: Stop }>();

  async function run(tenantId: string, jobId: string, options: RunOptions = {}): Promise<RunOutcome> {
    if (running.has(jobId)) return 'skipped';
    const staleBefore = options.staleBefore ?? new Date(Date.now() - staleMs);
    const claimed = await deps.db.withTenant({ tenantId }, async (tx) => {
      const job = await claimSyncJob(tx, tenantId, jobId, staleBefore);
      if (!job) return undefined;
      try {
        return { job, ...(await loadConnection(tx, tenantId, job.integrationId)) };
      } catch (error) {
        return { job, error };
      }
    });
    if (!claimed) return 'skipped';
    const held: Held = { tenantId, id: jobId, attempt: claimed.job.attempts };
    if ('error' in claimed) return fail(held, claimed.job, claimed.error);
    if (claimed.job.cancelRequested) return finish(held, claimed.job, 'cancelled');

    const state = { controller: new AbortController() } as { controller: AbortController; stop?: Stop };
    running.set(jobId, state);
    const stopWith = (stop: Stop) => {
      state.stop ??= stop;
      state.controller.abort(stop);
    };
    const timer = setInterval(() => {
      deps.db
        .withTenant({ tenantId }, (tx) => beatSyncJob(tx, held))
        .then((beat) => {
          if (!beat) stopWith(new Stop('lost'));
          else if (beat.cancelRequested) stopWith(new Stop('cancelled'));
        })
        .catch((error: unknown) => deps.log.warn({ jobId, err: error }, 'sync heartbeat failed'));
    }, heartbeatMs);
    timer.unref();
    try {
      const conn: ProviderConnection = { ...claimed.conn, signal: state.controller.signal };
      await runEntities(held, claimed.job, claimed.provider, conn, state, options);
      return await finish(held, claimed.job, 'completed');
    } catch (error) {
      const stop = state.stop ?? (error instanceof Stop ? error : undefined);
      if (stop?.why === 'cancelled') return finish(held, claimed.job, 'cancelled');
      if (stop?.why === 'interrupted')
        await deps.db.withTenant({ tenantId }, (tx) => releaseSyncJob(tx, held));
      if (stop) {
        deps.log.warn({ jobId, why: stop.why }, 'sync run stopped; the job resumes from its cursor');
        return stop.why;
      }
      return fail(held, claimed.job, error);
    } finally {
      clearInterval(timer);
      running.delete(jobId);
    }
  }

  async function runEntities(
    held: Held,
    job: SyncJobRow,
    provider: CommerceProvider,
    conn: ProviderConnection,
    state: { controller: AbortController; stop?: Stop },
    options: RunOptions,
  ) {
    const watermarks = await deps.db.withTenant({ tenantId: held.tenantId }, (tx) =>
      watermarksOf(tx, held.tenantId, job.integrationId),
    );
    const target = { tenantId: held.tenantId, integrationId: job.integrationId, provider: provider.name };
    for (const entity of job.entities as SyncEntity[]) {
      const saved = job.cursor[entity];
      if (saved?.done) continue;
      const incremental = job.mode === 'incremental' && provider.supportsIncremental(entity);
      const cursor: SyncEntityCursor = saved ?? {
        offset: 0,
        since: incremental ? (watermarks.get(entity)?.toISOString() ?? null) : null,
        maxUpdated: null,
        done: false,
      };
      const counts = addCounts(zeroCounts(), job.counts[entity] ?? {});
      const read = (offset: number) => {
        const reading = provider.readPage(conn, entity, {
          offset,
          since: cursor.since ? new Date(cursor.since) : null,
        });
        reading.catch(() => undefined); // awaited below; a page read ahead of a stop is dropped
        return reading;
      };
      // The next page is read while this one is applied: the request's round trip and the page's
      // transaction overlap instead of adding up. Only a saved page moves the cursor, so a page
      // read ahead of a stop is simply read again by the run that resumes.
      let next = read(cursor.offset);
      let createdThisRun = 0;
      while (!cursor.done) {
        if (state.stop) throw state.stop;
        const page = await next;
        if (state.stop) throw state.stop;
        const nextOffset = page.nextOffset ?? cursor.offset + page.records.length + page.failures.length;
        if (page.nextOffset !== null) next = read(nextOffset);
        // A page the database refuses (a row out of range, say) is applied again record by record:
        // the rows it refuses become row failures and the run goes on. The page's counts and cursor
        // are taken over only once its transaction committed, whichever attempt that was.
        const savePage = (oneByOne: boolean) =>
          deps.db.withTenant({ tenantId: held.tenantId }, async (tx) => {
            const result = oneByOne
              ? await applyOneByOne({ tx, ...target }, page.records, applyRecords)
              : await applyRecords({ tx, ...target }, page.records);
            const failures = [...page.failures, ...result.failures];
            const pageCounts = addCounts(addCounts(zeroCounts(), counts), result.counts);
            pageCounts.failed += page.failures.length;
            const pageCursor = {
              ...cursor,
              offset: nextOffset,
              done: page.nextOffset === null,
              maxUpdated: latestUpdate(page.records, cursor.maxUpdated ?? null),
            };
            await recordSyncFailures(tx, held, entity, failures);
            const kept = await saveSyncProgress(tx, held, {
              entity,
              cursor: pageCursor,
              counts: pageCounts,
              requests: page.requests,
            });
            if (!kept) throw new Stop('lost');
            if (pageCursor.done)
              await saveWatermark(
                tx,
                held.tenantId,
                job.integrationId,
                entity,
                pageCursor.maxUpdated ? new Date(pageCursor.maxUpdated) : null,
                !incremental,
              );
            return { pageCounts, pageCursor };
          });
        const saved = await savePage(false).catch((error: unknown) => {
          if (!isRefusedData(error)) throw error;
          return savePage(true);
        });
        Object.assign(counts, saved.pageCounts);
        Object.assign(cursor, saved.pageCursor);
        const createdBefore = createdThisRun;
        createdThisRun = counts.created - (job.counts[entity]?.created ?? 0);
        if (
          deps.refreshStatistics &&
          ANALYZE_AFTER_CREATED.some((at) => createdBefore < at && createdThisRun >= at)
        )
          // Only a hint to the planner: a failure is logged, never a failure of the job.
          await deps
            .refreshStatistics(tablesFilledBy(entity))
            .catch((error: unknown) => deps.log.warn({ jobId: held.id, err: error }, 'sync analyze failed'));
        options.onPage?.(entity, { ...cursor });
      }
    }
  }

  async function finish(held: Held, job: SyncJobRow, status: 'completed' | 'cancelled'): Promise<RunOutcome> {
    const done = await deps.db.withTenant({ tenantId: held.tenantId }, async (tx) => {
      const row = await finishSyncJob(tx, held, status);
      if (row && status === 'completed')
        await noteIntegrationRun(tx, held.tenantId, job.integrationId, { ok: true });
      return row;
    });
    return done ? status : 'lost';
  }

  async function fail(held: Held, job: SyncJobRow, error: unknown): Promise<RunOutcome> {
    const { text: message, unexpected } = failureText(error, `job ${held.id}`);
    const credentialsRejected = error instanceof ProviderError && error.code === 'credentials_rejected';
    if (unexpected) deps.log.error({ jobId: held.id, err: error }, 'sync job failed unexpectedly');
    const done = await deps.db.withTenant({ tenantId: held.tenantId }, async (tx) => {
      const row = await finishSyncJob(tx, held, 'failed', message.slice(0, 2_000));
      if (!row) return undefined;
      await noteIntegrationRun(tx, held.tenantId, job.integrationId, {
        ok: false,
        error: message,
        credentialsRejected,
      });
      await raiseSyncFailedAlert(deps.alerts, tx, row, message);
      return row;
    });
    return done ? 'failed' : 'lost';
  }

  return {
    run,
    isRunning: (jobId: string) => running.has(jobId),
    /** Aborts the run of `jobId` in this process (a cancel); false when it does not run here. */
    cancel(jobId: string): boolean {
      const state = running.get(jobId);
      if (!state) return false;
      state.stop ??= new Stop('cancelled');
      state.controller.abort(state.stop);
      return true;
    },
    /** Stops every run of this process (shutdown): the jobs stay running and resume elsewhere. */
    interruptAll(): void {
      for (const state of running.values()) {
        state.stop ??= new Stop('interrupted');
        state.controller.abort(state.stop);
      }
    },
  };
}

/** The latest change among a page's records, or `since` when none is later. */
function latestUpdate(records: readonly SyncRecord[], since: string | null): string | null {
  let latest = since;
  for (const r of records)
    if ('updatedAt' in r && (!latest || r.updatedAt.toISOString() > latest))
      latest = r.updatedAt.toISOString();
  return latest;
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
