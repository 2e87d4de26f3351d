import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, scheduleDates } from '../../src/modules/field/formulas.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createOutlet, createTeam, expectStatus, extraUser, type Headers } from '../field/helpers.js';
import { notifyApp, type Alert, type AlertList, type JobRun } from './helpers.js';

type Job = {
  id: string;
  name: string;
  display_name: string;
  schedule: string;
  time_zone: string;
  enabled: boolean;
  next_run_at: string | null;
  last_run: JobRun | null;
};
type Notification = { id: string; alert_id: string | null; read: boolean; title: string };
type Inbox = { notifications: Notification[]; total: number };

const today = new Date().toISOString().slice(0, 10);
const D = (days: number) => addDays(today, days);

describe('notify: checks, scheduler and notifications', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let cycleId: string;

  beforeAll(async () => {
    t = await notifyApp({ workers: true });
    fx = await identityFixture(t, 'checks');
    other = await identityFixture(t, 'elsewhere');
    admin = fx.users.admin.auth;
    api = client(t);
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
    const outlet = await createOutlet(t, admin);
    // A daily cycle that started three days ago with no visit: adherence 0 %, yesterday missed.
    const cycle = await api.ok(
      'POST',
      '/call-cycles',
      admin,
      {
        name: 'Route',
        agent_id: fx.users.agent.id,
        start_date: D(-7),
        end_date: D(7),
        frequency: 'daily',
        locations: [{ outlet_id: outlet }],
      },
      201,
    );
    cycleId = cycle.id;
  }, 300_000);
  afterAll(() => t.close());

  const alertsOf = async (auth: Headers, query = '') =>
    (await api.ok<AlertList>('GET', `/alerts?limit=500${query}`, auth)).alerts;

  it('lists every periodic job of the platform and the modules', async () => {
    const { jobs } = await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', admin);
    const names = jobs.map((j) => j.name);
    for (const name of [
      'platform.retention',
      'platform.import-recovery',
      'field.call-cycles.mark-missed',
      'notify.alert-checks',
      'notify.reopen-snoozed',
      'notify.email-digest',
    ])
      expect(names).toContain(name);
    const retention = jobs.find((j) => j.name === 'platform.retention')!;
    expect(retention).toMatchObject({ schedule: '20 3 * * *', time_zone: 'UTC', enabled: true });
    expect(new Date(retention.next_run_at!).getUTCHours()).toBe(3);
    expect(new Date(retention.next_run_at!).getTime()).toBeGreaterThan(Date.now());
  });

  it('runs the checks: one alert per entity, type and day however often they run', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await api.ok<JobRun>('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
      expect(run, JSON.stringify(run)).toMatchObject({
        job_name: 'notify.alert-checks',
        status: 'succeeded',
        error: null,
      });
      expect(run.duration_ms).toBeGreaterThanOrEqual(0);
    }
    const adherence = await alertsOf(admin, '&type=call_cycle_adherence');
    expect(adherence).toHaveLength(1);
    expect(adherence[0]).toMatchObject({
      entity_type: 'call_cycle',
      entity_id: cycleId,
      owner_id: fx.users.agent.id,
      source: 'field.call-cycle-adherence',
      severity: 'high',
    });
    const missed = await alertsOf(admin, '&type=missed_planned_visits');
    const yesterdayPlanned = scheduleDates(D(-7), D(7), 'daily').includes(D(-1));
    expect(missed).toHaveLength(yesterdayPlanned ? 1 : 0);
    if (yesterdayPlanned)
      expect(missed[0]).toMatchObject({ entity_id: fx.users.agent.id, assignee_id: fx.users.team_leader.id });

    // The last run shows on the scheduler.
    const { jobs } = await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', admin);
    expect(jobs.find((j) => j.name === 'notify.alert-checks')!.last_run).toMatchObject({
      status: 'succeeded',
    });

    // Resolved today, it stays resolved: the same check the same day raises nothing new.
    await api.ok('PUT', `/alerts/${adherence[0]!.id}/resolve`, admin, {});
    await api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
    expect(await alertsOf(admin, '&type=call_cycle_adherence')).toHaveLength(1);
    // Another tenant saw none of it.
    expect(await alertsOf(other.users.admin.auth)).toHaveLength(0);
  });

  it('raises the adherence alert only below the tenant threshold', async () => {
    const peer = await extraUser(t, fx, 'agent');
    const outlet = await createOutlet(t, admin);
    const cycle = await api.ok(
      'POST',
      '/call-cycles',
      admin,
      {
        name: 'Second route',
        agent_id: peer.id,
        start_date: D(-7),
        end_date: D(7),
        frequency: 'daily',
        locations: [{ outlet_id: outlet }],
      },
      201,
    );
    const settings = (value: number) =>
      api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { alert_adherence_threshold: value } });
    expectStatus(
      await api.call('PUT', `/tenants/${fx.tenantId}`, admin, {
        settings: { alert_adherence_threshold: 101 },
      }),
      422,
    );
    // At 0 % nothing is below the threshold.
    await settings(0);
    await api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
    const about = async () =>
      (await alertsOf(admin, `&type=call_cycle_adherence&entity_id=${cycle.id}`)).map((a) => a.entity_id);
    expect(await about()).toEqual([]);
    await settings(80);
    await api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
    expect(await about()).toEqual([cycle.id]);
  });

  it('run-checks queues this tenant’s checks as a job and answers with it', async () => {
    const rival = other.users.admin.auth;
    const run = expectStatus(await api.call('POST', '/alerts/run-checks', rival), 202).json<JobRun>();
    expect(run).toMatchObject({ job_name: 'notify.tenant-alert-checks', status: 'queued' });
    // It ran (workers poll every half second) and found nothing in the other tenant; its status is
    // read back through the API.
    const started = Date.now();
    let status = 'queued';
    while (Date.now() - started < 30_000 && ['queued', 'running'].includes(status)) {
      await new Promise((r) => setTimeout(r, 300));
      status = (await api.ok<JobRun>('GET', `/alerts/run-checks/${run.id}`, rival)).status;
    }
    const done = await api.ok<JobRun>('GET', `/alerts/run-checks/${run.id}`, rival);
    expect(done).toMatchObject({ id: run.id, job_name: 'notify.tenant-alert-checks', error: null });
    expect(done.duration_ms).toBeGreaterThanOrEqual(0);
    // Another tenant's admin, an agent, or an id of no run: not there for them.
    expectStatus(await api.call('GET', `/alerts/run-checks/${run.id}`, admin), 404, 'JOB_RUN_NOT_FOUND');
    expectStatus(await api.call('GET', `/alerts/run-checks/${run.id}`, other.users.agent.auth), 403);
    const lastGlobal = (await api.ok<{ jobs: Job[] }>('GET', '/scheduler/jobs', admin)).jobs.find(
      (j) => j.name === 'notify.alert-checks',
    )!.last_run!;
    expectStatus(await api.call('GET', `/alerts/run-checks/${lastGlobal.id}`, admin), 404);
    expectStatus(await api.call('GET', '/alerts/run-checks/not-a-uuid', admin), 422);
    expect(status).toBe('succeeded');
    expect(await alertsOf(rival)).toHaveLength(0);
  });

  it('notifies the people an alert concerns, in their inbox', async () => {
    const agent = fx.users.agent.auth;
    const leader = fx.users.team_leader.auth;
    const created = await api.ok<Alert>(
      'POST',
      '/alerts',
      admin,
      {
        type: 'stock_out',
        severity: 'medium',
        title: 'Shelf empty',
        entity_type: 'user',
        entity_id: fx.users.agent.id,
        owner_id: fx.users.agent.id,
      },
      201,
    );
    // The owner, their team leader and tenant-wide roles (not the admin who raised it, not a peer).
    const inboxOf = async (auth: Headers, q = '') =>
      (await api.ok<Inbox>('GET', `/notifications?limit=500${q}`, auth)).notifications;
    expect((await inboxOf(agent)).map((n) => n.alert_id)).toContain(created.id);
    expect((await inboxOf(leader)).map((n) => n.alert_id)).toContain(created.id);
    expect((await inboxOf(fx.users.national_manager.auth)).map((n) => n.alert_id)).toContain(created.id);
    expect((await inboxOf(admin)).map((n) => n.alert_id)).not.toContain(created.id);
    const peer = await extraUser(t, fx, 'agent');
    expect(await inboxOf(peer.auth)).toHaveLength(0);

    const count = await api.ok<{ unread: number }>('GET', '/notifications/unread-count', agent);
    expect(count.unread).toBeGreaterThanOrEqual(1);
    const mine = (await inboxOf(agent)).find((n) => n.alert_id === created.id)!;
    const read = await api.ok<Notification>('PUT', `/notifications/${mine.id}/read`, agent);
    expect(read.read).toBe(true);
    expect((await api.ok<{ unread: number }>('GET', '/notifications/unread-count', agent)).unread).toBe(
      count.unread - 1,
    );
    // Unread first.
    const all = await inboxOf(agent);
    expect(all.at(-1)!.id).toBe(mine.id);
    expect((await inboxOf(agent, '&unread=false')).map((n) => n.id)).toEqual([mine.id]);
    // Someone else's notification is not there for you.
    expectStatus(await api.call('PUT', `/notifications/${mine.id}/read`, leader), 404);
    expectStatus(await api.call('DELETE', `/notifications/${mine.id}`, other.users.agent.auth), 404);
    const marked = await api.ok<{ marked: number }>('PUT', '/notifications/read-all', agent);
    expect(marked.marked).toBe(count.unread - 1);
    expect((await api.ok<{ unread: number }>('GET', '/notifications/unread-count', agent)).unread).toBe(0);
    expectStatus(await api.call('DELETE', `/notifications/${mine.id}`, agent), 204);
    expectStatus(await api.call('DELETE', `/notifications/${mine.id}`, agent), 404);
    expectStatus(await api.call('GET', '/notifications?unread=maybe', agent), 422);
  });

  it('keeps preferences per user: e-mail now, a digest, or nothing', async () => {
    const leader = fx.users.team_leader;
    const prefs = await api.ok<{ rules: unknown[]; time_zone: string | null; effective_time_zone: string }>(
      'PUT',
      '/notifications/preferences',
      leader.auth,
      {
        time_zone: 'Asia/Tashkent',
        rules: [
          { alert_type: '*', severity: '*', in_app: true, email: 'digest' },
          { alert_type: 'stock_out', severity: 'critical', in_app: false, email: 'immediate' },
        ],
      },
    );
    expect(prefs).toMatchObject({ time_zone: 'Asia/Tashkent', effective_time_zone: 'Asia/Tashkent' });
    expect(prefs.rules).toHaveLength(2);
    expectStatus(
      await api.call('PUT', '/notifications/preferences', leader.auth, { time_zone: 'Mars/Base' }),
      422,
    );
    expectStatus(
      await api.call('PUT', '/notifications/preferences', leader.auth, {
        rules: [
          { alert_type: 'x', severity: 'low', in_app: true, email: 'off' },
          { alert_type: 'x', severity: 'low', in_app: true, email: 'digest' },
        ],
      }),
      422,
    );
    expect(
      (await api.ok<{ rules: unknown[] }>('GET', '/notifications/preferences', leader.auth)).rules,
    ).toHaveLength(2);

    const outboxFor = async () =>
      (await t.app.platform.mailer.outbox()).filter((m) => m.to.includes(leader.email));
    const before = (await outboxFor()).length;
    const critical = await api.ok<Alert>(
      'POST',
      '/alerts',
      admin,
      {
        type: 'stock_out',
        severity: 'critical',
        title: 'All shelves empty',
        entity_type: 'user',
        entity_id: fx.users.agent.id,
        owner_id: fx.users.agent.id,
      },
      201,
    );
    const mails = await outboxFor();
    expect(mails.length).toBe(before + 1);
    expect(mails[0]!.subject).toContain('All shelves empty');
    // E-mail only: not in the inbox.
    const inbox = (await api.ok<Inbox>('GET', '/notifications?limit=500', leader.auth)).notifications;
    expect(inbox.map((n) => n.alert_id)).not.toContain(critical.id);

    // A low one waits for the digest, mailed at the digest hour of the user's own zone.
    await api.ok(
      'POST',
      '/alerts',
      admin,
      {
        type: 'stock_low',
        severity: 'low',
        title: 'Few left',
        entity_type: 'user',
        entity_id: fx.users.agent.id,
        owner_id: fx.users.agent.id,
      },
      201,
    );
    const { sendDigests } = await import('../../src/modules/notify/index.js');
    const platform = t.app.platform;
    // 08:00 in Tashkent (UTC+5) is 03:00 UTC; 08:00 UTC is not the leader's hour.
    const day = new Date().toISOString().slice(0, 10);
    expect(await sendDigests(platform, new Date(`${day}T08:00:00Z`))).toBe(0);
    expect((await outboxFor()).length).toBe(before + 1);
    expect(await sendDigests(platform, new Date(`${day}T03:00:00Z`))).toBeGreaterThanOrEqual(1);
    const digest = (await outboxFor())[0]!;
    expect(digest.subject).toContain('digest');
    expect(digest.text).toContain('Few left');
    // Nothing is sent twice.
    expect(await sendDigests(platform, new Date(`${day}T03:00:00Z`))).toBe(0);

    // The leader's own digest hour overrides the tenant's: 18:00 in Tashkent is 13:00 UTC.
    const own = await api.ok<{ digest_hour: number; own_digest_hour: number | null }>(
      'PUT',
      '/notifications/preferences',
      leader.auth,
      { digest_hour: 18 },
    );
    expect(own).toMatchObject({ digest_hour: 18, own_digest_hour: 18 });
    expectStatus(await api.call('PUT', '/notifications/preferences', leader.auth, { digest_hour: 24 }), 422);
    await api.ok(
      'POST',
      '/alerts',
      admin,
      {
        type: 'stock_low',
        severity: 'low',
        title: 'Evening shelf',
        entity_type: 'user',
        entity_id: fx.users.agent.id,
        owner_id: fx.users.agent.id,
      },
      201,
    );
    const mailed = (await outboxFor()).length;
    expect(await sendDigests(platform, new Date(`${day}T03:00:00Z`))).toBe(0);
    expect(await sendDigests(platform, new Date(`${day}T13:00:00Z`))).toBeGreaterThanOrEqual(1);
    expect((await outboxFor()).length).toBe(mailed + 1);
    expect((await outboxFor())[0]!.text).toContain('Evening shelf');
    // Cleared, the tenant's hour applies again; the time zone stays.
    const cleared = await api.ok<{ digest_hour: number; own_digest_hour: number | null; time_zone: string }>(
      'PUT',
      '/notifications/preferences',
      leader.auth,
      { digest_hour: null },
    );
    expect(cleared).toMatchObject({ digest_hour: 8, own_digest_hour: null, time_zone: 'Asia/Tashkent' });
  });

  it('scheduler: runs a job now, 404 for an unknown one, admin only', async () => {
    const run = await api.ok<JobRun>('POST', '/scheduler/jobs/platform.retention/run', admin);
    expect(run).toMatchObject({ status: 'succeeded', job_name: 'platform.retention' });
    expectStatus(await api.call('POST', '/scheduler/jobs/nothing.here/run', admin), 404, 'JOB_NOT_FOUND');
    expectStatus(await api.call('POST', '/scheduler/jobs/Bad Name/run', admin), 422);
    expectStatus(await api.call('POST', '/scheduler/jobs/platform.retention/run', fx.users.agent.auth), 403);
    expectStatus(await api.call('POST', '/alerts/run-checks', fx.users.agent.auth), 403);
  });
});
