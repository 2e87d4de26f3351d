/**
 * Report rendering cost: a visit-detail table of ROWS rows (default 100,000; `REPORT_BENCH_ROWS`)
 * rendered as PDF and as XLSX, with the seconds and the process's peak RSS for each. The rows are
 * synthetic, shaped like the visit summary's detail section, so this measures the renderers alone.
 */
import { renderReport, type ReportData } from '../src/platform/reports/index.js';

const ROWS = Number(process.env.REPORT_BENCH_ROWS ?? 100_000);
const statuses = ['completed', 'completed', 'completed', 'cancelled', 'missed'];

function data(): ReportData {
  const start = Date.UTC(2026, 10, 1);
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    day: new Date(start + (i % 30) * 86_400_000).toISOString().slice(0, 10),
    agent: `Agent ${i % 120}`,
    outlet: `Outlet ${i % 2000}`,
    status: statuses[i % statuses.length]!,
    check_in_at: new Date(start + i * 60_000),
    distance_m: (i % 250) + 0.5,
    within_geofence: i % 3 === 0 ? 'no' : 'yes',
    completed_at: new Date(start + i * 60_000 + 1_800_000),
  }));
  return {
    period: '2026-11-01 – 2026-11-30',
    sections: [
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
        rows,
      },
    ],
  };
}

const header = {
  title: 'Visit summary',
  tenant: 'Bench',
  period: 'Nov 2026',
  generatedAt: new Date(),
  timeZone: 'Asia/Tashkent',
};
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const input = data();
for (const format of ['pdf', 'xlsx'] as const) {
  peak = process.memoryUsage().rss;
  const started = performance.now();
  const file = await renderReport(format, header, input);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${format}: ${ROWS} rows in ${seconds.toFixed(2)} s, ${(file.length / 1e6).toFixed(1)} MB, peak RSS ${(peak / 1e6).toFixed(0)} MB`,
  );
}
clearInterval(sampler);
