import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/types.js';

export interface QueueDepth {
  queue: string;
  state: string;
  count: number;
}

/** Sources read at scrape time (job queue depths); modules of the platform add theirs. */
export interface MetricsSources {
  queueDepths?: () => Promise<QueueDepth[]>;
}

export interface Metrics {
  registry: Registry;
  sources: MetricsSources;
}

/** A registry per app (tests build many apps in one process), with process metrics included. */
export function createMetrics(db: Database): Metrics {
  const registry = new Registry();
  const sources: MetricsSources = {};
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'salesops_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = db.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  new Gauge({
    name: 'salesops_job_queue_depth',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, state, count } of (await sources.queueDepths?.().catch(() => [])) ?? []) {
        this.set({ queue, state }, count);
      }
    },
  });

  return { registry, sources };
}

/** Request duration by route template and status, in-flight requests, and the /metrics route. */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  const duration = new Histogram({
    name: 'salesops_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  const requests = new Counter({
    name: 'salesops_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status_code'],
    registers: [metrics.registry],
  });
  const inFlight = new Gauge({
    name: 'salesops_http_requests_in_flight',
    help: 'HTTP requests being processed',
    registers: [metrics.registry],
  });

  // A request leaves the gauge once: on its response, or when the client aborts (no response then).
  const counted = new WeakSet<object>();
  const leave = (request: object) => {
    if (counted.delete(request)) inFlight.dec();
  };
  app.addHook('onRequest', async (request) => {
    counted.add(request);
    inFlight.inc();
  });
  app.addHook('onRequestAbort', async (request) => leave(request));
  app.addHook('onResponse', async (request, reply) => {
    leave(request);
    // The route template, never the raw URL: ids in paths would explode the label space.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
  });

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
