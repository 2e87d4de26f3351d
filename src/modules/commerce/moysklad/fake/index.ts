import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDocumentType } from '../entities.js';
import { DAY_MS, DEFAULT_SIZES, FakeData, type FakeSizes } from './data.js';
import { FakeRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions, type RateStats } from './rate.js';
import { FakeStock, type StockFigures } from './reports.js';
import {
  API_PREFIX,
  handle,
  type FakeCredentials,
  type InjectedFailure,
  type RequestRecord,
  type ServerState,
} from './server.js';
import { FakeWebhooks, type Delivery, type FakeWebhook, type WebhookEventInput } from './webhooks.js';
import { Wire, type PositionSpec } from './wire.js';
import { rowRng } from './random.js';
import { httpControl } from './control-http.js';
import { FakeStorm, type StormOptions } from './storm.js';

export type {
  FakeSizes,
  FakeCredentials,
  InjectedFailure,
  RateLimitOptions,
  RateStats,
  Delivery,
  FakeWebhook,
  PositionSpec,
  StormOptions,
};
export { WEBHOOK_USER_AGENT } from './webhooks.js';

export interface FakeMoyskladOptions {
  port?: number;
  host?: string;
  seed?: string | number;
  sizes?: Partial<FakeSizes>;
  credentials?: Partial<FakeCredentials>;
  rateLimit?: Partial<RateLimitOptions>;
  /** Delay of every response, ms (keeps requests in flight, for the parallel limit). */
  latencyMs?: number;
  /** Rows of an expanded positions collection (default 1000). */
  expandPositionsLimit?: number;
  /** Generated rows lie in the year before this instant (default: the start of today, UTC). */
  anchor?: Date;
  /** Serve the control API over HTTP under `/__fake/` (default true). */
  httpControl?: boolean;
  /** Timeout of one webhook delivery attempt, ms (MoySklad: 1500). */
  webhookTimeoutMs?: number;
  /** Refuse a share of requests with 429 and fail some with 5xx, from a seed (see `StormOptions`). */
  storm?: StormOptions;
}

export interface FakeMoysklad {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What a connection uses as its base URL: `${url}/api/remap/1.2`. */
  baseUrl: string;
  accountId: string;
  credentials: FakeCredentials;
  control: FakeControl;
  close(): Promise<void>;
}

export type ArchivedFilter = 'include' | 'exclude' | 'only';

/** Drives the fake from tests and demos: edits, clock, counters, failures, webhooks. */
export interface FakeControl {
  /** The fake's clock: real time plus what `advanceClock` added. */
  now(): Date;
  advanceClock(ms: number): void;
  /** Ids of live rows (archived and trashed included unless asked otherwise), in creation order. */
  ids(type: string, options?: { archived?: ArchivedFilter; trashed?: ArchivedFilter }): string[];
  count(type: string, options?: { archived?: ArchivedFilter; trashed?: ArchivedFilter }): number;
  /** The row as the API would return it (no expand). */
  row(type: string, id: string): Record<string, unknown> | null;
  /** Changes fields of a row (wire names: name, description, code, applicable, positions…) and bumps `updated`. */
  update(type: string, id: string, patch?: Record<string, unknown>): void;
  archive(type: string, id: string, archived?: boolean): void;
  /** Moves a document to the trash (sets `deleted`; `updated` stays, as in MoySklad). */
  trash(type: string, id: string): void;
  restore(type: string, id: string): void;
  /** Deletes a row for good: lists no longer show it, GET answers 404. */
  remove(type: string, id: string): void;
  /** Creates a row (fields as in `update`); returns its id. */
  create(type: string, fields?: Record<string, unknown>): string;
  setStock(assortmentId: string, storeId: string, figures: Partial<StockFigures>): void;
  stats(): RateStats;
  /** Requests answered, newest last (method, path with query, status). */
  requests(): RequestRecord[];
  resetStats(): void;
  injectFailure(failure: InjectedFailure): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  setRateLimit(options: Partial<RateLimitOptions>): void;
  /** Starts a storm of 429s and 5xx (draws from its seed), or ends it with null. */
  setStorm(storm: StormOptions | null): void;
  webhooks(): FakeWebhook[];
  /** Notifies the subscriptions of an event; returns one delivery per subscription. */
  sendWebhook(event: WebhookEventInput, options?: { requestId?: string }): Promise<Delivery[]>;
  /** Delivers an earlier notification again with the same requestId. */
  resendWebhook(requestId: string): Promise<Delivery[]>;
  /** Issues a Bearer token (as `POST /security/token` does). */
  issueToken(): string;
}

const DEFAULT_CREDENTIALS: FakeCredentials = { login: 'admin@fake', password: 'secret' };

