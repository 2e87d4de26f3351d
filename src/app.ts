import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { modules as allModules } from './modules/index.js';
import { databaseOptionsFrom, openDatabase, type Database } from './platform/db/index.js';
import { createPlatform } from './platform/index.js';
import { defaultPrincipalResolver, registerAuth, type PrincipalResolver } from './platform/http/auth.js';
import { handleClientError, handleError, registerErrorHandling } from './platform/http/error-handler.js';
import { installAjvFormats } from './platform/http/formats.js';
import { registerNotFound } from './platform/http/not-found.js';
import { API_PREFIX, registerOpenApi } from './platform/http/openapi.js';
import { registerProtections } from './platform/http/protections.js';
import { apiSecurityHeaders, registerSecurityHeaders } from './platform/http/security-headers.js';
import { requestIdFrom } from './platform/http/request-id.js';
import { registerStrictInput } from './platform/http/strict-input.js';
import { contributionsOf, type Platform, type SalesOpsModule } from './platform/module.js';
import { registerHealth } from './platform/observability/health.js';
import { AccessLog, loggerOptions } from './platform/observability/logger.js';
import { registerHttpMetrics } from './platform/observability/metrics.js';
import { lazySchemaCompilers } from './platform/http/lazy-schemas.js';
import type { JobQueueOptions } from './platform/jobs/index.js';
import { registerRealtimeRoutes, type RealtimeRouteOptions } from './platform/realtime/index.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface AppDeps {
  /** An open database; the caller keeps ownership (tests, the CLI). Otherwise opened from config. */
  db?: Database;
  /** Replaces the token-claims principal (identity checks sessions and live permissions). */
  resolvePrincipal?: PrincipalResolver;
  /** The modules to mount; all of them by default. */
  modules?: SalesOpsModule[];
  /**
   * Start the job queue and event listener when the app is ready (default true). Workers run in
   * this process when `config.workers` is on. Off only where no migrated database exists (openapi).
   */
  start?: boolean;
  /** Server-Sent Events heartbeat and buffering (tests shorten the heartbeat). */
  realtimeRoutes?: RealtimeRouteOptions;
  /** Job polling and cron intervals (tests shorten them). */
  jobOptions?: JobQueueOptions;
  /** Where log lines go instead of stdout (tests read them); honoured unless LOG_LEVEL is silent. */
  logStream?: { write(line: string): void };
  /** Extra routes mounted under /api/v1 after the modules (tests use it to probe the platform). */
  extraRoutes?: (app: FastifyInstance, platform: Platform) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
    /** Builds every route schema not built yet (they are built on first use); throws on a bad one. */
    compileAllSchemas(): void;
  }
}

export type App = FastifyInstance;

const withStream = (options: ReturnType<typeof loggerOptions>, stream: AppDeps['logStream']) =>
  stream && options && typeof options === 'object' ? { ...options, transport: undefined, stream } : options;

/** Composes the platform plugins, then every module's plugin. Tests build the app the same way. */
export async function buildApp(config: Config & { jwtSecret: string }, deps: AppDeps = {}): Promise<App> {
  const schemaCompilers = lazySchemaCompilers();
  const app = Fastify({
    logger: withStream(loggerOptions(config), deps.logStream),
    genReqId: requestIdFrom,
    logController: new AccessLog(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Readiness starts the job queue and every module's onStart (schedules, resumed syncs): on a
    // busy machine or a large database that takes longer than Fastify's 10 s plugin default, and a
    // start must not fail for being slow. A start that truly hangs is the platform's to report.
    pluginTimeout: 120_000,
    // removeAdditional off: unknown properties and parameters are refused (strict input), not dropped.
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
      // The platform's string formats, which the import validator checks as well.
      onCreate: installAjvFormats,
    },
    // Each route's validators and serializers are built on its first request (lazy-schemas.ts).
    schemaController: {
      compilersFactory: {
        buildValidator: schemaCompilers.buildValidator,
        buildSerializer: schemaCompilers.buildSerializer,
      },
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // The router's own errors (bad percent-encoding, a too long parameter) as problem documents too.
    // They are answered before any route, so no hook runs: the request id header is set here.
    frameworkErrors: (error, request, reply) =>
      handleError(error, request, reply.headers(apiSecurityHeaders).header('x-request-id', request.id)),
    clientErrorHandler: handleClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const modules = deps.modules ?? allModules;
  // Checked before anything opens: two principal resolvers or a duplicate topic refuse to boot.
  const { principalResolver, usersInScope, ...contributions } = contributionsOf(modules);
  const ownsDb = !deps.db;
  const db =
    deps.db ??
    (await openDatabase(
      databaseOptionsFrom(config, (e) => app.log.warn({ err: e }, 'database connection error')),
    ));
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 })
    : undefined;
  const runtime = createPlatform(config, db, app.log, { jobOptions: deps.jobOptions, ...contributions });
  for (const module of modules) module.registerJobs?.(runtime);
  const { start: _start, stopRealtime: _stopRealtime, stopJobs: _stopJobs, ...platform } = runtime;
  app.decorate('platform', platform satisfies Platform);
  app.decorate('compileAllSchemas', schemaCompilers.compileAll);

  // While closing, responses to in-flight requests end their keep-alive connection, so the server
  // is not held open by idle clients once the last request has finished.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // First, so that every answer has them, even one refused by the hooks that follow.
  registerSecurityHeaders(app, '/docs');
  registerErrorHandling(app);
  registerStrictInput(app);
  registerNotFound(app);
  registerHttpMetrics(app, platform.metrics);
  // Rate limits before authentication, so that failed authentications are counted and throttled.
  await registerProtections(app, config, redis);
  const resolvePrincipal = deps.resolvePrincipal ?? principalResolver?.(platform) ?? defaultPrincipalResolver;
  registerAuth(app, platform.tokens, resolvePrincipal, { publicPrefixes: ['/docs', '*'] });
  await registerOpenApi(app, VERSION);
  registerHealth(app, db);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      await api.register(async (scope) =>
        registerRealtimeRoutes(scope, platform.realtime, {
          usersInScope: usersInScope?.(platform),
          ...deps.realtimeRoutes,
        }),
      );
      await api.register(async (scope) => platform.imports.routes(scope));
      for (const module of modules) {
        if (module.routes) await api.register(async (scope) => module.routes!(scope, platform));
      }
      if (deps.extraRoutes) await api.register(async (scope) => deps.extraRoutes!(scope, platform));
    },
    { prefix: API_PREFIX },
  );

  if (deps.start !== false) {
    app.addHook('onReady', async () => {
      await runtime.start({ workers: config.workers });
      for (const module of modules) await module.onStart?.(platform);
    });
  }
  // Event streams end before the server waits for open connections; jobs finish before the database closes.
  app.addHook('preClose', async () => runtime.stopRealtime());
  app.addHook('onClose', async () => {
    for (const module of modules) await module.beforeStop?.(platform);
    await runtime.stopJobs();
    for (const module of modules) await module.onStop?.(platform);
    redis?.disconnect();
    if (ownsDb) await db.close();
  });
  return app;
}
