import { defineJob } from '../jobs/types.js';

export interface ImportJobData {
  tenantId: string;
  importId: string;
  userId: string | null;
  /** Set when a recovery enqueued the job: the claim it handed over (see recovery.ts). */
  claim?: string;
}

/** Runs one import run; a retry after a crash or an unexpected error resumes it (see runner.ts). */
export const importJob = defineJob<ImportJobData>('bulk.import');
