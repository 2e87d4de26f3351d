/**
 * A closed-loop load generator for the benchmarks: `connections` workers send GET requests back to
 * back for `durationS` seconds, each on its own kept-alive socket; every latency is kept, so p50,
 * p95 and p99 are exact.
 */
import { HttpClient } from './http-client.js';

export interface LoadFigure {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;

export async function measure(
  url: string,
  options: { connections: number; durationS: number; headers?: Record<string, string>; warmupS?: number },
): Promise<LoadFigure> {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const client = new HttpClient(Number(target.port || 80), target.hostname);
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          const res = await client.request('GET', path, options.headers ?? {});
          if (res.status >= 300) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: options.connections }, worker));
    return { latencies: latencies.sort((a, b) => a - b), errors };
  };
  await run(options.warmupS ?? 1);
  const { latencies, errors } = await run(options.durationS);
  client.close();
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    rps: Math.round(latencies.length / options.durationS),
    p50: round(percentile(latencies, 0.5)),
    p95: round(percentile(latencies, 0.95)),
    p99: round(percentile(latencies, 0.99)),
    errors,
  };
}
