import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from './db/types.js';
import type { TokenService } from './http/tokens.js';
import type { JobQueue } from './jobs/types.js';
import type { Mailer } from './mail/types.js';
import type { Metrics } from './observability/metrics.js';
import type { Realtime } from './realtime/types.js';
import type { FileStorage } from './storage/types.js';

/** The machinery every module receives; modules take only the parts they need into their services. */
export interface Platform {
  config: Config;
  db: Database;
  tokens: TokenService;
  metrics: Metrics;
  jobs: JobQueue;
  storage: FileStorage;
  mailer: Mailer;
  realtime: Realtime;
}

/** A demo login printed by `npm start`. */
export interface DemoLogin {
  tenant: string;
  role: string;
  login: string;
  password: string;
}

/**
 * A business module as app.ts and the worker see it. `routes` is registered under /api/v1;
 * `registerJobs` runs in API and worker processes alike (before the queue starts); `seedDemo` adds
 * the module's demo data (modules run in list order, so later ones can use earlier ones' rows).
 */
export interface SalesOpsModule {
  name: string;
  routes?: (app: FastifyInstance, platform: Platform) => Promise<void>;
  registerJobs?: (platform: Platform) => void;
  seedDemo?: (platform: Platform) => Promise<DemoLogin[]>;
}
