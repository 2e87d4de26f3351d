export { createJobQueue } from './queue.js';
export { eachTenant } from './each-tenant.js';
export { installJobSchema, JOB_SCHEMA } from './schema.js';
export {
  DEAD_LETTER_SUFFIX,
  defineJob,
  type DeadLetter,
  type JobDefinition,
  type JobItem,
  type JobLogger,
  type JobOptions,
  type JobQueue,
  type JobQueueOptions,
  type JobRunInfo,
  type SendOptions,
} from './types.js';