/** Starts a fake MoySklad on loopback (port 0 = any free port). */
export async function startFakeMoysklad(options: FakeMoyskladOptions = {}): Promise<FakeMoysklad> {
  const startedReal = Date.now();
  let clockOffset = 0;
  let lastStamp = 0;
  const anchor = options.anchor?.getTime() ?? Math.floor(startedReal / DAY_MS) * DAY_MS;
  const now = () => startedReal + (Date.now() - startedReal) + clockOffset;
  /** A change stamp: the clock, strictly increasing so every change is its own `updated`. */
  const stamp = () => (lastStamp = Math.max(now(), lastStamp + 1));

  const data = new FakeData({
    seed: options.seed ?? 1,
    sizes: { ...DEFAULT_SIZES, ...options.sizes },
    anchor,
  });
  const credentials: FakeCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const tokens = new Map<string, string>();
  if (credentials.token) tokens.set(credentials.token, credentials.login);
  let base = '';
  let wire = new Wire(data, base);
  const getWire = () => wire;
  const limiter = new FakeRateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit });
  const stock = new FakeStock(data, getWire);
  const webhooks = new FakeWebhooks(data.seed, data.accountId, () => base, options.webhookTimeoutMs);

  const tableOf = (type: string) => {
    const table = data.table(type);
    if (!table) throw new Error(`unknown type ${type}`);
    return table;
  };
  const indexOf = (type: string, id: string) => {
    const table = tableOf(type);
    const index = table.byId.get(id);
    if (index === undefined || !table.live(index)) throw new Error(`no ${type} ${id}`);
    return { table, index };
  };
  const matches = (flag: boolean, filter: ArchivedFilter = 'include') =>
    filter === 'include' || (filter === 'only' ? flag : !flag);

  const control: FakeControl = {
    now: () => new Date(now()),
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    ids(type, filter = {}) {
      const table = tableOf(type);
      const out: string[] = [];
      for (let i = 0; i < table.size; i++) {
        if (!table.live(i)) continue;
        if (!matches(table.isArchived(i), filter.archived) || !matches(table.deleted[i]! > 0, filter.trashed))
          continue;
        out.push(table.ids[i]!);
      }
      return out;
    },
    count: (type, filter) => control.ids(type, filter).length,
    row(type, id) {
      const table = tableOf(type);
      const index = table.byId.get(id);
      return index !== undefined && table.live(index) ? wire.row(type, index) : null;
    },
    update(type, id, patch = {}) {
      const { table, index } = indexOf(type, id);
      const { archived, ...rest } = patch;
      if (typeof archived === 'boolean') table.setArchived(index, archived);
      if (Object.keys(rest).length > 0) table.patches.set(index, { ...table.patches.get(index), ...rest });
      table.updated[index] = stamp();
      table.version++;
    },
    archive: (type, id, archived = true) => control.update(type, id, { archived }),
    trash(type, id) {
      const { table, index } = indexOf(type, id);
      if (!isDocumentType(type)) throw new Error(`${type} is not a document`);
      table.deleted[index] = stamp();
      table.version++;
    },
    restore(type, id) {
      const { table, index } = indexOf(type, id);
      table.deleted[index] = 0;
      table.updated[index] = stamp();
      table.version++;
    },
    remove(type, id) {
      const { table, index } = indexOf(type, id);
      table.removed.add(index);
      table.version++;
    },
    create(type, fields = {}) {
      const table = tableOf(type);
      const r = rowRng(data.seed, type, 'created', table.size);
      let id = r.uuid();
      while (table.byId.has(id)) id = r.uuid();
      const at = stamp();
      const index = table.add(id, at, at);
      if (isDocumentType(type)) table.moment[index] = Math.floor(at / 60000) * 60000;
      if (type === 'variant') {
        const product = typeof fields.productIndex === 'number' ? fields.productIndex : 0;
        data.variantProduct[index] = product;
      }
      const { productIndex: _productIndex, ...patch } = fields;
      if (Object.keys(patch).length > 0) table.patches.set(index, patch);
      return id;
    },
    setStock(assortmentId, storeId, figures) {
      stock.set(assortmentId, storeId, { stock: 0, reserve: 0, inTransit: 0, ...figures }, now());
    },
    stats: () => limiter.snapshot(),
    requests: () => [...state.log],
    resetStats() {
      limiter.reset();
      state.log.length = 0;
    },
    injectFailure: (failure) => {
      state.failures.push({ ...failure });
    },
    clearFailures: () => {
      state.failures.length = 0;
    },
    setLatency: (ms) => {
      state.latencyMs = ms;
    },
    setRateLimit: (rate) => {
      limiter.options = { ...limiter.options, ...rate };
    },
    setStorm: (storm) => {
      state.storm = storm ? new FakeStorm(storm) : null;
    },
    webhooks: () => webhooks.hooks.map((h) => ({ ...h })),
    sendWebhook: (event, opts) =>
      webhooks.send(event, { ...opts, now: new Date(now()), uid: credentials.login }),
    resendWebhook: (requestId) => webhooks.resend(requestId),
    issueToken() {
      const token = rowRng(data.seed, 'token', tokens.size).uuid().replace(/-/g, '').padEnd(40, '0');
      tokens.set(token, credentials.login);
      return token;
    },
  };

  const state: ServerState = {
    data,
    wire: getWire,
    stock,
    webhooks,
    limiter,
    storm: options.storm ? new FakeStorm(options.storm) : null,
    credentials,
    tokens,
    failures: [],
    latencyMs: options.latencyMs ?? 0,
    expandPositionsLimit: options.expandPositionsLimit ?? 1000,
    log: [],
    control:
      options.httpControl === false ? null : (method, path, body) => httpControl(control, method, path, body),
    update: (type, id, patch) => control.update(type, id, patch),
    remove: (type, id) => {
      control.remove(type, id);
      return true;
    },
  };

  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String((error as Error).message));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  base = `${url}${API_PREFIX}`;
  wire = new Wire(data, base);

  return {
    url,
    baseUrl: base,
    accountId: data.accountId,
    credentials,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
