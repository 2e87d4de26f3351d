import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { FIXTURE_ROLES, type IdentityFixture } from '../identity/fixtures.js';
import type { AlertList } from '../notify/helpers.js';
import { download, waitForRun, type Run } from '../reports/helpers.js';
import type { Row } from './accounts-helpers.js';
import { client, expectStatus, type Headers } from './helpers.js';
import { insightsApp } from './insights-fixtures.js';
import { csvSections } from './insights-report-helpers.js';
import { day, expectStatuses, formLogin, scriptWorld, type WorldIds } from './spec-api-script-helpers.js';

/*
 * The specification's API test script (`backend/test_api.py`), steps 8 and 11–14, through this
 * API: the dashboard, users, reports (generated, followed and downloaded) and their schedules, and
 * the sign-ins of a manager and a viewer with what each may do. The script's flat dashboard
 * figures (`total_customers`, `active_customers`, `at_risk_customers`, `average_health_score`)
 * are `customers.total`, `customers.by_status.active`, `health.at_risk` and `health.average`
 * here; its users carry `role`, here `roles`; its schedules list is `{reports: [{report_name}]}`,
 * here `{scheduled_reports: [{name}]}`. The specification's "manager" is a national manager
 * (managers' permissions, the whole tenant in scope).
 */
