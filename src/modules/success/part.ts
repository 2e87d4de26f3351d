import type { FastifyInstance } from 'fastify';
import type { SalesOpsModule } from '../../platform/module.js';

/**
 * One area of the success module (accounts, health, csat, insights): what it contributes. The
 * module's index.ts merges the parts into one `SalesOpsModule`.
 */
export type SuccessPart = Pick<
  SalesOpsModule,
  'registerJobs' | 'scheduledJobs' | 'alertChecks' | 'reportTypes' | 'importers' | 'realtimeTopics'
> & {
  routes?: (app: FastifyInstance, platform: Parameters<NonNullable<SalesOpsModule['routes']>>[1]) => void;
};
