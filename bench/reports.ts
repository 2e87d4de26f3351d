/**
 * `npm run bench:reports` (part of `npm run bench`):
 * 1. Rendering: a visit-detail table of ROWS rows (default 100,000; `REPORT_BENCH_ROWS`) rendered as
 *    PDF, XLSX and CSV and streamed into local file storage, each in its own process, with the
 *    seconds and the process's peak RSS. The rows are synthetic, shaped like the visit summary's
 *    detail section and handed over in pages of 5,000 as the database pages would be, so this
 *    measures the renderers and the streaming alone. Summary sections of 120 agents and 30 days
 *    (with their charts) come first, as in the real report.
 * 2. Scheduling: 1,000 schedules due at once, two worker processes on PostgreSQL
 *    (bench/reports-schedules.ts; BENCH_DATABASE_URL, else a scratch database on 127.0.0.1:5432).
 * Writes bench/results/reports.md with the machine's load at the time.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keysetRows, renderReport, type ReportData, type ReportRow } from '../src/platform/reports/index.js';
import { LocalStorage } from '../src/platform/storage/local-storage.js';
import { postgresDatabase } from './databases.js';
import { scheduledReportsBench } from './reports-schedules.js';

const ROWS = Number(process.env.REPORT_BENCH_ROWS ?? 100_000);
const statuses = ['completed', 'completed', 'completed', 'cancelled', 'missed'];
const START = Date.UTC(2026, 10, 1);

const visit = (i: number): ReportRow => ({
  day: new Date(START + Math.floor((i * 30) / ROWS) * 86_400_000).toISOString().slice(0, 10),
  agent: `Agent ${i % 120}`,
  outlet: `Outlet ${i % 2000}`,
  status: statuses[i % statuses.length]!,
  check_in_at: new Date(START + i * 60_000),
  distance_m: (i % 250) + 0.5,
  within_geofence: i % 3 === 0 ? 'no' : 'yes',
  completed_at: new Date(START + i * 60_000 + 1_800_000),
});

function data(): ReportData {
  const measures = [
    { key: 'visits', label: 'Visits', kind: 'integer' },
    { key: 'completed', label: 'Completed', kind: 'integer' },
    { key: 'completion_percent', label: 'Completion %', kind: 'percent' },
  ] as const;
  const summary = (n: number, key: string, label: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => ({
      [key]: label(i),
      visits: Math.round(ROWS / n),
      completed: Math.round((ROWS / n) * 0.6),
      completion_percent: 60,
    }));
  // Pages generated as they are asked for, never all at once (as keyset pages from the database).
  const detail = keysetRows<ReportRow & { n: number }>(
    { read: (fn) => fn(undefined as never) },
    ROWS,
    async (_tx, after, limit) => {
      const from = after ? after.n + 1 : 0;
      return Array.from({ length: Math.max(0, Math.min(limit, ROWS - from)) }, (_, k) => ({
        ...visit(from + k),
        n: from + k,
      }));
    },
  );
  return {
    period: '2026-11-01 – 2026-11-30',
    sections: [
      {
        key: 'by_agent',
        title: 'By agent',
        columns: [{ key: 'agent', label: 'Agent', kind: 'text', width: 2 }, ...measures],
        rows: summary(120, 'agent', (i) => `Agent ${i}`),
        chart: { kind: 'bar', title: 'Visits by agent', category: 'agent', series: ['visits', 'completed'] },
      },
      {
        key: 'by_day',
        title: 'By day',
        columns: [{ key: 'day', label: 'Day', kind: 'date' }, ...measures],
        rows: summary(30, 'day', (i) => new Date(START + i * 86_400_000).toISOString().slice(0, 10)),
        chart: { kind: 'line', title: 'Completion per day', category: 'day', series: ['completion_percent'] },
      },
      {
        key: 'visits',
        title: 'Visits',
        columns: [
          { key: 'day', label: 'Day', kind: 'date' },
          { key: 'agent', label: 'Agent', kind: 'text', width: 1.5 },
          { key: 'outlet', label: 'Outlet', kind: 'text', width: 1.5 },
          { key: 'status', label: 'Status', kind: 'text' },
          { key: 'check_in_at', label: 'Check-in', kind: 'datetime' },
          { key: 'distance_m', label: 'Distance (m)', kind: 'number' },
          { key: 'within_geofence', label: 'In geofence', kind: 'text' },
          { key: 'completed_at', label: 'Completed', kind: 'datetime' },
        ],
        rows: detail,
      },
    ],
  };
}

/** One format in this process: prints `{ format, seconds, bytes, peakMb }`. */
async function renderOne(format: 'pdf' | 'xlsx' | 'csv') {
  const root = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-render-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const header = {
    title: 'Visit summary',
    tenant: 'Bench',
    period: 'Nov 2026',
    generatedAt: new Date(),
    timeZone: 'Asia/Tashkent',
  };
  const started = performance.now();
  const stored = await new LocalStorage({ root }).put(
    `report.${format}`,
    renderReport(format, header, data()),
    {
      maxBytes: Infinity,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ format, seconds, bytes: stored.size, peakMb: peak / 1e6 })}\n`);
}

async function main() {
  const lines = [
    `# Reports benchmark, ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1e9).toFixed(1)} GB, Node ${process.version}.`,
    `Load at the start: \`${execSync('uptime').toString().trim()}\` (the machine is shared; figures scale with it).`,
    '',
    `## Rendering ${ROWS.toLocaleString('en')} visit rows (streamed into local storage, one process per format)`,
    '',
    '| format | seconds | file MB | peak RSS MB |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const format of ['pdf', 'xlsx', 'csv']) {
    process.stderr.write(`… rendering ${format}\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/reports.ts', '--render', format], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    }).toString();
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      seconds: number;
      bytes: number;
      peakMb: number;
    };
    lines.push(
      `| ${format} | ${r.seconds.toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} | ${r.peakMb.toFixed(0)} |`,
    );
  }
  lines.push('', `Load after rendering: \`${execSync('uptime').toString().trim()}\``, '');
  const postgres = await postgresDatabase('reports');
  if (postgres) {
    process.stderr.write('… scheduled reports on PostgreSQL\n');
    try {
      lines.push(
        '## Scheduled reports on PostgreSQL',
        '',
        '| case | generated | delivered | check |',
        '| --- | --- | --- | --- |',
        await scheduledReportsBench(postgres.url),
      );
    } finally {
      await postgres.drop();
    }
    lines.push('', `Load at the end: \`${execSync('uptime').toString().trim()}\``);
  }
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/reports.md', `${report}\n`);
}

const render = process.argv.indexOf('--render');
if (render >= 0) await renderOne(process.argv[render + 1] as 'pdf' | 'xlsx' | 'csv');
else await main();
