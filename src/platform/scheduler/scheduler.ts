import { and, desc, eq, isNull } from 'drizzle-orm';
import { isTimeZone, nextCronTime, parseCron } from '../../lib/cron.js';
import type { Database } from '../db/types.js';
import { notFound } from '../http/errors.js';
import type { JobLogger, JobQueue, JobRunInfo } from '../jobs/index.js';
import { JOB_SCHEMA } from '../jobs/index.js';
import { jobRuns, type JobRunRow } from './runs.tables.js';
import type { JobRun, ScheduledJob, ScheduledJobView } from './types.js';

/** A job's error as the run keeps it: the message, bounded (stack traces stay in the log). */
const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 2000) || 'failed';

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

  /** Records a run and runs it now; a failure is recorded and rethrown (so the queue retries it). */
  async function recorded(name: string, work: () => Promise<void>): Promise<void> {
    const run = await insertRun({ jobName: name, trigger: 'schedule', status: 'running' });
    const { error } = await track(run.id, work);
    if (error !== undefined) throw error;
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
          queue.register(job, (data, info) => recorded(job.name, () => run(data, info)), options);
        },
      };
    },

    /** Writes every schedule (once the queue has started; the rows serve every process). */
    async start(queue: Pick<JobQueue, 'schedule'>): Promise<void> {
      for (const job of deps.jobs) await queue.schedule(job.job, job.cron, {}, { tz: job.timeZone ?? 'UTC' });
    },

    async list(now = new Date()): Promise<ScheduledJobView[]> {
      const [runs, scheduled] = await Promise.all([lastRuns(), scheduledNames()]);
      return deps.jobs.map((job) => {
        const last = runs.get(job.name);
        const timeZone = job.timeZone ?? 'UTC';
        return {
          id: job.name,
          name: job.name,
          display_name: job.displayName,
          schedule: job.cron,
          time_zone: timeZone,
          enabled: scheduled.has(job.name) && handlers.has(job.name),
          next_run_at: nextCronTime(job.cron, timeZone, now)?.toISOString() ?? null,
          last_run: last ? toJobRun(last) : null,
        };
      });
    },

    /** Runs one scheduled job now, in this process, and answers with the finished run. */
    async runNow(name: string): Promise<JobRun> {
      const handler = handlers.get(name);
      if (!byName.has(name) || !handler) throw notFound('Scheduled job', 'JOB_NOT_FOUND');
      const run = await insertRun({ jobName: name, trigger: 'manual', status: 'running' });
      return (await track(run.id, () => handler({}, { id: run.id, attempt: 1 }))).run;
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
