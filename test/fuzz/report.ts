import type { FuzzRequest } from './requests.js';
import type { FuzzFailure, FuzzReport } from './run.js';

const CLASSES = ['2xx', '3xx', '4xx', '5xx', 'err'];

/** A body as it can be pasted back: text when it is UTF-8, else base64; long ones cut. */
function showBody(body: Buffer): string {
  const text = body.toString('utf8');
  const shown = Buffer.from(text, 'utf8').equals(body)
    ? JSON.stringify(text.slice(0, 2_000))
    : `base64:${body.subarray(0, 2_000).toString('base64')}`;
  return `${body.length} bytes${body.length > 2_000 ? ' (first 2,000)' : ''}: ${shown}`;
}

/** Everything needed to send the request again by hand (the token is named by its role). */
export function formatRequest(request: FuzzRequest, seed: number): string {
  const lines = [
    `seed ${seed}, request #${request.n}, as ${request.role}`,
    `  ${request.method} ${request.url}`,
  ];
  for (const [name, value] of Object.entries(request.headers))
    lines.push(
      `  ${name}: ${name === 'authorization' && request.role !== 'anonymous' ? `Bearer <${request.role} token>` : value.slice(0, 200)}`,
    );
  if (request.body) lines.push(`  body ${showBody(request.body)}`);
  return lines.join('\n');
}

export function formatFailure(failure: FuzzFailure, seed: number, serverLog?: string): string {
  return [
    `✗ ${failure.request.route}: ${failure.problem} (${failure.times}×)`,
    formatRequest(failure.request, seed),
    `  → ${failure.answer.slice(0, 400)}`,
    ...(serverLog ? [`  server log: ${serverLog.slice(0, 600)}`] : []),
  ].join('\n');
}

/** Counts per route and per status class, then every distinct failure with its request. */
export function formatReport(
  report: FuzzReport,
  driver: string,
  serverLog: (request: FuzzFailure) => string | undefined,
): string {
  const width = Math.max(...[...report.byRoute.keys()].map((k) => k.length));
  const row = (label: string, counts: Record<string, number>) =>
    `${label.padEnd(width)} ${CLASSES.map((c) => String(counts[c] ?? 0).padStart(6)).join('')}`;
  const lines = [`${'route'.padEnd(width)} ${CLASSES.map((c) => c.padStart(6)).join('')}`];
  for (const [route, counts] of [...report.byRoute].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(row(route, counts));
  lines.push(row('total', report.byClass), '');
  lines.push(
    `${report.sent} requests on ${driver} over ${report.byRoute.size} routes, seed ${report.seed}: ` +
      CLASSES.map((c) => `${c} ${report.byClass[c] ?? 0}`).join(', '),
  );
  const slow = report.slowest.sort(([a], [b]) => b - a).slice(0, 5);
  lines.push(`slowest: ${slow.map(([ms, r]) => `#${r.n} ${r.route} ${Math.round(ms)} ms`).join('; ')}`);
  if (report.reauthentications) lines.push(`principals signed in again ${report.reauthentications} times`);
  lines.push(report.failures.length ? `${report.failures.length} distinct failures:` : 'no failures');
  for (const failure of report.failures)
    lines.push('', formatFailure(failure, report.seed, serverLog(failure)));
  return lines.join('\n');
}
