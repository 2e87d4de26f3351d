import type { FastifyInstance } from 'fastify';
import type { SalesOpsModule } from '../../platform/module.js';

/**
 * One area of the commerce module (inventory, documents, analytics, integrations): what it
 * contributes. The module's index.ts merges the parts into one `SalesOpsModule`.
 */
export type CommercePart = Pick<
  SalesOpsModule,
  | 'registerJobs'
  | 'scheduledJobs'
  | 'importers'
  | 'alertChecks'
  | 'reportTypes'
  | 'onStart'
  | 'beforeStop'
  | 'onStop'
  | 'retention'
> & {
  routes?: (
    app: FastifyInstance,
    platform: Parameters<NonNullable<SalesOpsModule['routes']>>[1],
  ) => void | Promise<void>;
};
