/**
 * `npm run bench:planning-baseline`: statistical baselines (automatic selection by a 6-month
 * backtest) for 10,000 synthetic (customer, product) series of 24–36 months with a trend, a yearly
 * pattern and noise, 12 months ahead. Pure computation in this process, no database. Reports the
 * total seconds and series per second, the methods chosen, and writes
 * bench/results/planning-baseline.md. BENCH_PLANNING_SERIES overrides the number of series.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseline, type ForecastMethod } from '../src/modules/planning/forecasting/index.js';

const SERIES = Number(process.env.BENCH_PLANNING_SERIES ?? 10_000);
const HORIZON = 12;

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same series. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A monthly sales series: level, trend, a yearly pattern of random strength and phase, noise, ≥ 0, integers. */
function syntheticSeries(next: () => number): number[] {
  const length = 24 + Math.floor(next() * 13);
  const level = 20 + next() * 480;
  const trend = (next() - 0.4) * level * 0.02;
  const amplitude = next() * level * 0.6;
  const phase = next() * 12;
  const noise = next() * 0.3;
  return Array.from({ length }, (_, t) => {
    const seasonal = amplitude * Math.sin((2 * Math.PI * (t + phase)) / 12);
    const value = (level + trend * t + seasonal) * (1 + noise * (next() * 2 - 1));
    return Math.max(0, Math.round(value));
  });
}

const next = random(20_260_401);
const series = Array.from({ length: SERIES }, () => syntheticSeries(next));
const months = series.reduce((sum, values) => sum + values.length, 0);

const methods = new Map<ForecastMethod, number>();
const started = performance.now();
for (const values of series) {
  const result = baseline(values, { horizon: HORIZON });
  methods.set(result.method, (methods.get(result.method) ?? 0) + 1);
}
const seconds = (performance.now() - started) / 1000;
const perSecond = SERIES / seconds;

const [load1, load5, load15] = os.loadavg().map((value) => value.toFixed(2));
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const rows = [...methods]
  .sort((a, b) => b[1] - a[1])
  .map(([method, count]) => `| ${method} | ${count} | ${((100 * count) / SERIES).toFixed(1)} % |`);

const report = `# Planning baseline benchmark (\`npm run bench:planning-baseline\`)

Statistical baselines with automatic selection (moving average, seasonal naive and Holt-Winters
additive, each backtested on the last 6 months; Holt-Winters' α, β, γ are fitted on the training
part for the backtest, and again on the whole history when it wins) for ${SERIES.toLocaleString('en-US')} synthetic series of
24–36 months (${months.toLocaleString('en-US')} months in all), ${HORIZON} months ahead, in one Node.js
process (${cpu}, ${os.cpus().length} cores, load average ${load1} / ${load5} / ${load15} at the end).

| case | figure |
| --- | --- |
| baselines for ${SERIES.toLocaleString('en-US')} series | ${seconds.toFixed(2)} s |
| throughput | ${Math.round(perSecond).toLocaleString('en-US')} series/s |

Methods chosen:

| method | series | share |
| --- | ---: | ---: |
${rows.join('\n')}

Holt-Winters is backtested only from 30 months of history (24 to fit + 6 held out), so the series
of 24–29 months choose between the moving average and seasonal naive.
`;

const file = path.join(import.meta.dirname, 'results', 'planning-baseline.md');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, report);
console.log(report);
console.log(`written to ${path.relative(process.cwd(), file)}`);
