import { and, desc, eq, isNull } from 'drizzle-orm';
import { isTimeZone, nextCronTime, parseCron } from '../../lib/cron.js';
import { errorMessage } from '../db/pg-errors.js';
import type { Database } from '../db/types.js';
import { notFound } from '../http/errors.js';
import type { JobLogger, JobQueue, JobRunInfo } from '../jobs/index.js';
import { JOB_SCHEMA } from '../jobs/index.js';
import { claimMissedRuns, disabledJobNames, saveJobEnabled } from './catch-up.js';
import { jobRuns, type JobRunRow } from './runs.tables.js';
import type { JobRun, ScheduledJob, ScheduledJobView } from './types.js';

/**
 * A job's error as the run keeps it: the message (a failed statement's without its SQL and values),
 * bounded; stack traces stay in the log.
 */
const errorText = (error: unknown) => errorMessage(error).slice(0, 2000) || 'failed';

export const toJobRun = (row: JobRunRow): JobRun => ({
  id: row.id,
  job_name: row.jobName,
  tenant_id: row.tenantId,
  trigger: row.trigger,
  status: row.status,
  queued_at: row.queuedAt.toISOString(),
  started_at: row.startedAt?.toISOString() ?? null,
  finished_at: row.finishedAt?.toISOString() ?? null,
  duration_ms: row.durationMs,
  error: row.error,
});

/** Checks the declarations once, before anything opens: the app refuses to start otherwise. */
export function checkScheduledJobs(jobs: readonly ScheduledJob[]): void {
  const names = new Set<string>();
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`Scheduled job "${job.name}" is declared twice.`);
    names.add(job.name);
    if (job.job.name !== job.name)
      throw new Error(`Scheduled job "${job.name}" runs the job kind "${job.job.name}"; use the same name.`);
    if (!parseCron(job.cron))
      throw new Error(`Scheduled job "${job.name}" has an invalid cron "${job.cron}".`);
    if (job.timeZone !== undefined && !isTimeZone(job.timeZone))
      throw new Error(`Scheduled job "${job.name}" has an unknown time zone "${job.timeZone}".`);
  }
}

type Handler = (data: unknown, info: JobRunInfo) => Promise<void>;

/** What a catch-up run carries to the queue: the run it was recorded as. */
const catchUpRunOf = (data: unknown): string | undefined =>
  data && typeof data === 'object' && typeof (data as { runId?: unknown }).runId === 'string'
    ? (data as { runId: string }).runId
    : undefined;

/**
 * The scheduler over every scheduled job: it writes their cron schedules, records each run (by the
 * schedule or by hand) with its status, duration and error, and lists them with their last and
 * next run. Runs are kept in `job_runs`, which only the owner role touches.
 */
