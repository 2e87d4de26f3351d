import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { defineJob } from '../../src/platform/jobs/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, superAdminFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, expectStatus } from '../field/helpers.js';
import type { JobRun } from './helpers.js';

const flakyJob = defineJob<Record<string, never>>('probe.flaky');
let failNext = true;

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
  ],
  registerJobs: (platform) =>
    platform.jobs.register(flakyJob, async () => {
      const fail = failNext;
      failNext = !failNext;
      if (fail) throw new Error('upstream refused the connection');
    }),
};

type Job = {
  name: string;
  time_zone: string;
  next_run_at: string;
  last_run: JobRun | null;
  enabled: boolean;
};

describe('scheduler: recorded runs', { timeout: 120_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, notifyModule, probeModule] } });
    fx = await identityFixture(t, 'sched');
    api = client(t);
  }, 300_000);
  afterAll(() => t.close());

  const probe = async () =>
    (await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', fx.users.admin.auth)).jobs.find(
      (j) => j.name === 'probe.flaky',
    )!;

  it('keeps a failed run with its error, then the next success', async () => {
    const before = await probe();
    expect(before).toMatchObject({ time_zone: 'Asia/Tashkent', last_run: null, enabled: true });
    // Monday 06:30 in Tashkent is 01:30 UTC.
    const next = new Date(before.next_run_at);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 1, 30]);

    const failed = await api.ok<JobRun>('POST', '/scheduler/jobs/probe.flaky/run', fx.users.admin.auth);
    expect(failed).toMatchObject({ status: 'failed', error: 'upstream refused the connection' });
    expect((await probe()).last_run).toMatchObject({ id: failed.id, status: 'failed' });

    const ok = await api.ok<JobRun>('POST', '/scheduler/jobs/probe.flaky/run', fx.users.admin.auth);
    expect(ok).toMatchObject({ status: 'succeeded', error: null });
    expect((await probe()).last_run).toMatchObject({ id: ok.id, status: 'succeeded' });
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
