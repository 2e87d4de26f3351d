/**
 * Where a run's CPU went, read from /proc (Linux): the server process, every local PostgreSQL
 * process, this benchmark process (the load generator), and the machine's idle and stolen time
 * (`steal`: time the hypervisor gave to other guests while this one wanted to run). On this shared
 * machine throughput drifts by 2× within the hour; CPU per request drifts much less, and a run that
 * lost seconds to steal says so. Elsewhere (no /proc) the figures are absent.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Sample {
  server: number;
  postgres: number;
  client: number;
  idle: number;
  steal: number;
  at: number;
}

/** utime + stime of a process, in seconds; 0 when it has gone. */
function processSeconds(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function postgresSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres')) total += processSeconds(pid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

function sample(serverPid: number): Sample | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return {
      server: processSeconds(String(serverPid)),
      postgres: postgresSeconds(),
      client: processSeconds(String(process.pid)),
      idle: cpu[3]! / TICKS_PER_SECOND,
      steal: cpu[7]! / TICKS_PER_SECOND,
      at: performance.now(),
    };
  } catch {
    return undefined;
  }
}

export interface CpuUsage {
  /** Milliseconds of CPU per request, by process group. */
  perRequest: { server: number; postgres: number; client: number };
  /** CPU-seconds the machine spent idle, and lost to steal, over `wallSeconds`. */
  idle: number;
  steal: number;
  wallSeconds: number;
}

/** Starts counting; `stop(requests)` gives the usage since, or undefined without /proc. */
export function cpuUsageOf(serverPid: number | undefined): {
  stop: (requests: number) => CpuUsage | undefined;
} {
  const start = serverPid === undefined ? undefined : sample(serverPid);
  return {
    stop(requests) {
      const end = start && sample(serverPid!);
      if (!start || !end || requests <= 0) return undefined;
      const ms = (seconds: number) => Math.round((seconds * 1000 * 100) / requests) / 100;
      return {
        perRequest: {
          server: ms(end.server - start.server),
          postgres: ms(end.postgres - start.postgres),
          client: ms(end.client - start.client),
        },
        idle: Math.round((end.idle - start.idle) * 10) / 10,
        steal: Math.round((end.steal - start.steal) * 10) / 10,
        wallSeconds: Math.round((end.at - start.at) / 100) / 10,
      };
    },
  };
}

/** One line for a report: CPU per request and what the machine lost. */
export const cpuUsageLine = (usage: CpuUsage | undefined): string =>
  usage
    ? `CPU per request: server ${usage.perRequest.server} ms, PostgreSQL ${usage.perRequest.postgres} ms, ` +
      `load generator ${usage.perRequest.client} ms; over ${usage.wallSeconds} s the machine was idle ` +
      `${usage.idle} CPU-s and lost ${usage.steal} CPU-s to steal`
    : 'CPU per request: not measured (no /proc)';