export function createScheduler(deps: { db: Database; log: JobLogger; jobs: readonly ScheduledJob[] }) {
  checkScheduledJobs(deps.jobs);
  const byName = new Map(deps.jobs.map((job) => [job.name, job]));
  const handlers = new Map<string, Handler>();

  async function insertRun(values: typeof jobRuns.$inferInsert): Promise<JobRunRow> {
    return deps.db.withSystem(async (tx) => (await tx.db.insert(jobRuns).values(values).returning())[0]!);
  }

  /** Runs `work` as the run `runId` (marked running, then succeeded or failed); returns the finished run. */
  async function track(runId: string, work: () => Promise<void>): Promise<{ run: JobRun; error?: unknown }> {
    const startedAt = new Date();
    await deps.db.withSystem((tx) =>
      tx.db.update(jobRuns).set({ status: 'running', startedAt }).where(eq(jobRuns.id, runId)),
    );
    let failure: unknown;
    try {
      await work();
    } catch (error) {
      failure = error ?? new Error('failed');
    }
    const finishedAt = new Date();
    const row = await deps.db.withSystem(
      async (tx) =>
        (
          await tx.db
            .update(jobRuns)
            .set({
              status: failure === undefined ? 'succeeded' : 'failed',
              finishedAt,
              durationMs: finishedAt.getTime() - startedAt.getTime(),
              error: failure === undefined ? null : errorText(failure),
            })
            .where(eq(jobRuns.id, runId))
            .returning()
        )[0]!,
    );
    if (failure !== undefined)
      deps.log.error({ err: failure, job: row.jobName, runId }, 'scheduled job failed');
    return { run: toJobRun(row), error: failure };
  }

  const isDisabled = (name: string) =>
    deps.db.withSystem(async (tx) => (await disabledJobNames(tx)).has(name));

  /**
   * A run by the schedule (a cron tick, or a catch-up queued at start with its `runId`): skipped
   * while the job is switched off (a catch-up's recorded run says `skipped`, rather than waiting as
   * `queued` for good), else recorded; a failure is recorded and rethrown (so the queue retries it).
   */
  async function recorded(name: string, data: unknown, work: () => Promise<void>): Promise<void> {
    if (await isDisabled(name)) {
      deps.log.info({ job: name }, 'scheduled job is disabled; skipped');
      const runId = catchUpRunOf(data);
      if (runId)
        await deps.db.withSystem((tx) =>
          tx.db
            .update(jobRuns)
            .set({ status: 'skipped', finishedAt: new Date() })
            .where(and(eq(jobRuns.id, runId), eq(jobRuns.status, 'queued'))),
        );
      return;
    }
    const runId =
      catchUpRunOf(data) ?? (await insertRun({ jobName: name, trigger: 'schedule', status: 'running' })).id;
    const { error } = await track(runId, work);
    if (error !== undefined) throw error;
  }

  async function runById(id: string): Promise<JobRun> {
    return deps.db.withSystem(async (tx) =>
      toJobRun((await tx.db.select().from(jobRuns).where(eq(jobRuns.id, id)))[0]!),
    );
  }

  async function lastRuns(): Promise<Map<string, JobRunRow>> {
    return deps.db.withSystem(async (tx) => {
      const rows = await tx.db
        .selectDistinctOn([jobRuns.jobName])
        .from(jobRuns)
        .where(isNull(jobRuns.tenantId))
        .orderBy(jobRuns.jobName, desc(jobRuns.queuedAt), desc(jobRuns.id));
      return new Map(rows.map((row) => [row.jobName, row]));
    });
  }

  async function scheduledNames(): Promise<Set<string>> {
    return deps.db.withSystem(async (tx) => {
      const { rows } = await tx.sql.query<{ name: string }>(`select name from ${JOB_SCHEMA}.schedule`);
      return new Set(rows.map((row) => row.name));
    });
  }

  async function list(now = new Date()): Promise<ScheduledJobView[]> {
    const [runs, scheduled, disabled] = await Promise.all([
      lastRuns(),
      scheduledNames(),
      deps.db.withSystem(disabledJobNames),
    ]);
    return deps.jobs.map((job) => {
      const last = runs.get(job.name);
      const timeZone = job.timeZone ?? 'UTC';
      const enabled = scheduled.has(job.name) && handlers.has(job.name) && !disabled.has(job.name);
      return {
        id: job.name,
        name: job.name,
        display_name: job.displayName,
        schedule: job.cron,
        time_zone: timeZone,
        enabled,
        // A switched-off job has no next run; one whose process has not scheduled it yet still shows it.
        next_run_at: disabled.has(job.name)
          ? null
          : (nextCronTime(job.cron, timeZone, now)?.toISOString() ?? null),
        last_run: last ? toJobRun(last) : null,
      };
    });
  }

  return {
    jobs: deps.jobs,

    /**
     * The job queue as modules see it: registering a scheduled job's handler also records its runs
     * and lets `runNow` call it. Other jobs pass through unchanged.
     */
    recording(queue: JobQueue): JobQueue {
      return {
        ...queue,
        register(job, handler, options) {
          if (!byName.has(job.name)) return queue.register(job, handler, options);
          const run = handler as Handler;
          handlers.set(job.name, run);
          queue.register(
            job,
            (data, info) => recorded(job.name, data, () => run({}, { ...info, trigger: 'schedule' })),
            options,
          );
        },
      };
    },

    /**
     * Once the queue has started: queues one run of each enabled job that fell due while no process
     * ran it (the queue's cron does not look back), then writes every schedule (the rows serve
     * every process).
     */
    async start(queue: Pick<JobQueue, 'schedule' | 'send'>, now = new Date()): Promise<JobRun[]> {
      const missed = await deps.db.withSystem((tx) => claimMissedRuns(tx, deps.jobs, now));
      for (const { job, runId, slot } of missed) {
        deps.log.info({ job: job.name, runId, slot }, 'scheduled job missed a run; catching up once');
        await queue.send(job.job, { runId } as never);
      }
      for (const job of deps.jobs) await queue.schedule(job.job, job.cron, {}, { tz: job.timeZone ?? 'UTC' });
      return Promise.all(missed.map(({ runId }) => runById(runId)));
    },

    /** Switches a job's schedule off or back on (for every tenant); running it by hand still works. */
    async setEnabled(name: string, enabled: boolean, by: string | null): Promise<ScheduledJobView> {
      if (!byName.has(name)) throw notFound('Scheduled job', 'JOB_NOT_FOUND');
      await deps.db.withSystem((tx) => saveJobEnabled(tx, name, enabled, by));
      return (await list()).find((job) => job.id === name)!;
    },

    list,

    /** Runs one scheduled job now, in this process, and answers with the finished run. */
    async runNow(name: string): Promise<JobRun> {
      const handler = handlers.get(name);
      if (!byName.has(name) || !handler) throw notFound('Scheduled job', 'JOB_NOT_FOUND');
      const run = await insertRun({ jobName: name, trigger: 'manual', status: 'running' });
      return (await track(run.id, () => handler({}, { id: run.id, attempt: 1, trigger: 'manual' }))).run;
    },

    /** A run of one tenant's share of a job, queued now and tracked by `track` when it starts. */
    queueTenantRun: async (name: string, tenantId: string): Promise<JobRun> =>
      toJobRun(await insertRun({ jobName: name, tenantId, trigger: 'manual', status: 'queued' })),

    async tenantRun(runId: string, tenantId: string): Promise<JobRun | null> {
      return deps.db.withSystem(async (tx) => {
        const [row] = await tx.db
          .select()
          .from(jobRuns)
          .where(and(eq(jobRuns.id, runId), eq(jobRuns.tenantId, tenantId)));
        return row ? toJobRun(row) : null;
      });
    },

    track: async (runId: string, work: () => Promise<void>) => (await track(runId, work)).run,
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
