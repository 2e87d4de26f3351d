/**
 * `npm run bench:production`: the production app on the embedded database, started the way it is run
 * (`node dist/main.js serve`, NODE_ENV=production, every module and plugin, workers, logging), on a
 * fresh data directory. Reports the first start (wall and CPU time, and how the start's phases went),
 * RSS after start, once the demo reports the start queued are done, and after the load, and GET /auth/me and GET /customers/{id} at 10 connections beside
 * the machine's ceilings measured in the same server: a bare route (`/health/live`) and `SELECT 1`
 * through the connection (`/health/ready`). p99/p50 shows stalls whatever the machine's load.
 *
 * Settings that differ from a production start, and why: DEMO_DATA=true (data to read and logins to
 * sign in with), RATE_LIMIT_MAX=1000000 (one client IP sends all the load), JWT_SECRET and INTEGRATION_KEYS (required).
 * BENCH_COMMANDS=dist,npm-start,tsx-cli (default dist) also measures the start of `npm start` and of
 * the `tsx` command line for comparison (the load runs on the first command only; BENCH_DURATION=0
 * measures starts only); `npm run build` must have run (the bench refuses a missing dist/). BENCH_APP_DIR runs
 * the app of another checkout (built, with node_modules) to compare code versions on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const APP_DIR = path.resolve(process.env.BENCH_APP_DIR ?? '.');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const COMMANDS: Record<string, string[]> = {
  dist: [process.execPath, 'dist/main.js', 'serve'],
  // `npm start`: the TypeScript sources through tsx's loader, in one process.
  'npm-start': [process.execPath, '--import', 'tsx', 'src/main.ts', 'serve'],
  // The tsx command line: a launcher process that runs the app in a child process.
  'tsx-cli': [process.execPath, 'node_modules/tsx/dist/cli.mjs', 'src/main.ts', 'serve'],
};

/** The process and its descendants (`tsx` runs the app in a child process). */
function tree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  });
  return [pid, ...children.flatMap(tree)];
}

function memory(pid: number): { rssMb: number; peakMb: number; cpuS: number } {
  let rss = 0;
  let peak = 0;
  let ticks = 0;
  for (const p of tree(pid)) {
    const status = readFileSync(`/proc/${p}/status`, 'utf8');
    rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14 and 15)
  }
  return { rssMb: Math.round(rss / 1024), peakMb: Math.round(peak / 1024), cpuS: ticks / 100 };
}

interface Started {
  child: ChildProcess;
  port: number;
  startS: number;
  phases: string;
}

async function start(command: string[], dataDir: string, port: number): Promise<Started> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: 'bench-production-secret-bench-production-secret',
      INTEGRATION_KEYS: 'bench:' + Buffer.alloc(32, 7).toString('base64'),
      DEMO_DATA: 'true',
      RATE_LIMIT_MAX: '1000000',
    },
    cwd: APP_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let progress = '';
  child.stderr!.on('data', (chunk: Buffer) => (progress += chunk.toString()));
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      banner += chunk.toString();
      if (banner.includes('Press Ctrl+C')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // the request log from here on is drained, unread
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${progress}`)));
  });
  const phases = progress
    .split('\n')
    .filter((line) => line.startsWith('✔'))
    .map((line) => line.slice(2).replace(dataDir, '<fresh dir>'))
    .join('; ');
  return { child, port, startS: (performance.now() - started) / 1000, phases };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function login(port: number): Promise<{ token: string; customerId: string }> {
  const base = `http://127.0.0.1:${port}/api/v1`;
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.salesops.local', password: 'Demo1234!' }),
  });
  const { access_token: token } = (await res.json()) as { access_token: string };
  const list = await fetch(`${base}/customers?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const { customers } = (await list.json()) as { customers: { id: string }[] };
  return { token, customerId: customers[0]!.id };
}

/**
 * Waits for the work a first start leaves to the workers, the demo reports, and for the render
 * thread to stop once idle (10 s), so the memory read next is the server's settled state.
 */
async function demoReportsSettled(port: number, token: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/reports/history`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { reports } = (await res.json()) as { reports: { status: string }[] };
    if (reports.length > 0 && reports.every((r) => r.status === 'completed' || r.status === 'failed')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const took = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  return took;
}

interface Row {
  case: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
}

async function measure(name: string, url: string, token: string): Promise<Row> {
  const options = { url, connections: CONNECTIONS, headers: { authorization: `Bearer ${token}` } };
  await autocannon({ ...options, duration: 1 }); // warm-up
  const r = await autocannon({ ...options, duration: DURATION_S });
  return {
    case: name,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

if (!existsSync(path.join(APP_DIR, 'dist/main.js'))) {
  process.stderr.write('bench:production runs the compiled app: run `npm run build` first.\n');
  process.exit(1);
}

const lines = [
  `Production app on PGlite: ${CONNECTIONS} connections, ${DURATION_S} s per case, ${new Date().toISOString()}, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
  '',
  '| command | first start s (wall) | CPU s to ready | RSS after start MB | RSS after the demo reports MB | peak RSS MB | phases |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
];
const commands = (process.env.BENCH_COMMANDS ?? 'dist').split(',');
let rows: Row[] = [];
let after: ReturnType<typeof memory> | undefined;
for (const [index, name] of commands.entries()) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-production-'));
  const port = 39_000 + (process.pid % 500) + index;
  process.stderr.write(`… first start of ${name} on a fresh data directory\n`);
  const server = await start(COMMANDS[name]!, dataDir, port);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the start's garbage settle
    const mem = memory(server.child.pid!);
    const { token, customerId } = await login(port);
    const reportsS = await demoReportsSettled(port, token);
    const settled = memory(server.child.pid!);
    lines.push(
      `| ${name} | ${server.startS.toFixed(1)} | ${mem.cpuS.toFixed(1)} | ${mem.rssMb} | ${settled.rssMb} (reports done ${reportsS.toFixed(1)} s after start) | ${settled.peakMb} | ${server.phases} |`,
    );
    if (index === 0 && DURATION_S > 0) {
      const base = `http://127.0.0.1:${port}`;
      const cases: [string, string][] = [
        ['baseline: GET /health/live (bare route)', `${base}/health/live`],
        ['baseline: GET /health/ready (SELECT 1)', `${base}/health/ready`],
        ['GET /auth/me', `${base}/api/v1/auth/me`],
        ['GET /customers/{id}', `${base}/api/v1/customers/${customerId}`],
      ];
      rows = [];
      for (const [caseName, url] of cases) {
        process.stderr.write(`… ${caseName}\n`);
        rows.push(await measure(caseName, url, token));
      }
      after = memory(server.child.pid!);
    }
  } finally {
    await stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const [bare, select1] = rows;
if (bare && select1)
  lines.push(
    '',
    `| case (${commands[0]}) | req/s | p50 ms | p90 ms | p99 ms | max ms | p99/p50 | vs bare | vs SELECT 1 | errors |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.rps} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${(r.p99 / Math.max(r.p50, 1)).toFixed(1)} | ${(r.rps / bare.rps).toFixed(2)} | ${(r.rps / select1.rps).toFixed(2)} | ${r.errors} |`,
    ),
    '',
    `RSS after the load: ${after?.rssMb} MB (peak ${after?.peakMb} MB).`,
  );
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/production.md', `${report}\n`);
