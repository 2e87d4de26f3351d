import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { RUN_ERROR_FOR_OPERATORS } from '../../src/modules/notify/scheduler/scheduler.routes.js';
import { defineJob, JOB_SCHEMA } from '../../src/platform/jobs/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, superAdminFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, expectStatus } from '../field/helpers.js';
import type { JobRun } from './helpers.js';

const flakyJob = defineJob<Record<string, never>>('probe.flaky');
let failNext = true;
const countJob = defineJob<Record<string, never>>('probe.count');
let counted = 0;
/** How each run of probe.count was started, as its handler saw it (`JobRunInfo.trigger`). */
const triggers: (string | undefined)[] = [];

/** A module whose periodic job fails every other run. */
const probeModule: SalesOpsModule = {
  name: 'probe',
  scheduledJobs: [
    {
      name: 'probe.flaky',
      displayName: 'Sometimes fails',
      cron: '30 6 * * 1',
      timeZone: 'Asia/Tashkent',
      job: flakyJob,
    },
    { name: 'probe.count', displayName: 'Counts its runs', cron: '0 4 * * *', job: countJob },
  ],
  registerJobs(platform) {
    platform.jobs.register(flakyJob, async () => {
      const fail = failNext;
      failNext = !failNext;
      if (fail) throw new Error('upstream refused the connection');
    });
    platform.jobs.register(countJob, async (_data, info) => {
      counted += 1;
      triggers.push(info.trigger);
    });
  },
};

type Job = {
  name: string;
  time_zone: string;
  next_run_at: string;
  last_run: JobRun | null;
  enabled: boolean;
};
type QueueRow = { state: string };

