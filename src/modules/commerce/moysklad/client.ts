import { ProviderError, type ProviderConnection } from '../integrations/provider.js';
import { limiterFor, sleep, type RateLimiter } from './limiter.js';

/**
 * A small MoySklad JSON API client on `fetch`: the headers MoySklad requires (gzip, auth, Accept),
 * the shared per-account limiter, bounded retries (429 after Retry-After; 5xx and network errors
 * with exponential backoff and jitter; never another 4xx) and MoySklad error bodies turned into
 * `ProviderError`s with stable codes. `requests` counts every HTTP attempt, retries included.
 */

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Rate-limit units of the request (a stock report weighs 5). */
  weight?: number;
  /** Answer null for a 404 instead of throwing `not_found`. */
  allowNotFound?: boolean;
}

interface ClientSettings {
  maxRetries: number;
  maxRateLimitRetries: number;
  retryBaseMs: number;
  timeoutMs: number;
}

const numberOption = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

/** MoySklad error codes that mean the credentials themselves were refused. */
const CREDENTIAL_CODES = new Set([1056, 1048, 1085]);
/** No rights, no API access, no access to a report. */
const FORBIDDEN_CODES = new Set([1016, 1017, 1018, 1045, 1061, 13003, 13004, 30004, 30006]);

export class MoyskladClient {
  requests = 0;
  private readonly limiter: RateLimiter;
  private readonly settings: ClientSettings;

  constructor(readonly conn: ProviderConnection) {
    this.limiter = limiterFor(conn);
    const o = conn.options;
    this.settings = {
      maxRetries: numberOption(o.maxRetries, 4),
      maxRateLimitRetries: numberOption(o.maxRateLimitRetries, 12),
      retryBaseMs: numberOption(o.retryBaseMs, 1000),
      timeoutMs: numberOption(o.timeoutMs, 300_000),
    };
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options) as Promise<T>;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T | null> {
    const url = buildUrl(this.conn.baseUrl, path, options.query);
    const headers: Record<string, string> = {
      Authorization: authorization(this.conn),
      'Accept-Encoding': 'gzip',
      Accept: 'application/json;charset=utf-8',
      'User-Agent': 'SalesOps-commerce/1.0',
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const signal = this.conn.signal;
    let failures = 0;
    let limited = 0;
    for (;;) {
      const release = await this.guard(() => this.limiter.acquire(options.weight ?? 1, signal));
      let status: number;
      let text: string;
      let responseHeaders: Headers;
      try {
        this.requests++;
        const timeout = AbortSignal.timeout(this.settings.timeoutMs);
        const res = await fetch(url, {
          method,
          headers,
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        responseHeaders = res.headers;
        this.limiter.observe(res.headers);
        text = await res.text();
        status = res.status;
      } catch (error) {
        release();
        if (signal?.aborted) throw aborted();
        if (++failures > this.settings.maxRetries) {
          throw new ProviderError('unreachable', `MoySklad is unreachable: ${describe(error)}`);
        }
        await this.guard(() => sleep(this.backoff(failures), signal));
        continue;
      }
      release();

      if (status === 429) {
        if (++limited > this.settings.maxRateLimitRetries) throw errorFrom(status, text);
        const retryAfter =
          headerMs(responseHeaders, 'x-lognex-retry-after') ?? headerMs(responseHeaders, 'x-lognex-reset');
        const wait = this.limiter.rejected(retryAfter !== null && retryAfter > 0 ? retryAfter : null);
        // After a rate 429 the limiter holds every caller until the window frees; after a
        // parallel-limit 429 this caller steps back for a moment.
        if (retryAfter === null || retryAfter <= 0) await this.guard(() => sleep(wait, signal));
        continue;
      }
      if (status >= 500) {
        if (++failures > this.settings.maxRetries) throw errorFrom(status, text);
        await this.guard(() => sleep(this.backoff(failures), signal));
        continue;
      }
      if (status === 404 && options.allowNotFound) return null;
      if (status < 200 || status >= 300) throw errorFrom(status, text);
      if (text === '') return null;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ProviderError(
          'bad_response',
          `MoySklad answered ${method} ${path} with a body that is not JSON`,
          status,
        );
      }
    }
  }

  /** Exponential backoff with full jitter: base·2^(n−1) ± 50%. */
  private backoff(attempt: number): number {
    const base = this.settings.retryBaseMs * 2 ** (attempt - 1);
    return base / 2 + Math.random() * base;
  }

  /** Turns an abort of the connection's signal into a `ProviderError('aborted')`. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (this.conn.signal?.aborted) throw aborted();
      throw error;
    }
  }
}

const aborted = () => new ProviderError('aborted', 'The MoySklad request was cancelled');

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

function headerMs(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return null;
  const ms = Number(value);
  return Number.isFinite(ms) ? ms : null;
}

export function authorization(conn: ProviderConnection): string {
  return conn.auth.type === 'basic'
    ? `Basic ${Buffer.from(`${conn.auth.login}:${conn.auth.password}`, 'utf8').toString('base64')}`
    : `Bearer ${conn.auth.token}`;
}

/** Base URL + path + query, values percent-encoded (spaces as %20, as MoySklad's own links). */
export function buildUrl(baseUrl: string, path: string, query: Query = {}): string {
  const params = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  const url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return params.length > 0 ? `${url}${url.includes('?') ? '&' : '?'}${params.join('&')}` : url;
}

interface MoyskladErrorItem {
  error?: unknown;
  code?: unknown;
  moreInfo?: unknown;
}

/** A MoySklad error response → a `ProviderError` with a stable code and MoySklad's message. */
export function errorFrom(status: number, text: string): ProviderError {
  let items: MoyskladErrorItem[] = [];
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) items = parsed.errors as MoyskladErrorItem[];
  } catch {
    // Empty or non-JSON bodies (415, 404 on DELETE, proxies' HTML) leave only the status.
  }
  const codes = items.map((i) => (typeof i.code === 'number' ? i.code : null));
  const detail =
    items
      .map(
        (i) =>
          `${typeof i.error === 'string' ? i.error : 'error'}${typeof i.code === 'number' ? ` (code ${i.code})` : ''}`,
      )
      .join('; ') || `HTTP ${status}`;
  let code: string;
  if (status === 401 || codes.some((c) => c !== null && CREDENTIAL_CODES.has(c)))
    code = 'credentials_rejected';
  else if (status === 403 || codes.some((c) => c !== null && FORBIDDEN_CODES.has(c))) code = 'forbidden';
  else if (status === 404) code = 'not_found';
  else if (status === 429) code = 'rate_limited';
  else if (status >= 500) code = 'server_error';
  else code = 'request_rejected';
  return new ProviderError(code, `MoySklad: ${detail}`, status);
}