describe(
  'specification API script: dashboard, users, reports, manager and viewer',
  { timeout: 300_000 },
  () => {
    let t: TestApp;
    let fx: IdentityFixture;
    let api: ReturnType<typeof client>;
    let admin: Headers;
    let ids: WorldIds;
    const usd = [{ currency: 'USD', amount: '12000.00' }];

    beforeAll(async () => {
      t = await insightsApp(true);
      api = client(t);
      ({ fx, admin, ids } = await scriptWorld(t, 'script'));
      const csat = (auth: Headers, survey_type: string, score: number) =>
        api.ok('POST', '/csat', auth, { customer_id: ids.alpha, survey_type, score }, 201);
      await csat(fx.users.agent.auth, 'quarterly', 4);
      await csat(admin, 'nps', 9);
    }, 120_000);
    afterAll(() => t?.close());

    it('8. dashboard stats, in the caller’s data scope', async () => {
      expect(await api.ok('GET', '/dashboard/stats', admin)).toEqual({
        as_of: day(0),
        time_zone: 'UTC',
        // Beta was archived: it counts as churned.
        customers: { total: 3, by_status: { onboarding: 1, active: 0, at_risk: 1, churned: 1 } },
        health: { scored: 1, average: 57, at_risk: 1 },
        // The escalation and the health drop, both on Alpha.
        alerts: { open: 2, by_severity: { low: 0, medium: 0, high: 2, critical: 0 } },
        csat: {
          days: 90,
          from: day(-89),
          csat_responses: 1,
          average_csat: 4,
          nps_responses: 1,
          promoters: 1,
          passives: 0,
          detractors: 0,
          nps: 100,
        },
        renewals: { days: 90, customers: 1, contract_value: usd },
        interactions: { days: 30, count: 2 },
        deployments: { active: 2 },
      });
      // The agent manages Alpha and Gamma; Beta has no account manager (tenant-wide roles only).
      const mine = await api.ok<{ customers: Row }>('GET', '/dashboard/stats', fx.users.agent.auth);
      expect(mine.customers).toEqual({
        total: 2,
        by_status: { onboarding: 1, active: 0, at_risk: 1, churned: 0 },
      });
    });

    it('8. the other dashboard routes', async () => {
      const get = <T = Row>(url: string) => api.ok<T>('GET', `/dashboard/${url}`, admin);
      const distribution = await get<Row & { buckets: Row[] }>('health-distribution');
      expect(distribution).toMatchObject({ scored: 1, unscored: 1, average: 57, by_risk: { high: 1 } });
      expect(distribution.buckets.map((b) => b.customers)).toEqual([0, 0, 1, 0, 0]);
      const weeks = await get<{ periods: Row[] }>('health-trends?interval=week&periods=2');
      expect(weeks.periods).toHaveLength(2);
      expect(weeks.periods[1]).toMatchObject({ customers: 1, average: 57, high: 1 });
      const months = await get<{ months: Row[] }>('csat-trends?months=1');
      expect(months.months).toEqual([
        expect.objectContaining({
          responses: 2,
          csat_responses: 1,
          average_csat: 4,
          nps_responses: 1,
          nps: 100,
        }),
      ]);
      const segments = await get<Record<string, Row[]>>('customer-segments');
      expect(segments.by_industry!.map((s) => [s.key, s.customers]).sort()).toEqual([
        ['Health', 1],
        ['Retail', 1],
        ['Telecom', 1],
      ]);
      expect(segments.by_status!.map((s) => [s.key, s.customers])).toEqual([
        ['onboarding', 1],
        ['active', 0],
        ['at_risk', 1],
        ['churned', 1],
      ]);
      const renewals = await get<{ renewals: Row[]; total: number }>('upcoming-renewals');
      expect(renewals).toMatchObject({ total: 1, contract_value: usd });
      expect(renewals.renewals[0]).toMatchObject({
        customer_id: ids.alpha,
        days_left: 60,
        health_score: 57,
        health_risk: 'high',
        account_manager: { id: fx.users.agent.id },
      });
      const activity = await get<{ activity: Row[] }>('recent-activity');
      expect(new Set(activity.activity.map((a) => a.kind))).toEqual(
        new Set(['interaction', 'csat_response', 'alert', 'health_change']),
      );
      expect((await get<{ activity: Row[] }>('recent-activity?limit=3')).activity).toHaveLength(3);
      const products = await get<{ products: Row[] }>('product-performance');
      expect(products.products.map((p) => p.product_name).sort()).toEqual(['MonetX', 'SupportX']);
      for (const product of products.products)
        expect(product).toMatchObject({
          customers: 1,
          average_health: 57,
          average_csat: 4,
          nps: 100,
          open_alerts: 2,
        });
      const managers = await get<{ account_managers: Row[] }>('account-manager-performance');
      expect(managers.account_managers).toEqual([
        expect.objectContaining({
          user_id: fx.users.agent.id,
          customers: 2,
          scored: 1,
          average_health: 57,
          at_risk: 1,
          renewals_due: 1,
          renewal_value: usd,
          interactions: 2,
        }),
      ]);
      expectStatus(await api.call('GET', '/dashboard/upcoming-renewals?days=0', admin), 422);
    });

    it('11. lists the users for an admin, not for an agent', async () => {
      const users = await api.ok<{ users: Row[]; total: number }>('GET', '/users', admin);
      expect(users.total).toBe(FIXTURE_ROLES.length);
      expect(users.users.flatMap((u) => u.roles as string[]).sort()).toEqual([...FIXTURE_ROLES].sort());
      expect(users.users.find((u) => u.id === fx.users.admin.id)).toMatchObject({
        email: fx.users.admin.email,
        status: 'active',
      });
      expectStatus(await api.call('GET', '/users', fx.users.agent.auth), 403);
    });

    it('12. reports: the types, a success report generated, followed to completed and downloaded', async () => {
      const types = await api.ok<{ report_types: Row[] }>('GET', '/reports/types', admin);
      const success = types.report_types.filter((r) => String(r.key).startsWith('success.'));
      expect(success.map((r) => [r.key, r.formats])).toEqual(
        ['health_summary', 'csat_analysis', 'customer_overview', 'executive_summary'].map((k) => [
          `success.${k}`,
          ['pdf', 'xlsx', 'csv'],
        ]),
      );
      const queued = await api.ok<Run>(
        'POST',
        '/reports/generate',
        admin,
        { report_type: 'success.health_summary', format: 'csv', parameters: { period: 'last_30_days' } },
        202,
      );
      expect(queued.status).toBe('pending');
      const run = await waitForRun(t, admin, queued.id);
      expect(run).toMatchObject({ status: 'completed', error: null, requested_by: fx.users.admin.id });
      const file = await download(t, admin, run.id);
      expect(file.headers['content-type']).toMatch(/^text\/csv/);
      const atRisk = csvSections(file.body)['At-risk customers']!;
      expect(atRisk.slice(1).map((r) => [r[1], r[3], r[4]])).toEqual([['Alpha Telecom', '57', 'high']]);
      const history = await api.ok<{ reports: Run[] }>('GET', '/reports/history', admin);
      expect(history.reports.map((r) => r.id)).toContain(run.id);
    });

    it('12–13. schedules: listed, created by a manager signed in with the form, paused', async () => {
      expect(await api.ok('GET', '/reports/scheduled', admin)).toMatchObject({
        scheduled_reports: [],
        total: 0,
      });
      const { pair, auth: manager } = await formLogin(t, fx.users.national_manager.email);
      expect(pair.user).toMatchObject({ roles: ['national_manager'], scope: 'tenant' });
      const created = await api.ok<Row>(
        'POST',
        '/reports/scheduled',
        manager,
        {
          name: 'Weekly executive summary',
          report_type: 'success.executive_summary',
          format: 'pdf',
          frequency: 'weekly',
          weekday: 1,
          hour: 8,
          recipients: { user_ids: [fx.users.admin.id], emails: ['cs-team@example.test'] },
          parameters: { renewal_days: 60 },
        },
        201,
      );
      expect(created).toMatchObject({
        frequency: 'weekly',
        is_active: true,
        parameters: { renewal_days: 60 },
      });
      expect(Date.parse(created.next_run_at as string)).toBeGreaterThan(Date.now());
      const list = await api.ok<{ scheduled_reports: Row[]; total: number }>(
        'GET',
        '/reports/scheduled',
        admin,
      );
      expect([list.total, list.scheduled_reports.map((s) => [s.name, s.frequency])]).toEqual([
        1,
        [['Weekly executive summary', 'weekly']],
      ]);
      const paused = await api.ok<Row>('PUT', `/reports/scheduled/${created.id}/toggle`, manager);
      expect(paused.is_active).toBe(false);
    });

    it('13. a manager works the customers, their deployments, scores and survey links; not the admin’s part', async () => {
      const { auth: manager } = await formLogin(t, fx.users.national_manager.email);
      const alert = (await api.ok<AlertList>('GET', `/alerts/customer/${ids.alpha}`, manager)).alerts[0]!;
      await expectStatuses(t, manager, [
        ['POST', '/customers', { code: 'MGR-1', name: 'Delta Bank', owner_id: fx.users.agent.id }, 201],
        ['POST', '/deployments', { customer_id: ids.gamma, product_name: 'MonetX' }, 201],
        ['POST', `/health-scores/calculate/${ids.gamma}`, undefined, 201],
        ['POST', '/csat/survey-link', { customer_id: ids.gamma, survey_type: 'onboarding' }, 201],
        ['PUT', `/alerts/${alert.id}/resolve`, { resolution_note: 'Called the customer' }, 200],
        [
          'PUT',
          '/health-scores/settings',
          { health_weights: { adoption: 25, support: 25, engagement: 25, financial: 25 } },
          403,
        ],
        [
          'POST',
          '/users',
          { email: 'new@script.test', password: 'Passw0rd!x', first_name: 'N', roles: ['agent'] },
          403,
        ],
        ['POST', '/alerts/run-checks', undefined, 403],
      ]);
      // Gamma now runs MonetX (adoption 40; no contract start, so no bonus): 8 + 30 + 0 + 12.5 → 50.
      expect(await api.ok('GET', `/health-scores/customer/${ids.gamma}`, manager)).toMatchObject({
        overall_score: 50,
        calculated_by: fx.users.national_manager.id,
      });
    });

    it('14. a viewer signed in with the form reads everything and changes nothing', async () => {
      const { pair, auth: viewer } = await formLogin(t, fx.users.viewer.email);
      expect(pair.user).toMatchObject({ roles: ['viewer'], scope: 'tenant' });
      await expectStatuses(t, viewer, [
        ['GET', '/dashboard/stats', undefined, 200],
        ['GET', '/deployments', undefined, 200],
        ['GET', '/health-scores/at-risk', undefined, 200],
        ['GET', '/csat', undefined, 200],
        ['GET', `/alerts/customer/${ids.alpha}`, undefined, 200],
        ['GET', '/reports/scheduled', undefined, 200],
        ['POST', '/deployments', { customer_id: ids.alpha, product_name: 'ViewerX' }, 403],
        ['POST', '/customers', { code: 'VIEW-1', name: 'Nope' }, 403],
        ['POST', '/interactions', { customer_id: ids.alpha, interaction_type: 'call', subject: 'x' }, 403],
        ['POST', '/csat', { customer_id: ids.alpha, survey_type: 'quarterly', score: 5 }, 403],
        ['POST', '/csat/survey-link', { customer_id: ids.alpha, survey_type: 'nps' }, 403],
        ['POST', `/health-scores/calculate/${ids.alpha}`, undefined, 403],
        ['POST', '/health-scores/calculate-all', undefined, 403],
        [
          'POST',
          '/reports/scheduled',
          {
            name: 'x',
            report_type: 'success.csat_analysis',
            format: 'pdf',
            frequency: 'daily',
            hour: 8,
            recipients: { emails: ['a@b.test'] },
          },
          403,
        ],
      ]);
      // A report is a read: the viewer generates one over their (tenant-wide) scope.
      const queued = await api.ok<Run>(
        'POST',
        '/reports/generate',
        viewer,
        { report_type: 'success.executive_summary', format: 'pdf', parameters: {} },
        202,
      );
      const run = await waitForRun(t, viewer, queued.id);
      expect(run.status, run.error ?? '').toBe('completed');
      expect((await download(t, viewer, run.id)).rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    });
  },
);
