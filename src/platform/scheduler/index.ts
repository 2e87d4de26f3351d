export { checkScheduledJobs, createScheduler, toJobRun, type Scheduler } from './scheduler.js';
export type { JobRun, ScheduledJob, ScheduledJobView } from './types.js';
