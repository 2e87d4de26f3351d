import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { client, expectStatus, extraUser, type Headers } from './helpers.js';
import { addDays, insightsApp, monthDay } from './insights-fixtures.js';
import { waitForRun } from '../reports/helpers.js';
import { generateReport } from './insights-report-helpers.js';
import { buildWorld, type World } from './insights-world.js';

const TYPES = [
  'success.health_summary',
  'success.csat_analysis',
  'success.customer_overview',
  'success.executive_summary',
] as const;

/** Every success report type in PDF, XLSX and CSV; permissions, parameters and schedules. */
describe('success reports: formats, permissions, parameters, schedules', () => {
  let t: TestApp;
  let w: World;
  let admin: Headers;
  const api = () => client(t);

  beforeAll(async () => {
    t = await insightsApp(true);
    w = await buildWorld(t);
    admin = w.fx.users.admin.auth;
  }, 120_000);
  afterAll(() => t?.close());

  it('lists the four types with their parameter schemas', async () => {
    const { report_types } = await api().ok<{ report_types: { key: string; formats: string[] }[] }>(
      'GET',
      '/reports/types',
      admin,
    );
    for (const key of TYPES)
      expect(report_types.find((r) => r.key === key)).toMatchObject({ formats: ['pdf', 'xlsx', 'csv'] });
  });

  it('renders each type as PDF (with charts), XLSX and CSV', async () => {
    for (const type of TYPES) {
      const pdf = await generateReport(t, admin, type, 'pdf');
      expect(pdf.file.subarray(0, 5).toString('latin1'), type).toBe('%PDF-');
      expect(pdf.file.length).toBeGreaterThan(5_000);
      const xlsx = await generateReport(t, admin, type, 'xlsx');
      expect(xlsx.file.subarray(0, 2).toString('latin1'), type).toBe('PK');
      const csv = await generateReport(t, admin, type, 'csv');
      expect(csv.text.length, type).toBeGreaterThan(100);
      expect(csv.run.row_count, type).toBeGreaterThan(0);
    }
  }, 180_000);

  it('needs reports:generate and the type’s permission (health:read, csat:read, success_dashboard:read)', async () => {
    await api().ok(
      'POST',
      '/roles',
      admin,
      {
        key: 'dash_only',
        name: 'Dashboard only',
        level: 50,
        permissions: ['reports:generate', 'reports:read', 'success_dashboard:read'],
      },
      201,
    );
    const dash = (await extraUser(t, w.fx, 'dash_only')).auth;
    const request = (auth: Headers, type: string) =>
      api().call('POST', '/reports/generate', auth, { report_type: type, format: 'csv', parameters: {} });
    expectStatus(await request(dash, 'success.health_summary'), 403, 'FORBIDDEN');
    expectStatus(await request(dash, 'success.csat_analysis'), 403, 'FORBIDDEN');
    const queued: [Headers, string][] = [];
    for (const type of ['success.executive_summary', 'success.customer_overview'])
      queued.push([dash, expectStatus(await request(dash, type), 202).json<{ id: string }>().id]);
    for (const role of ['agent', 'viewer'] as const)
      for (const type of TYPES) {
        const auth = w.fx.users[role].auth;
        queued.push([auth, expectStatus(await request(auth, type), 202).json<{ id: string }>().id]);
      }
    for (const [auth, id] of queued) expect((await waitForRun(t, auth, id)).status).toBe('completed');
  });

  it('refuses bad parameters before queueing (422 under /body/parameters)', async () => {
    const cases: [string, object, string][] = [
      ['success.health_summary', { from: w.today, to: monthDay(2, 1) }, '/body/parameters/from'],
      ['success.health_summary', { from: addDays(w.today, -800), to: w.today }, '/body/parameters/from'],
      ['success.health_summary', { interval: 'day' }, '/body/parameters/interval'],
      ['success.csat_analysis', { period: 'last_year' }, '/body/parameters/period'],
      ['success.csat_analysis', { from: 'yesterday' }, '/body/parameters/from'],
      ['success.customer_overview', { status: 'gone' }, '/body/parameters/status'],
      ['success.customer_overview', { account_manager_id: 'nobody' }, '/body/parameters/account_manager_id'],
      ['success.executive_summary', { top: 0 }, '/body/parameters/top'],
      ['success.executive_summary', { renewal_days: 366 }, '/body/parameters/renewal_days'],
      ['success.executive_summary', { days: 30 }, '/body/parameters/days'],
    ];
    for (const [type, parameters, pointer] of cases) {
      const res = expectStatus(
        await api().call('POST', '/reports/generate', admin, {
          report_type: type,
          format: 'pdf',
          parameters,
        }),
        422,
      );
      expect(
        res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path),
        `${type} ${JSON.stringify(parameters)}`,
      ).toContain(pointer);
    }
  });

  it('schedules every type: report_type, frequency (daily, weekly, monthly, quarterly), recipients and filters as parameters', async () => {
    const schedule = (report_type: string, frequency: string, extra: object) =>
      api().ok<{ id: string; frequency: string; next_run_at: string; parameters: object }>(
        'POST',
        '/reports/scheduled',
        admin,
        {
          name: `${report_type} ${frequency}`,
          report_type,
          format: 'pdf',
          frequency,
          hour: 8,
          recipients: { user_ids: [w.fx.users.national_manager.id], emails: ['cs-team@example.test'] },
          ...extra,
        },
        201,
      );
    const daily = await schedule('success.health_summary', 'daily', {
      parameters: { period: 'last_30_days' },
    });
    const weekly = await schedule('success.csat_analysis', 'weekly', {
      weekday: 1,
      parameters: { period: 'last_7_days' },
    });
    const monthly = await schedule('success.customer_overview', 'monthly', {
      day_of_month: 1,
      parameters: { status: 'at_risk' },
    });
    const quarterly = await schedule('success.executive_summary', 'quarterly', {
      day_of_month: 1,
      parameters: { renewal_days: 90 },
    });
    expect(quarterly).toMatchObject({ frequency: 'quarterly', parameters: { renewal_days: 90 } });
    for (const s of [daily, weekly, monthly, quarterly])
      expect(Date.parse(s.next_run_at)).toBeGreaterThan(Date.now());
    // A schedule's parameters are checked as a request's.
    expectStatus(
      await api().call('POST', '/reports/scheduled', admin, {
        name: 'bad',
        report_type: 'success.executive_summary',
        format: 'pdf',
        frequency: 'quarterly',
        day_of_month: 1,
        hour: 8,
        recipients: { emails: ['cs-team@example.test'] },
        parameters: { top: 99 },
      }),
      422,
    );
  });
});
