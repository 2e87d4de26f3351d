import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from './db/types.js';
import type { TokenService } from './http/tokens.js';
import type { Metrics } from './observability/metrics.js';

/** The machinery every module receives; modules take only the parts they need into their services. */
export interface Platform {
  config: Config;
  db: Database;
  tokens: TokenService;
  metrics: Metrics;
}

/** A demo login printed by `npm start`. */
export interface DemoLogin {
  tenant: string;
  role: string;
  login: string;
  password: string;
}

/**
 * A business module as app.ts sees it. `routes` is registered under /api/v1; `seedDemo` adds the
 * module's demo data (modules run in list order, so later ones can use earlier ones' rows).
 */
export interface SalesOpsModule {
  name: string;
  routes?: (app: FastifyInstance, platform: Platform) => Promise<void>;
  seedDemo?: (platform: Platform) => Promise<DemoLogin[]>;
}
