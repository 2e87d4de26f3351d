import type { SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { PrincipalResolver, UsersInScopeResolver } from './http/auth.js';
import type { Config } from '../config.js';
import type { BulkImports, ImportEntity } from './bulk/index.js';
import type { SystemAccess } from './db/system.js';
import type { TenantDatabase, Tx } from './db/types.js';
import type { Geocoder } from './geocoding/types.js';
import type { TokenService } from './http/tokens.js';
import type { JobQueue } from './jobs/types.js';
import type { Mailer } from './mail/types.js';
import type { Metrics } from './observability/metrics.js';
import type { Realtime, RealtimeTopic } from './realtime/types.js';
import type { ReportType } from './reports/types.js';
import type { RetentionRule } from './retention/types.js';
import type { AlertCheck } from './alerts/types.js';
import type { Scheduler } from './scheduler/scheduler.js';
import type { ScheduledJob } from './scheduler/types.js';
import type { FileStorage } from './storage/types.js';

/** The machinery every module receives; modules take only the parts they need into their services. */
export interface Platform {
  config: Config;
  /** Tenant transactions; the owner role only through `system`. */
  db: TenantDatabase;
  /** The named ways to run as the database owner: cross-tenant jobs, super-admin work, seeding. */
  system: SystemAccess;
  tokens: TokenService;
  metrics: Metrics;
  jobs: JobQueue;
  storage: FileStorage;
  mailer: Mailer;
  realtime: Realtime;
  /** Addresses ↔ positions through the configured provider (disabled without GEOCODER_URL); jobs only. */
  geocoder: Geocoder;
  /** The bulk import engine over every module's importers (the CLI runs imports through it). */
  imports: BulkImports;
  /** Every module's permissions (the catalogue behind `GET /permissions` and the built-in roles). */
  permissions: readonly PermissionDefinition[];
  /** Every module's counters for `GET /admin/users/activity` (identity runs them). */
  activityCounters: readonly ActivityCounter[];
  /** Every scheduled job (the platform's and the modules'): schedules, recorded runs, run-now. */
  scheduler: Scheduler;
  /** Every module's alert checks (the notify module runs them). */
  alertChecks: readonly AlertCheck[];
  /** Every module's report types (the reports module generates and schedules them). */
  reportTypes: readonly ReportType[];
  /** Every module's reaction to a tenant's settings changing (identity runs them). */
  tenantSettingsHooks: readonly TenantSettingsHook[];
}

/** A tenant's settings before and after a change (the stored JSON, defaults not filled in). */
export interface TenantSettingsChange {
  tenantId: string;
  before: Readonly<Record<string, unknown>>;
  after: Readonly<Record<string, unknown>>;
}

/** Runs in the transaction that changes the settings, after the change is written. */
export type TenantSettingsHook = (tx: Tx, change: TenantSettingsChange) => Promise<void>;

export type { AlertCheck, AlertCheckContext, AlertSeverity, RaisedAlert } from './alerts/types.js';
export type { ScheduledJob } from './scheduler/types.js';

/**
 * A count a module adds to `GET /admin/users/activity` (visits, leads…): `query` returns SQL
 * selecting `user_id` and `n` (a count) for the tenant, the period `[from, to)` and only the users
 * in `userIds` (the report's page: `… = any(${sql.param(userIds)}::uuid[])`), so a page costs its
 * own users' rows, not the tenant's. It runs inside the caller's tenant transaction, so RLS
 * applies. `key` is the name in the report's `counts`.
 */
export interface ActivityCounter {
  key: string;
  query: (range: { tenantId: string; from: Date; to: Date; userIds: readonly string[] }) => SQL;
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
 * A business module as app.ts and the worker see it: everything a module contributes is declared
 * here, and nothing else reaches the platform (no global registries). `routes` is registered under
 * /api/v1; `registerJobs` runs in API and worker processes alike (before the queue starts);
 * `seedDemo` adds the module's demo data (modules run in list order, so later ones can use earlier
 * ones' rows).
 */
export interface SalesOpsModule {
  name: string;
  /** The permissions this module's routes check; identity turns them into the role catalogue. */
  permissions?: readonly PermissionDefinition[];
  routes?: (app: FastifyInstance, platform: Platform) => Promise<void>;
  /**
   * Checks sessions and loads live roles for every request. At most one module may declare it (the
   * app refuses to start otherwise); with none, the platform trusts the access token's claims.
   */
  principalResolver?: (platform: Platform) => PrincipalResolver;
  /**
   * The ids of the users whose records a principal's data scope covers (realtime uses it to deliver
   * owner-scoped events). At most one module may declare it; with none, a principal with a `team` or
   * `org_unit` scope is treated as `own` (the narrowest answer).
   */
  usersInScope?: (platform: Platform) => UsersInScopeResolver;
  /** Counts this module adds to `GET /admin/users/activity`; keys are unique across modules. */
  activityCounters?: readonly ActivityCounter[];
  /**
   * The real-time topics this module publishes, with the permission (and, for events about a
   * user-owned record, the data scope) a subscriber needs to receive them. Publishing to a topic no
   * module or platform part declared throws.
   */
  realtimeTopics?: readonly RealtimeTopic[];
  registerJobs?: (platform: Platform) => void;
  /**
   * Periodic jobs (`{ name, displayName, cron, timeZone?, job }`): the handler is registered in
   * `registerJobs`; the scheduler writes the cron schedule when the queue starts, records each run
   * and lists them at `GET /scheduler/jobs`. Names are unique across modules and the platform.
   */
  scheduledJobs?: readonly ScheduledJob[];
  /**
   * Alert checks (`{ name, type, displayName, run(tx, context) }`) run in every tenant on the
   * alerts schedule (hourly) and on `POST /alerts/run-checks`; names are unique across modules.
   */
  alertChecks?: readonly AlertCheck[];
  /**
   * Runs once the job queue has started, in API and worker processes alike (not in the OpenAPI
   * generator): the place for cron schedules, which need the queue's tables and queues to exist.
   */
  onStart?: (platform: Platform) => Promise<void>;
  /**
   * Runs first when the app closes, while the job workers still run: asks long work (a sync of
   * thousands of pages) to stop at its next safe point, so the workers' graceful stop does not wait
   * out the shutdown timeout and close the database under it.
   */
  beforeStop?: (platform: Platform) => Promise<void>;
  /**
   * Runs when the app closes, after the job workers stopped and before the database closes: the
   * place to release what `onStart` (or the demo data) opened, so a command like `salesops seed`
   * exits once its work is done.
   */
  onStop?: (platform: Platform) => Promise<void>;
  /** Entities this module lets users import from CSV/XLSX (POST /imports, import templates). */
  importers?: readonly ImportEntity[];
  /** Rows of this module's tables the daily retention job deletes once they are past their time. */
  retention?: readonly RetentionRule[];
  /** Reports this module offers (`GET /reports/types`); keys are unique across modules. */
  reportTypes?: readonly ReportType[];
  /**
   * Re-derives what this module stored from a tenant's settings when they change (a schedule's next
   * run, computed in the tenant's time zone), in the same transaction: the change and what follows
   * from it commit together.
   */
  onTenantSettingsChange?: TenantSettingsHook;
  seedDemo?: (platform: Platform) => Promise<DemoLogin[]>;
}

/** A module declaration the platform cannot accept; the app refuses to start. */
export class ModuleContractError extends Error {
  constructor(detail: string) {
    super(`Module contract violated: ${detail}`);
    this.name = 'ModuleContractError';
  }
}

/** The one module that declares `key`, if any; two declaring it is a contract violation. */
function single<K extends 'principalResolver' | 'usersInScope'>(
  modules: readonly SalesOpsModule[],
  key: K,
): SalesOpsModule[K] {
  const declaring = modules.filter((m) => m[key]);
  if (declaring.length > 1)
    throw new ModuleContractError(
      `only one module may declare ${key}; ${declaring.map((m) => m.name).join(' and ')} both do.`,
    );
  return declaring[0]?.[key];
}

/** Names must be unique across modules: a duplicate would silently replace another module's entry. */
function unique<T>(items: readonly { item: T; module: string }[], nameOf: (item: T) => string, what: string) {
  const owner = new Map<string, string>();
  for (const { item, module } of items) {
    const name = nameOf(item);
    const previous = owner.get(name);
    if (previous !== undefined)
      throw new ModuleContractError(`${what} "${name}" is declared by both ${previous} and ${module}.`);
    owner.set(name, module);
  }
  return items.map(({ item }) => item);
}

/**
 * What the modules contribute to the platform, checked: the permission catalogue, importers,
 * activity counters, real-time topics, retention rules and the (single) principal and scope resolvers.
 */
export function contributionsOf(modules: readonly SalesOpsModule[]) {
  const each = <T>(pick: (m: SalesOpsModule) => readonly T[] | undefined) =>
    modules.flatMap((m) => (pick(m) ?? []).map((item) => ({ item, module: m.name })));
  return {
    permissions: modules.flatMap((m) => m.permissions ?? []),
    importers: modules.flatMap((m) => m.importers ?? []),
    activityCounters: unique(
      each((m) => m.activityCounters),
      (c) => c.key,
      'activity counter',
    ),
    realtimeTopics: unique(
      each((m) => m.realtimeTopics),
      (t) => t.topic,
      'realtime topic',
    ),
    reportTypes: unique(
      each((m) => m.reportTypes),
      (t) => t.key,
      'report type',
    ),
    principalResolver: single(modules, 'principalResolver'),
    usersInScope: single(modules, 'usersInScope'),
    retention: modules.flatMap((m) => m.retention ?? []),
    scheduledJobs: unique(
      each((m) => m.scheduledJobs),
      (j) => j.name,
      'scheduled job',
    ),
    alertChecks: unique(
      each((m) => m.alertChecks),
      (c) => c.name,
      'alert check',
    ),
    tenantSettingsHooks: modules.flatMap((m) => (m.onTenantSettingsChange ? [m.onTenantSettingsChange] : [])),
  };
}
