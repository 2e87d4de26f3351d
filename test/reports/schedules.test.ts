import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRunAfter } from '../../src/modules/reports/next-run.js';
import { renderReport } from '../../src/platform/reports/index.js';
import { extractText } from 'unpdf';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { startSmtp } from '../identity/smtp.js';
import { client, createOutlet, expectStatus, type Headers } from '../field/helpers.js';
import { completedVisit, reportsApp } from './helpers.js';

type Schedule = { id: string; next_run_at: string; is_active: boolean; time_zone: string };
type Problem = { code: string; errors?: { path: string }[] };

describe('reports: next run across daylight-saving changes', () => {
  const berlin = 'Europe/Berlin';
  it('keeps the wall-clock hour in the tenant zone', () => {
    const daily8 = { frequency: 'daily' as const, hour: 8 };
    // Before the spring change 08:00 is 07:00 UTC, after it 06:00 UTC.
    expect(nextRunAfter(daily8, berlin, new Date('2027-03-27T07:30:00Z')).toISOString()).toBe(
      '2027-03-28T06:00:00.000Z',
    );
    expect(nextRunAfter(daily8, berlin, new Date('2027-10-30T07:30:00Z')).toISOString()).toBe(
      '2027-10-31T07:00:00.000Z',
    );
    // 02:00 on the autumn day happens twice: the first one.
    expect(
      nextRunAfter({ frequency: 'daily', hour: 2 }, berlin, new Date('2027-10-30T12:00:00Z')).toISOString(),
    ).toBe('2027-10-31T00:00:00.000Z');
    // Monthly on the 31st runs on the last day of a short month.
    expect(
      nextRunAfter(
        { frequency: 'monthly', dayOfMonth: 31, hour: 9 },
        'UTC',
        new Date('2027-02-01T00:00:00Z'),
      ).toISOString(),
    ).toBe('2027-02-28T09:00:00.000Z');
    expect(
      nextRunAfter(
        { frequency: 'quarterly', dayOfMonth: 1, hour: 6 },
        'UTC',
        new Date('2027-01-01T07:00:00Z'),
      ).toISOString(),
    ).toBe('2027-04-01T06:00:00.000Z');
  });

  it('puts more rows on more pages', async () => {
    const header = { title: 'T', tenant: 'X', period: 'p', generatedAt: new Date(), timeZone: 'UTC' };
    const pages = async (n: number) => {
      const rows = Array.from({ length: n }, (_, i) => ({ n: i }));
      const pdf = await renderReport('pdf', header, {
        period: 'p',
        sections: [{ key: 's', title: 'S', columns: [{ key: 'n', label: 'N', kind: 'integer' }], rows }],
      }).toArray();
      return (await extractText(new Uint8Array(Buffer.concat(pdf)))).totalPages;
    };
    const small = await pages(10);
    const large = await pages(300);
    expect(large).toBeGreaterThan(small + 5);
  });
});

