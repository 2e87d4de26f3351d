import { defineJob } from '../jobs/types.js';

export interface ImportJobData {
  tenantId: string;
  importId: string;
  userId: string | null;
}

/** Runs one import run; a retry after a crash or an unexpected error resumes it (see runner.ts). */
export const importJob = defineJob<ImportJobData>('bulk.import');
