/**
 * 1,000 scheduled reports (BENCH_SCHEDULES) falling due at once, two worker processes (the app with
 * job workers, bench/reports-schedules-child.ts) against one PostgreSQL: the seconds until every
 * report is generated and its mail has arrived at a loopback SMTP server, and a check that each
 * schedule ran exactly once (one run, one mail). Prints one Markdown table row.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startSmtp } from '../test/identity/smtp.js';

const COUNT = Number(process.env.BENCH_SCHEDULES ?? 1000);
const FORMAT = process.env.BENCH_FORMAT ?? 'pdf';

function child(env: Record<string, string>, ready: RegExp) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/reports-schedules-child.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve(match);
    });
    proc.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
  return { proc, line };
}

const stop = async (proc: ChildProcess) => {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise((resolve) => proc.once('exit', resolve));
};

export async function scheduledReportsBench(url: string): Promise<string> {
  const smtp = await startSmtp();
  const storage = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-reports-'));
  const env = {
    BENCH_DATABASE_URL: url,
    BENCH_SMTP_PORT: String(smtp.port),
    BENCH_STORAGE_DIR: storage,
    BENCH_FORMAT: FORMAT,
  };
  const workers: ChildProcess[] = [];
  try {
    const setup = child({ ...env, BENCH_SETUP: String(COUNT) }, /setup (\S+)/);
    const tenantId = (await setup.line)[1]!;
    await new Promise((resolve) => setup.proc.once('exit', resolve));
    const started = [child(env, /listening (\d+)/), child(env, /listening (\d+)/)];
    workers.push(...started.map((w) => w.proc));
    const ports = await Promise.all(started.map(async (w) => (await w.line)[1]!));
    const t0 = performance.now();
    await Promise.all(
      ports.map((port) => fetch(`http://127.0.0.1:${port}/api/v1/bench/run-due`, { method: 'POST' })),
    );
    const progress = () =>
      Promise.all(
        ports.map(async (port) => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/bench/run-due`);
          return (await res.json()) as { produced: number; done: boolean };
        }),
      );
    let drained = await progress();
    while (!drained.every((d) => d.done)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      drained = await progress();
    }
    const generated = (performance.now() - t0) / 1000;
    // The drains' own runs; the rest were taken by the workers' minutely `reports.run_due` job.
    const produced = drained.map((d) => d.produced);
    const deadline = Date.now() + 30 * 60_000;
    while (smtp.received.length < COUNT && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const delivered = (performance.now() - t0) / 1000;
    // Anything sent twice would arrive within moments of the last mail.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ schedules: number; once: number; completed: number }>(
      `select count(distinct s.id)::int as schedules,
         count(*) filter (where r.runs = 1)::int as once, sum(r.completed)::int as completed
       from report_schedules s
       left join lateral (select count(*) as runs, count(*) filter (where status = 'completed' and delivery is not null) as completed
         from report_runs where schedule_id = s.id) r on true
       where s.tenant_id = $1`,
      [tenantId],
    );
    await client.end();
    const mails = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) mails.set(to, (mails.get(to) ?? 0) + 1);
    const onceMailed = [...mails.values()].filter((n) => n === 1).length;
    const facts = rows[0]!;
    const exact =
      facts.schedules === COUNT &&
      facts.once === COUNT &&
      facts.completed === COUNT &&
      onceMailed === COUNT &&
      smtp.received.length === COUNT;
    if (!exact)
      throw new Error(
        `not exactly once: ${JSON.stringify({ ...facts, mails: smtp.received.length, onceMailed })}`,
      );
    return `| ${COUNT} schedules due at once (${FORMAT}), 2 worker processes | ${generated.toFixed(1)} s generated (${produced.join(' + ')} runs) | ${delivered.toFixed(1)} s until the last mail arrived | each ran once, ${smtp.received.length} mails |`;
  } finally {
    await Promise.all(workers.map(stop));
    await smtp.close();
    rmSync(storage, { recursive: true, force: true });
  }
}
