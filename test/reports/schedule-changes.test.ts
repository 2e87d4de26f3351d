import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueSchedules } from '../../src/modules/reports/index.js';
import { reportDeps } from '../../src/modules/reports/jobs.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, superAdminFixture, type IdentityFixture } from '../identity/fixtures.js';
import { startSmtp } from '../identity/smtp.js';
import { client, expectStatus, extraUser, type Headers } from '../field/helpers.js';
import { reportsApp } from './helpers.js';

type Schedule = { id: string; name: string; next_run_at: string; time_zone: string };

/**
 * What happens to a schedule when the world around it changes: a recipient leaves, the schedule is
 * edited while a report is owed, the tenant moves to another time zone, another tenant is suspended.
 */
describe('reports: schedules as things change around them', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await reportsApp(smtp.port);
    api = client(t);
    fx = await identityFixture(t, 'sched-changes');
    other = await identityFixture(t, 'sched-suspended');
    admin = fx.users.admin.auth;
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const body = (name: string, change: object = {}) => ({
    name,
    report_type: 'field.visit_summary',
    format: 'csv',
    frequency: 'daily',
    hour: 8,
    parameters: { period: 'last_7_days' },
    recipients: { user_ids: [fx.users.admin.id], emails: ['boss@outside.example.com'] },
    ...change,
  });
  const create = (who: Headers, name: string, change: object = {}) =>
    api.ok<Schedule>('POST', '/reports/scheduled', who, body(name, change), 201);
  const makeDue = (id: string, minutesAgo: number) =>
    t.database.db.withSystem((tx) =>
      tx.sql.query(
        `update report_schedules set next_run_at = now() - make_interval(mins => $2) where id = $1`,
        [id, minutesAgo],
      ),
    );
  const mailsNamed = async (name: string) =>
    (await t.app.platform.mailer.outbox()).filter((m) => m.subject === name);

  it('mails no more reports to a recipient who was deactivated', async () => {
    const leaver = await extraUser(t, fx, 'viewer');
    const schedule = await create(admin, 'Leaver report', {
      recipients: { user_ids: [leaver.id, fx.users.admin.id], emails: ['boss@outside.example.com'] },
    });
    expectStatus(await api.call('DELETE', `/users/${leaver.id}`, admin), 204);
    await makeDue(schedule.id, 5);
    expect((await api.ok<{ due: number }>('POST', '/reports/run-scheduled', admin)).due).toBe(1);
    const [mail] = await mailsNamed('Leaver report');
    expect(mail!.to).toEqual(expect.arrayContaining([fx.users.admin.email, 'boss@outside.example.com']));
    expect(mail!.to).not.toContain(leaver.email);
  });

  it('keeps an owed report due through an edit, and moves an upcoming one only when its rule changes', async () => {
    const due = await create(admin, 'Owed report');
    await makeDue(due.id, 10);
    const seen = (await api.ok<Schedule>('GET', `/reports/scheduled/${due.id}`, admin)).next_run_at;
    const renamed = await api.ok<Schedule>('PUT', `/reports/scheduled/${due.id}`, admin, {
      name: 'Owed report, renamed',
      hour: 9,
    });
    expect(renamed.next_run_at).toBe(seen);
    expect((await api.ok<{ due: number }>('POST', '/reports/run-scheduled', admin)).due).toBe(1);
    expect(await mailsNamed('Owed report, renamed')).toHaveLength(1);

    const upcoming = await create(admin, 'Upcoming report');
    const kept = await api.ok<Schedule>('PUT', `/reports/scheduled/${upcoming.id}`, admin, {
      name: 'Renamed',
    });
    expect(kept.next_run_at).toBe(upcoming.next_run_at);
    const moved = await api.ok<Schedule>('PUT', `/reports/scheduled/${upcoming.id}`, admin, { hour: 9 });
    expect(new Date(moved.next_run_at).getUTCHours()).toBe(9);
  });

  it('moves upcoming runs to the new time zone when the tenant changes it; an owed one stays due', async () => {
    const upcoming = await create(admin, 'Zoned report');
    expect(new Date(upcoming.next_run_at).getUTCHours()).toBe(8);
    const owed = await create(admin, 'Owed through the move');
    await makeDue(owed.id, 3);
    const owedAt = (await api.ok<Schedule>('GET', `/reports/scheduled/${owed.id}`, admin)).next_run_at;

    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { time_zone: 'Asia/Tashkent' } });
    const moved = await api.ok<Schedule>('GET', `/reports/scheduled/${upcoming.id}`, admin);
    // 08:00 in Tashkent (UTC+5) is 03:00 UTC, at most a day ahead.
    expect(moved.time_zone).toBe('Asia/Tashkent');
    expect(new Date(moved.next_run_at).getUTCHours()).toBe(3);
    expect(new Date(moved.next_run_at).getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect((await api.ok<Schedule>('GET', `/reports/scheduled/${owed.id}`, admin)).next_run_at).toBe(owedAt);

    // Another tenant's zone is its own affair; a platform super admin's change moves them as well.
    const elsewhere = await create(other.users.admin.auth, 'Other zone', {
      recipients: { emails: ['other@outside.example.com'] },
    });
    const root = (await superAdminFixture(t)).auth;
    await api.ok('PUT', `/tenants/${fx.tenantId}`, root, { settings: { time_zone: 'UTC' } });
    const back = await api.ok<Schedule>('GET', `/reports/scheduled/${upcoming.id}`, admin);
    expect(new Date(back.next_run_at).getUTCHours()).toBe(8);
    const untouched = await api.ok<Schedule>(
      'GET',
      `/reports/scheduled/${elsewhere.id}`,
      other.users.admin.auth,
    );
    expect(untouched.next_run_at).toBe(elsewhere.next_run_at);
  });

  it("never lets a suspended tenant's due schedules hold up another tenant's", async () => {
    const stuck = await create(other.users.admin.auth, 'Suspended report', {
      recipients: { emails: ['other@outside.example.com'] },
    });
    const waiting = await create(admin, 'Waiting report');
    await makeDue(stuck.id, 120);
    await makeDue(waiting.id, 60);
    await t.database.db.withSystem((tx) =>
      tx.sql.query(`update tenants set status = 'suspended' where id = $1`, [other.tenantId]),
    );
    // One schedule per pass: the older, suspended one would take every pass.
    const deps = { ...reportDeps(t.app.platform), system: t.app.platform.system };
    const runs = await runDueSchedules(deps, 1);
    expect(runs.map((r) => r.scheduleId)).toEqual([waiting.id]);
    expect(await mailsNamed('Suspended report')).toHaveLength(0);
  });
});
