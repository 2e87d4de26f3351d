import type { Received } from './http.js';

/**
 * What every answer must satisfy, whatever was sent: no 5xx, and every error an RFC 9457 problem
 * document (`application/problem+json` with type, title, status and a stable code). Returns what
 * is wrong, or undefined.
 */
export function violation(res: Received): string | undefined {
  if (res.status >= 500) return `server error ${res.status}`;
  if (res.status < 400) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return `error ${res.status} with content-type "${type}"`;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `error ${res.status} whose body is not JSON`;
  }
  const missing = ['type', 'title', 'code'].filter((k) => typeof problem[k] !== 'string' || !problem[k]);
  if (missing.length) return `problem document ${res.status} without ${missing.join(', ')}`;
  if (problem.status !== res.status)
    return `problem status ${String(problem.status)} on a ${res.status} answer`;
  return undefined;
}

/** The status class an answer is counted under (`err` when none came). */
export const statusClass = (status: number | undefined) => (status ? `${Math.floor(status / 100)}xx` : 'err');