describe('scheduler: recorded runs', { timeout: 120_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({
      config: { workers: true },
      deps: {
        modules: [identityModule, notifyModule, probeModule],
        jobOptions: { pollingIntervalSeconds: 0.5 },
      },
    });
    fx = await identityFixture(t, 'sched');
    api = client(t);
  }, 300_000);
  afterAll(() => t.close());

  const probe = async (name = 'probe.flaky') =>
    (await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', fx.users.admin.auth)).jobs.find(
      (j) => j.name === name,
    )!;
  const until = async (what: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const runsOf = (name: string) =>
    t.database.db.withSystem(
      async (tx) =>
        (
          await tx.sql.query<{ n: number }>('select count(*)::int as n from job_runs where job_name = $1', [
            name,
          ])
        ).rows[0]!.n,
    );

  it('keeps a failed run with its error, then the next success', async () => {
    const before = await probe();
    expect(before).toMatchObject({ time_zone: 'Asia/Tashkent', last_run: null, enabled: true });
    // Monday 06:30 in Tashkent is 01:30 UTC.
    const next = new Date(before.next_run_at);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 1, 30]);

    const failed = await api.ok<JobRun>('POST', '/scheduler/jobs/probe.flaky/run', fx.users.admin.auth);
    // A run across tenants says what failed in each: a tenant's admin learns only that it failed.
    expect(failed).toMatchObject({ status: 'failed', error: RUN_ERROR_FOR_OPERATORS });
    expect((await probe()).last_run).toMatchObject({
      id: failed.id,
      status: 'failed',
      error: RUN_ERROR_FOR_OPERATORS,
    });
    const root = (await superAdminFixture(t)).auth;
    const { jobs } = await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', root);
    expect(jobs.find((j) => j.name === 'probe.flaky')!.last_run).toMatchObject({
      id: failed.id,
      error: 'upstream refused the connection',
    });

    const ok = await api.ok<JobRun>('POST', '/scheduler/jobs/probe.flaky/run', fx.users.admin.auth);
    expect(ok).toMatchObject({ status: 'succeeded', error: null });
    expect((await probe()).last_run).toMatchObject({ id: ok.id, status: 'succeeded' });
  });

  it('catches up a missed run once when a process starts, whatever the number of slots missed', async () => {
    const scheduler = t.app.platform.scheduler;
    // The daily 04:00 job last ran three days ago: three slots passed with no process running it.
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `insert into job_runs (id, job_name, trigger, status, queued_at, started_at, finished_at, duration_ms)
         values (gen_random_uuid(), 'probe.count', 'schedule', 'succeeded', now() - interval '3 days',
                 now() - interval '3 days', now() - interval '3 days', 5)`,
      ),
    );
    const before = counted;
    // The platform's own frequent jobs may have missed slots too (the database was made before
    // this process started); only the probes are this test's.
    const probes = (runs: JobRun[]) => runs.filter((r) => r.job_name.startsWith('probe.'));
    const queued = probes(await scheduler.start(t.app.platform.jobs));
    expect(queued.map((r) => [r.job_name, r.trigger])).toEqual([['probe.count', 'schedule']]);
    // A worker may take the run before `start` reads it back.
    expect(['queued', 'running', 'succeeded']).toContain(queued[0]!.status);
    await until(async () => (await probe('probe.count')).last_run?.status === 'succeeded');
    expect(counted).toBe(before + 1);
    expect(triggers.at(-1)).toBe('schedule');
    const job = await probe('probe.count');
    expect(job.last_run!.id).toBe(queued[0]!.id);
    expect(new Date(job.next_run_at).getTime()).toBeGreaterThan(Date.now());
    // Starting again (or a second process starting) finds nothing missed.
    expect(probes(await scheduler.start(t.app.platform.jobs))).toEqual([]);
    expect(counted).toBe(before + 1);
  });

  it('switches a job off and on: off, the schedule skips it but running it by hand works', async () => {
    const admin = (await superAdminFixture(t)).auth;
    // A tenant's admin may run jobs but not switch one off for every tenant.
    expectStatus(
      await api.call('PUT', '/scheduler/jobs/probe.count', fx.users.admin.auth, { enabled: false }),
      403,
      'PLATFORM_ADMIN_REQUIRED',
    );
    const off = await api.ok<Job>('PUT', '/scheduler/jobs/probe.count', admin, { enabled: false });
    expect(off).toMatchObject({ name: 'probe.count', enabled: false, next_run_at: null });
    expect(await probe('probe.count')).toMatchObject({ enabled: false });
    expect((await probe('probe.flaky')).enabled).toBe(true);

    // A tick of its schedule: the queue delivers the job, which does nothing and records no run.
    const runs = await runsOf('probe.count');
    const before = counted;
    const id = await t.app.platform.jobs.send(countJob, {});
    await until(async () =>
      t.database.db.withSystem(async (tx) => {
        const { rows } = await tx.sql.query<QueueRow>(`select state from ${JOB_SCHEMA}.job where id = $1`, [
          id,
        ]);
        return rows[0]?.state === 'completed';
      }),
    );
    expect(counted).toBe(before);
    expect(await runsOf('probe.count')).toBe(runs);
    // A catch-up queued before the switch (its run recorded as queued) is skipped, and says so.
    const catchUp = await t.database.db.withSystem(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into job_runs (id, job_name, trigger, status) values (gen_random_uuid(), 'probe.count', 'schedule', 'queued')
         returning id`,
      );
      return rows[0]!.id;
    });
    await t.app.platform.jobs.send(countJob, { runId: catchUp } as never);
    await until(async () => (await probe('probe.count')).last_run?.status === 'skipped');
    expect((await probe('probe.count')).last_run).toMatchObject({ id: catchUp, status: 'skipped' });
    expect(counted).toBe(before);
    // Nor does a start catch it up, three days on (the enabled jobs do).
    const later = new Date(Date.now() + 3 * 86_400_000);
    const caughtUp = await t.app.platform.scheduler.start(t.app.platform.jobs, later);
    expect(caughtUp.map((r) => r.job_name)).toContain('notify.reopen-snoozed');
    expect(caughtUp.map((r) => r.job_name)).not.toContain('probe.count');

    const byHand = await api.ok<JobRun>('POST', '/scheduler/jobs/probe.count/run', admin);
    expect(byHand).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    expect(counted).toBe(before + 1);
    expect(triggers.at(-1)).toBe('manual');

    const on = await api.ok<Job>('PUT', '/scheduler/jobs/probe.count', admin, { enabled: true });
    expect(on.enabled).toBe(true);
    expect(new Date(on.next_run_at).getTime()).toBeGreaterThan(Date.now());

    expectStatus(
      await api.call('PUT', '/scheduler/jobs/nothing.here', admin, { enabled: false }),
      404,
      'JOB_NOT_FOUND',
    );
    expectStatus(await api.call('PUT', '/scheduler/jobs/probe.count', admin, { enabled: 'no' }), 422);
    expectStatus(await api.call('PUT', '/scheduler/jobs/probe.count', admin, {}), 422);
    expectStatus(
      await api.call('PUT', '/scheduler/jobs/probe.count', fx.users.national_manager.auth, {
        enabled: false,
      }),
      403,
    );
    expect((await probe('probe.count')).enabled).toBe(true);
  });

  it('serves a super administrator too, and no one else', async () => {
    const root = await superAdminFixture(t);
    expect((await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', root.auth)).jobs.length).toBeGreaterThan(
      0,
    );
    expectStatus(await api.call('GET', '/scheduler/jobs', fx.users.national_manager.auth), 403);
    expectStatus(await api.call('GET', '/scheduler/jobs'), 401);
  });

  it('refuses to start with a scheduled job declared twice or an invalid cron', async () => {
    const twice: SalesOpsModule = { name: 'twice', scheduledJobs: probeModule.scheduledJobs };
    await expect(createTestApp({ deps: { modules: [identityModule, probeModule, twice] } })).rejects.toThrow(
      /scheduled job "probe.flaky" is declared by both/,
    );
    const badCron: SalesOpsModule = {
      name: 'bad',
      scheduledJobs: [
        { name: 'bad.cron', displayName: 'Bad', cron: '61 * * * *', job: defineJob('bad.cron') },
      ],
    };
    await expect(createTestApp({ deps: { modules: [identityModule, badCron] } })).rejects.toThrow(
      /invalid cron/,
    );
  });
});
