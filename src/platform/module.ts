import type { FastifyInstance } from 'fastify';
import type { PrincipalResolver } from './http/auth.js';
import type { Config } from '../config.js';
import type { BulkImports, ImportEntity } from './bulk/index.js';
import type { Database } from './db/types.js';
import type { TokenService } from './http/tokens.js';
import type { JobQueue } from './jobs/types.js';
import type { Mailer } from './mail/types.js';
import type { Metrics } from './observability/metrics.js';
import type { Realtime } from './realtime/types.js';
import type { RetentionRule } from './retention/types.js';
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
  /** The bulk import engine over every module's importers (the CLI runs imports through it). */
  imports: BulkImports;
  /** Every module's permissions (the catalogue behind `GET /permissions` and the built-in roles). */
  permissions: readonly PermissionDefinition[];
}

/** A permission a module defines, and the built-in roles that have it by default. */
export interface PermissionDefinition {
  name: string;
  description: string;
  roles: readonly string[];
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
  /** The permissions this module's routes check; identity turns them into the role catalogue. */
  permissions?: readonly PermissionDefinition[];
  routes?: (app: FastifyInstance, platform: Platform) => Promise<void>;
  /** Identity supplies the resolver that checks sessions and loads live roles for every request. */
  principalResolver?: (platform: Platform) => PrincipalResolver;
  registerJobs?: (platform: Platform) => void;
  /**
   * Runs once the job queue has started, in API and worker processes alike (not in the OpenAPI
   * generator): the place for cron schedules, which need the queue's tables and queues to exist.
   */
  onStart?: (platform: Platform) => Promise<void>;
  /** Entities this module lets users import from CSV/XLSX (POST /imports, import templates). */
  importers?: readonly ImportEntity[];
  /** Rows of this module's tables the daily retention job deletes once they are past their time. */
  retention?: readonly RetentionRule[];
  seedDemo?: (platform: Platform) => Promise<DemoLogin[]>;
}

/** What the modules contribute to the platform: permissions, importers and retention rules. */
export function contributionsOf(modules: readonly SalesOpsModule[]) {
  return {
    permissions: modules.flatMap((m) => m.permissions ?? []),
    importers: modules.flatMap((m) => m.importers ?? []),
    retention: modules.flatMap((m) => m.retention ?? []),
  };
}
