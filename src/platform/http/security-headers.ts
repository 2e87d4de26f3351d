import type { FastifyInstance } from 'fastify';

/**
 * What every API response carries: the headers that matter for a JSON API (OWASP REST Security
 * cheat sheet), fixed, so they are set without per-request work. The HTML-only headers a browser
 * page needs (COOP, origin-agent-cluster, DNS prefetch, download options…) are left out: a JSON
 * response is never rendered as a page (`default-src 'none'`, `nosniff`), framed, or cached.
 */
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** The docs UI is a page: its scripts and styles are inline, and its assets may be cached. */
const { 'cache-control': _noStore, ...pageHeaders } = API_HEADERS;
const DOCS_HEADERS = {
  ...pageHeaders,
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data: validator.swagger.io; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
} as const;

/** For answers given before any hook runs (the router's own errors). */
export const apiSecurityHeaders: Readonly<Record<string, string>> = API_HEADERS;

/**
 * Sets the security headers and `x-request-id` when a request arrives, so that every answer —
 * errors and 404s included — has them; a route may replace one (file downloads set their own
 * `cache-control`).
 */
export function registerSecurityHeaders(app: FastifyInstance, docsPrefix: string): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith(docsPrefix) ? DOCS_HEADERS : API_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
}