describe('reports: schedules', () => {
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
    fx = await identityFixture(t, 'sched');
    other = await identityFixture(t, 'otherco');
    admin = fx.users.admin.auth;
    await api
      .ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { time_zone: 'Europe/Berlin' } })
      .catch(() => undefined);
    const outlet = await createOutlet(t, admin);
    await completedVisit(t, fx.users.agent.auth, outlet, new Date().toISOString().slice(0, 10));
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const body = (change: object = {}) => ({
    name: 'Daily visits',
    report_type: 'field.visit_summary',
    format: 'pdf',
    frequency: 'daily',
    hour: 8,
    parameters: { period: 'last_7_days' },
    recipients: { user_ids: [fx.users.admin.id], emails: ['boss@outside.example.com'] },
    ...change,
  });

  it('creates, reads, changes, pauses and deletes a schedule, showing the next run', async () => {
    const created = await api.ok<Schedule>('POST', '/reports/scheduled', admin, body(), 201);
    expect(new Date(created.next_run_at).getTime()).toBeGreaterThan(Date.now());
    expect((await api.ok<Schedule>('GET', `/reports/scheduled/${created.id}`, admin)).id).toBe(created.id);
    const weekly = await api.ok<Schedule & { weekday: number }>(
      'PUT',
      `/reports/scheduled/${created.id}`,
      admin,
      {
        frequency: 'weekly',
        weekday: 3,
      },
    );
    expect(weekly.weekday).toBe(3);
    const paused = await api.ok<Schedule>('PUT', `/reports/scheduled/${created.id}/toggle`, admin);
    expect(paused.is_active).toBe(false);
    const list = await api.ok<{ scheduled_reports: Schedule[] }>('GET', '/reports/scheduled', admin);
    expect(list.scheduled_reports.map((s) => s.id)).toContain(created.id);
    expectStatus(await api.call('GET', `/reports/scheduled/${created.id}`, other.users.admin.auth), 404);
    expectStatus(await api.call('DELETE', `/reports/scheduled/${created.id}`, other.users.admin.auth), 404);
    expectStatus(await api.call('DELETE', `/reports/scheduled/${created.id}`, admin), 204);
    expectStatus(await api.call('GET', `/reports/scheduled/${created.id}`, admin), 404);
  });

  it('refuses bad schedules with a problem document and writes nothing', async () => {
    const before = (await api.ok<{ total: number }>('GET', '/reports/scheduled', admin)).total;
    const email = expectStatus(
      await api.call(
        'POST',
        '/reports/scheduled',
        admin,
        body({ recipients: { emails: ['not-an-address'] } }),
      ),
      422,
    );
    expect(email.json<Problem>().errors![0]!.path).toContain('/body/recipients/emails');
    expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ report_type: 'x' })),
      422,
      'UNKNOWN_REPORT_TYPE',
    );
    expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ format: 'doc' })),
      422,
      'UNSUPPORTED_REPORT_FORMAT',
    );
    expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ parameters: { period: 1 } })),
      422,
      'VALIDATION_FAILED',
    );
    expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ frequency: 'weekly' })),
      422,
      'VALIDATION_FAILED',
    );
    expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ recipients: {} })),
      422,
      'VALIDATION_FAILED',
    );
    expect((await api.ok<{ total: number }>('GET', '/reports/scheduled', admin)).total).toBe(before);
  });

  it('refuses an hour the tenant clock skips (daylight-saving gap)', async () => {
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `update tenants set settings = settings || '{"time_zone":"Europe/Berlin"}' where id = $1`,
        [fx.tenantId],
      ),
    );
    const gap = expectStatus(
      await api.call('POST', '/reports/scheduled', admin, body({ hour: 2 })),
      422,
      'NONEXISTENT_LOCAL_TIME',
    );
    expect(gap.json<Problem>().errors![0]!.path).toBe('/body/hour');
    const ok = await api.ok<Schedule>('POST', '/reports/scheduled', admin, body({ hour: 3 }), 201);
    expect(ok.time_zone).toBe('Europe/Berlin');
    expectStatus(await api.call('DELETE', `/reports/scheduled/${ok.id}`, admin), 204);
  });

  it('allows scheduling to managers only', async () => {
    expectStatus(await api.call('POST', '/reports/scheduled', fx.users.agent.auth, body()), 403);
    expectStatus(await api.call('POST', '/reports/scheduled', fx.users.viewer.auth, body()), 403);
    expectStatus(await api.call('POST', '/reports/run-scheduled', fx.users.agent.auth), 403);
    expectStatus(await api.call('GET', '/reports/scheduled', fx.users.agent.auth), 200);
  });

  it('runs a due schedule exactly once with two callers at once and mails it as an attachment', async () => {
    const schedule = await api.ok<Schedule>(
      'POST',
      '/reports/scheduled',
      admin,
      body({ name: 'Due now' }),
      201,
    );
    await t.database.db.withSystem((tx) =>
      tx.sql.query(`update report_schedules set next_run_at = now() - interval '1 minute' where id = $1`, [
        schedule.id,
      ]),
    );
    const [a, b] = await Promise.all([
      api.ok<{ due: number; generated: number }>('POST', '/reports/run-scheduled', admin),
      api.ok<{ due: number; generated: number }>(
        'POST',
        '/reports/run-scheduled',
        fx.users.national_manager.auth,
      ),
    ]);
    expect(a.due + b.due).toBe(1);
    expect(a.generated + b.generated).toBe(1);
    const runs = await api.ok<{ reports: { status: string; delivery: string }[] }>(
      'GET',
      `/reports/history?schedule_id=${schedule.id}`,
      admin,
    );
    expect(runs.reports).toHaveLength(1);
    expect(runs.reports[0]!.delivery).toBe('attachment');
    const after = await api.ok<Schedule>('GET', `/reports/scheduled/${schedule.id}`, admin);
    expect(new Date(after.next_run_at).getTime()).toBeGreaterThan(Date.now());
    const [mail] = await smtp.waitFor('boss@outside.example.com', 1);
    expect(mail!.text).toMatch(/Content-Disposition: attachment;\s+filename=\S*\.pdf/i);
    expect(mail!.to).toContain(fx.users.admin.email);
    // Nothing more is due.
    expect((await api.ok<{ due: number }>('POST', '/reports/run-scheduled', admin)).due).toBe(0);
  });
});
