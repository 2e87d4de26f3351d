import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertChecks } from '../../src/modules/notify/index.js';
import { DAILY_TASKS, runCalculateAll } from '../../src/modules/success/health/jobs.js';
import { runDailyTask } from '../../src/modules/success/health/daily.js';
import { addDays } from '../../src/modules/success/health/score.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { JobRun } from '../notify/helpers.js';
import { isoDay, setTimeZone, updateCustomer } from './health-fixtures.js';
import { client, createCustomer, expectStatus, successApp } from './helpers.js';

const task = (name: string) => DAILY_TASKS.find((t) => t.job.name === name)!;
const HEALTH = task('success.daily-health-scores');
const CONTRACTS = task('success.contract-expiry-check');

describe(
  'health jobs: calculate-all and the daily tasks in each tenant’s time zone',
  { timeout: 300_000 },
  () => {
    let t: TestApp;
    let api: ReturnType<typeof client>;
    let tashkent: IdentityFixture;
    let losAngeles: IdentityFixture;
    let utc: IdentityFixture;
    const today = isoDay(new Date());
    const ids = {} as Record<string, string>;

    const count = async (text: string, params: unknown[]) =>
      (await t.database.db.query<{ n: number }>(text, params)).rows[0]!.n;
    const scores = (tenantId: string) =>
      count('select count(*)::int as n from health_scores where tenant_id = $1', [tenantId]);
    const marks = (tenantId: string, name: string) =>
      t.database.db
        .query<{ local_date: string }>(
          `select to_char(local_date, 'YYYY-MM-DD') as local_date from success_daily_runs
         where tenant_id = $1 and task = $2 order by local_date`,
          [tenantId, name],
        )
        .then((r) => r.rows.map((row) => row.local_date));
    const alerts = (tenantId: string, type: string) =>
      count('select count(*)::int as n from alerts where tenant_id = $1 and type = $2', [tenantId, type]);
    const tick = (name: typeof HEALTH, at: Date) => runDailyTask(t.app.platform, name, at, { manual: false });

    beforeAll(async () => {
      t = await successApp();
      api = client(t);
      tashkent = await identityFixture(t, 'htash');
      losAngeles = await identityFixture(t, 'hla');
      utc = await identityFixture(t, 'hutc');
      await setTimeZone(t, tashkent.tenantId, 'Asia/Tashkent');
      await setTimeZone(t, losAngeles.tenantId, 'America/Los_Angeles');
      for (const fx of [tashkent, losAngeles, utc]) {
        // A contract ending in 5 days (from the UTC date) and no interactions: expiring and inactive.
        ids[fx.tenantId] = await createCustomer(t, fx.users.admin.auth, {
          owner_id: fx.users.agent.id,
          contract_end: addDays(today, 5),
        });
      }
      ids.churned = await createCustomer(t, utc.users.admin.auth, { status: 'churned' });
      ids.archived = await createCustomer(t, utc.users.admin.auth, {});
      await updateCustomer(t, ids.archived, { archived_at: new Date() });
      ids.supplier = await createCustomer(t, utc.users.admin.auth, { is_customer: false, is_supplier: true });
    }, 300_000);
    afterAll(() => t.close());

    it('lists the four daily jobs, ticking every 15 minutes', async () => {
      const { jobs } = await api.ok<{ jobs: { name: string; schedule: string; enabled: boolean }[] }>(
        'GET',
        '/scheduler/jobs',
        utc.users.admin.auth,
      );
      const ours = jobs.filter((j) => j.name.startsWith('success.'));
      expect(ours.map((j) => [j.name, j.schedule]).sort()).toEqual(
        [
          'success.contract-expiry-check',
          'success.daily-health-scores',
          'success.inactivity-check',
          'success.licence-expiry-check',
        ].map((name) => [name, '*/15 * * * *']),
      );
    });

    it('calculate-all queues a job and answers its run; the job scores current customers only', async () => {
      const admin = utc.users.admin.auth;
      const queued = expectStatus(
        await api.call('POST', '/health-scores/calculate-all', admin),
        202,
      ).json<JobRun>();
      expect(queued).toMatchObject({
        job_name: 'success.health-calculate-all',
        status: 'queued',
        trigger: 'manual',
      });
      const { rows } = await t.database.db.query<{ id: string; data: { tenantId: string; runId: string } }>(
        `select id, data from pgboss.job where name = 'success.health-calculate-all' and state = 'created'`,
      );
      expect(rows.map((r) => r.data)).toEqual([{ tenantId: utc.tenantId, runId: queued.id }]);
      // Run it as the worker would.
      await runCalculateAll(t.app.platform, rows[0]!.data);
      const run = await api.ok<JobRun>('GET', `/health-scores/calculate-all/${queued.id}`, admin);
      expect(run.status).toBe('succeeded');
      const scored = await t.database.db.query<{ customer_id: string }>(
        'select customer_id from health_scores where tenant_id = $1',
        [utc.tenantId],
      );
      expect(scored.rows.map((r) => r.customer_id)).toEqual([ids[utc.tenantId]]);
      await t.database.db.query('delete from pgboss.job where id = $1', [rows[0]!.id]);

      for (const role of ['agent', 'viewer'] as const)
        expectStatus(await api.call('POST', '/health-scores/calculate-all', utc.users[role].auth), 403);
      expectStatus(
        await api.call('GET', `/health-scores/calculate-all/${queued.id}`, tashkent.users.admin.auth),
        404,
        'JOB_RUN_NOT_FOUND',
      );
    });

    it('daily scores: each tenant once per local day; a second tick does nothing; a new local day runs again', async () => {
      // 18:50 UTC: 23:50 in Tashkent, 11:50 (or 10:50) in Los Angeles.
      const at = new Date(`${today}T18:50:00Z`);
      const before = { tashkent: await scores(tashkent.tenantId), la: await scores(losAngeles.tenantId) };
      const ran = await tick(HEALTH, at);
      expect(ran).toEqual(expect.arrayContaining([tashkent.tenantId, losAngeles.tenantId, utc.tenantId]));
      expect(await scores(tashkent.tenantId)).toBe(before.tashkent + 1);
      expect(await marks(tashkent.tenantId, HEALTH.job.name)).toEqual([today]);
      expect(await marks(losAngeles.tenantId, HEALTH.job.name)).toEqual([today]);

      expect(await tick(HEALTH, at)).toEqual([]);
      expect(await tick(HEALTH, new Date(at.getTime() + 15 * 60_000))).toEqual([tashkent.tenantId]);
      expect(await scores(tashkent.tenantId)).toBe(before.tashkent + 2);
      expect(await scores(losAngeles.tenantId)).toBe(before.la + 1);
      expect(await marks(tashkent.tenantId, HEALTH.job.name)).toEqual([today, addDays(today, 1)]);
    });

    it('checks run once the local time has passed theirs, and only their own check', async () => {
      // 03:05 UTC: 08:05 in Tashkent (due), 03:05 in UTC (not yet), 20:05 the day before in LA (due).
      const at = new Date(`${today}T03:05:00Z`);
      const ran = await tick(CONTRACTS, at);
      expect(ran).toContain(tashkent.tenantId);
      expect(ran).not.toContain(utc.tenantId);
      expect(await alerts(tashkent.tenantId, 'contract_expiry')).toBe(1);
      expect(await alerts(utc.tenantId, 'contract_expiry')).toBe(0);
      // The same check only: the customer is also inactive, but no inactivity alert was raised.
      expect(await alerts(tashkent.tenantId, 'inactivity')).toBe(0);
      expect(await tick(CONTRACTS, new Date(`${today}T07:59:00Z`))).toEqual([]);
      expect(await tick(CONTRACTS, new Date(`${today}T08:00:00Z`))).toEqual([utc.tenantId]);
      expect(await alerts(utc.tenantId, 'contract_expiry')).toBe(1);
      expect(await marks(utc.tenantId, CONTRACTS.job.name)).toEqual([today]);
      // Running only named checks refuses a name no module registered.
      await expect(
        createAlertChecks(t.app.platform).runInTenant(utc.tenantId, new Date(), ['success.nope']),
      ).rejects.toThrow('No alert check named success.nope');
    });

    it('one tenant failing spares the others; the tick fails and the tenant runs at the next one', async () => {
      const broken = await identityFixture(t, 'hbroken');
      await createCustomer(t, broken.users.admin.auth, {});
      // Weights that cannot have been stored through the API: the scoring refuses them.
      await t.database.db.query(
        `update tenants set settings = settings || '{"health_weights": {"adoption": 1.5, "support": 30, "engagement": 25, "financial": 43.5}}'
       where id = $1`,
        [broken.tenantId],
      );
      const at = new Date(`${addDays(today, 2)}T12:00:00Z`);
      await expect(tick(HEALTH, at)).rejects.toThrow(broken.tenantId);
      expect(await marks(utc.tenantId, HEALTH.job.name)).toContain(addDays(today, 2));
      expect(await marks(broken.tenantId, HEALTH.job.name)).toEqual([]);
      await t.database.db.query(`update tenants set settings = settings - 'health_weights' where id = $1`, [
        broken.tenantId,
      ]);
      expect(await tick(HEALTH, at)).toEqual([broken.tenantId]);
      expect(await scores(broken.tenantId)).toBe(1);
    });

    it('a manual run works for every tenant now, whatever the marks, and writes none', async () => {
      const before = {
        tashkent: await scores(tashkent.tenantId),
        marks: await marks(tashkent.tenantId, HEALTH.job.name),
      };
      const run = await api.ok<JobRun>(
        'POST',
        '/scheduler/jobs/success.daily-health-scores/run',
        utc.users.admin.auth,
      );
      expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual' });
      expect(await scores(tashkent.tenantId)).toBe(before.tashkent + 1);
      expect(await marks(tashkent.tenantId, HEALTH.job.name)).toEqual(before.marks);

      // The licence check by hand: its own alerts only (no licence expires here), never the others'.
      const inactivity = await alerts(losAngeles.tenantId, 'inactivity');
      await api.ok('POST', '/scheduler/jobs/success.licence-expiry-check/run', utc.users.admin.auth);
      expect(await alerts(losAngeles.tenantId, 'inactivity')).toBe(inactivity);
      const checked = await api.ok<JobRun>(
        'POST',
        '/scheduler/jobs/success.inactivity-check/run',
        utc.users.admin.auth,
      );
      expect(checked.status).toBe('succeeded');
      expect(await alerts(losAngeles.tenantId, 'inactivity')).toBe(1);
      expect(await marks(losAngeles.tenantId, 'success.inactivity-check')).toEqual([]);
    });
  },
);
