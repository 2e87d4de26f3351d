/**
 * The application as the scale benchmarks run it: `salesops` commands in child processes (so the
 * load generator never shares the server's event loop) and a small JSON client for the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { HttpClient } from './http-client.js';
import { measure } from './load.js';

/** A `salesops` command (`seed …`, `serve`) from the sources, with `env` over this process's. */
export function salesops(args: string[], env: Record<string, string>): ChildProcess {
  // BENCH_NODE_ARGS adds Node flags to the server (`--cpu-prof --cpu-prof-dir=/tmp/prof` profiles it).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Runs a command to its end; a non-zero exit is an error. */
export async function salesopsRun(args: string[], env: Record<string, string>): Promise<void> {
  const [code] = (await once(salesops(args, env), 'exit')) as [number];
  if (code !== 0) throw new Error(`salesops ${args.join(' ')} exited ${code}`);
}

export interface Served {
  base: string;
  json: <T>(method: string, url: string, token?: string, body?: unknown) => Promise<T>;
  /** A demo user's access token (every demo user's password is `Demo1234!`). */
  login: (email: string) => Promise<string>;
  stop: () => Promise<void>;
  /** The server's process id (its CPU is counted by `cpu-usage.ts`). */
  pid: number | undefined;
}

/** `salesops serve` on `port`, once `/health/ready` answers. */
export async function serve(env: Record<string, string>, port: number): Promise<Served> {
  const base = `http://127.0.0.1:${port}`;
  const server = salesops(['serve'], { ...env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false' });
  const client = new HttpClient(port);
  const stop = async () => {
    client.close();
    if (server.exitCode !== null) return;
    server.kill('SIGTERM');
    await once(server, 'exit');
  };
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 1500 || server.exitCode !== null) {
      await stop();
      throw new Error('server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const json = async <T>(method: string, url: string, token?: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await client.request(
      method,
      url,
      headers,
      body === undefined ? undefined : JSON.stringify(body),
    );
    const text = res.body.toString();
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const login = async (email: string) =>
    (
      await json<{ access_token: string }>('POST', '/api/v1/auth/login', undefined, {
        email,
        password: 'Demo1234!',
      })
    ).access_token;
  return { base, json, login, stop, pid: server.pid };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

export const r1 = (n: number) => Math.round(n * 10) / 10;

/** A calendar date `offset` days from today (UTC), YYYY-MM-DD. */
export const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** `count` agents of their own (own data scope), created by the admin and signed in. */
export async function benchAgents({ json, login }: Served, admin: string, count: number): Promise<string[]> {
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const email = `bench-agent-${i}-${tag}@bench.local`;
      await json('POST', '/api/v1/users', admin, {
        email,
        password: 'Demo1234!',
        first_name: `Bench agent ${i}`,
        roles: ['agent'],
      });
      return login(email);
    }),
  );
}

/** The baselines every bench reports beside its cases: a bare route and `SELECT 1` through the pool. */
export const BASELINE_CASES: readonly [string, string][] = [
  ['baseline: GET /health/live (bare route)', '/health/live'],
  ['baseline: GET /health/ready (SELECT 1 through the pool)', '/health/ready'],
];

/** Each GET case at 1 and 10 connections, as markdown table rows (case, connections, req/s, p50…). */
export async function latencyRows(
  base: string,
  token: string,
  cases: readonly [string, string][],
  durationS: number,
): Promise<string[]> {
  const rows: string[] = [];
  for (const [name, url] of cases) {
    for (const connections of [1, 10]) {
      process.stderr.write(`… ${name}, ${connections} connection(s)\n`);
      const r = await measure(`${base}${url}`, {
        connections,
        durationS,
        headers: { authorization: `Bearer ${token}` },
      });
      rows.push(`| ${name} | ${connections} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} |`);
    }
  }
  return rows;
}

/**
 * Switches off the scheduled jobs whose names start with one of `prefixes` (they would compete
 * with what is measured: a tenant's daily scoring, the nightly KPI rebuild, the hourly checks) and
 * returns the function that switches them back on. A platform super admin's call (the demo root).
 */
export async function quietScheduler({ json, login }: Served, prefixes: readonly string[]) {
  const root = await login('root@salesops.local');
  const { jobs } = await json<{ jobs: { id: string; name: string; enabled: boolean }[] }>(
    'GET',
    '/api/v1/scheduler/jobs',
    root,
  );
  const competing = jobs.filter((j) => j.enabled && prefixes.some((p) => j.name.startsWith(p)));
  const set = (enabled: boolean) =>
    Promise.all(competing.map((j) => json('PUT', `/api/v1/scheduler/jobs/${j.id}`, root, { enabled })));
  await set(false);
  return async () => void (await set(true));
}

/** Prints a benchmark's report and writes it to BENCH_OUT, else `bench/results/<name>.md`. */
export function writeReport(name: string, lines: readonly string[]): void {
  const report = `${lines.join('\n')}\n`;
  process.stdout.write(report);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(process.env.BENCH_OUT ?? `bench/results/${name}.md`, report);
}
