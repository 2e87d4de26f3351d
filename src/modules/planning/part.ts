import type { FastifyInstance } from 'fastify';
import type { SalesOpsModule } from '../../platform/module.js';

/**
 * One area of the planning module (settings, cycles, sales history, matrix, catalog imports): what
 * it contributes. The module's index.ts merges the parts into one `SalesOpsModule`.
 */
export type PlanningPart = Pick<
  SalesOpsModule,
  'registerJobs' | 'scheduledJobs' | 'importers' | 'alertChecks' | 'reportTypes'
> & {
  routes?: (
    app: FastifyInstance,
    platform: Parameters<NonNullable<SalesOpsModule['routes']>>[1],
  ) => void | Promise<void>;
};
