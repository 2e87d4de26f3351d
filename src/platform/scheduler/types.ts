import type { JobDefinition } from '../jobs/types.js';

/**
 * A periodic job a module (or the platform) runs on a cron schedule. The module registers the
 * job's handler in `registerJobs` as for any job; the scheduler writes the schedule when the queue
 * starts and records every run (`job_runs`), so `GET /scheduler/jobs` shows each job's last run.
 */
export interface ScheduledJob {
  /** The job name, `module.what`; the same as `job.name`. */
  name: string;
  /** What an administrator sees in the scheduler ("Mark missed call-cycle visits"). */
  displayName: string;
  /** Five-field cron expression (minute granularity). */
  cron: string;
  /** IANA time zone the cron expression is read in; default UTC. */
  timeZone?: string;
  /** The job kind; its handler is registered through `registerJobs`. */
  job: JobDefinition<Record<string, never>>;
}

export interface JobRun {
  id: string;
  job_name: string;
  tenant_id: string | null;
  trigger: 'schedule' | 'manual';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
}

export interface ScheduledJobView {
  id: string;
  name: string;
  display_name: string;
  schedule: string;
  time_zone: string;
  enabled: boolean;
  next_run_at: string | null;
  last_run: JobRun | null;
}
