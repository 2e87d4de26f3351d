import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { AlertList, JobRun } from '../notify/helpers.js';
import { type Listed, type Row } from './accounts-helpers.js';
import { client, expectStatus, uniq, type Headers } from './helpers.js';
import { insightsApp } from './insights-fixtures.js';
import { day, expectInvalid, formLogin, formPost, waitForJob } from './spec-api-script-helpers.js';

/*
 * The specification's API test script (`backend/test_api.py`) through this API, steps 1–3, 6, 9
 * and 10: the script only reads a seeded database; here each step creates what it reads and
 * checks the figures. Every route the script calls exists here; the answers differ in shape:
 * `GET /customers` items carry `name` (the script's `company_name`), and `GET /auth/me` gives
 * `roles` (a list) where the script prints `role`. Steps 4, 5 and 7 (customer detail, alerts,
 * CSAT) are in spec-api-script-csat.test.ts; 8 and 11–14 (dashboard, users, scheduled reports,
 * manager and viewer) in spec-api-script-insights.test.ts.
 */
describe(
  'specification API script: sign-in, customers, deployments, interactions, health',
  { timeout: 300_000 },
  () => {
    let t: TestApp;
    let fx: IdentityFixture;
    let api: ReturnType<typeof client>;
    let admin: Headers;
    let agent: Headers;
    const ids = {} as Record<'alpha' | 'beta' | 'gamma' | 'monetx' | 'supportx' | 'legacy' | 'run', string>;

    beforeAll(async () => {
      // Workers on: calculate-all is a job, run by a worker as in production.
      t = await insightsApp(true);
      api = client(t);
      fx = await identityFixture(t, 'script');
      agent = fx.users.agent.auth;
    }, 120_000);
    afterAll(() => t?.close());

    it('1–2. signs in with JSON and with the OAuth2 form, and answers GET /auth/me', async () => {
      const json = await api.ok<Row>(
        'POST',
        '/auth/login',
        {},
        { email: fx.users.admin.email, password: FIXTURE_PASSWORD },
      );
      expect(json).toMatchObject({
        token_type: 'bearer',
        expires_in: 900,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        user: { id: fx.users.admin.id, roles: ['admin'], scope: 'tenant' },
      });
      // The script's login: `data={"username": …, "password": …}`, a form post.
      const form = await formLogin(t, fx.users.admin.email);
      admin = form.auth;
      const wrong = await formPost(t, { username: fx.users.admin.email, password: 'Wrong-pass1' });
      expectStatus(wrong, 401, 'INVALID_CREDENTIALS');

      const me = await api.ok<Row & { permissions: string[] }>('GET', '/auth/me', admin);
      expect(me).toMatchObject({
        id: fx.users.admin.id,
        tenant_id: fx.tenantId,
        email: fx.users.admin.email,
        roles: ['admin'],
        scope: 'tenant',
        status: 'active',
      });
      expect(me.permissions).toEqual(
        expect.arrayContaining(['customers:write', 'deployments:write', 'health:calculate', 'csat:links']),
      );
      expectStatus(await api.call('GET', '/auth/me', {}), 401);
    });

    it('3. creates, lists, reads, updates and archives customers', async () => {
      const create = (body: object) =>
        api.ok<Row>('POST', '/customers', admin, { code: uniq('CU'), ...body }, 201);
      const alpha = await create({
        name: 'Alpha Telecom',
        industry: 'Telecom',
        owner_id: fx.users.agent.id,
        contract_start: day(-100),
        contract_end: day(60),
        contract_value: '12000.00',
        currency: 'USD',
      });
      expect(alpha).toMatchObject({
        status: 'active',
        is_customer: true,
        health_score: null,
        archived_at: null,
      });
      ids.alpha = alpha.id;
      ids.beta = (await create({ name: 'Beta Retail', industry: 'Retail' })).id;
      ids.gamma = (
        await create({ name: 'Gamma Health', owner_id: fx.users.agent.id, status: 'onboarding' })
      ).id;
      const bad = await api.call('POST', '/customers', admin, {
        code: uniq('CU'),
        name: 'Backwards',
        contract_start: day(10),
        contract_end: day(1),
      });
      expectInvalid(bad, '/body/contract_end');

      const list = await api.ok<Listed & { customers: Row[] }>('GET', '/customers', admin);
      expect(list.total).toBe(3);
      expect(list.customers.map((c) => [c.name, c.status])).toEqual([
        ['Alpha Telecom', 'active'],
        ['Beta Retail', 'active'],
        ['Gamma Health', 'onboarding'],
      ]);
      expect(await api.ok('GET', `/customers/${ids.alpha}`, agent)).toMatchObject({
        name: 'Alpha Telecom',
        owner_id: fx.users.agent.id,
        contract_end: day(60),
        contract_value: '12000.00',
      });
      const changed = await api.ok<Row>('PUT', `/customers/${ids.beta}`, admin, {
        industry: 'E-commerce',
        contract_value: '500.00',
      });
      expect(changed).toMatchObject({
        industry: 'E-commerce',
        contract_value: '500.00',
        name: 'Beta Retail',
      });
      // Account managers read their customers but do not change the catalogue.
      expectStatus(await api.call('PUT', `/customers/${ids.alpha}`, agent, { industry: 'x' }), 403);

      // The specification's "soft delete (churn)": archived and churned, out of the default list.
      expectStatus(await api.call('DELETE', `/customers/${ids.beta}`, admin), 204);
      const beta = await api.ok<Row>('GET', `/customers/${ids.beta}`, admin);
      expect(beta.status).toBe('churned');
      expect(beta.archived_at).toEqual(expect.any(String));
      expect((await api.ok<Listed>('GET', '/customers', admin)).total).toBe(2);
      const archived = await api.ok<{ customers: Row[] }>('GET', '/customers?archived=true', admin);
      expect(archived.customers.map((c) => c.id)).toEqual([ids.beta]);
    });

    it('10. deployments: create, list, stats, expiring, by product, update, deactivate', async () => {
      const deploy = (body: object) =>
        api.ok<Row>('POST', '/deployments', admin, { customer_id: ids.alpha, ...body }, 201);
      const monetx = await deploy({
        product_name: 'MonetX',
        environment: 'cloud',
        licence_type: 'subscription',
        deployment_date: day(-100),
        licence_expiry: day(20),
      });
      expect(monetx).toMatchObject({
        customer_name: 'Alpha Telecom',
        product_name: 'MonetX',
        is_active: true,
        licence_expiry: day(20),
        created_by: fx.users.admin.id,
      });
      ids.monetx = monetx.id;
      ids.supportx = (
        await deploy({ product_name: 'SupportX', environment: 'on_premise', licence_expiry: day(200) })
      ).id;
      ids.legacy = (await deploy({ product_name: 'LegacyX', environment: 'hybrid' })).id;
      const early = await api.call('POST', '/deployments', admin, {
        customer_id: ids.alpha,
        product_name: 'X',
        deployment_date: day(0),
        licence_expiry: day(-1),
      });
      expectInvalid(early, '/body/licence_expiry');

      const all = await api.ok<Listed & { deployments: Row[] }>('GET', '/deployments', admin);
      expect(all.total).toBe(3);
      expect(all.deployments.every((d) => d.customer_name === 'Alpha Telecom')).toBe(true);

      const updated = await api.ok<Row>('PUT', `/deployments/${ids.supportx}`, admin, { version: '5.1' });
      expect(updated).toMatchObject({ version: '5.1', product_name: 'SupportX', environment: 'on_premise' });
      // Deactivation (the specification's DELETE) keeps the row, frozen.
      expectStatus(await api.call('DELETE', `/deployments/${ids.legacy}`, admin), 204);
      const legacy = await api.ok<Row>('GET', `/deployments/${ids.legacy}`, admin);
      expect(legacy).toMatchObject({ is_active: false, deactivated_at: legacy.updated_at });
      const frozen = await api.call('PUT', `/deployments/${ids.legacy}`, admin, { version: '2' });
      expectStatus(frozen, 409, 'DEPLOYMENT_INACTIVE');

      expect(await api.ok('GET', `/deployments/stats?customer_id=${ids.alpha}`, admin)).toMatchObject({
        total: 3,
        active: 2,
        inactive: 1,
        by_product: expect.arrayContaining([{ product_name: 'LegacyX', total: 1, active: 0 }]),
        by_environment: expect.arrayContaining([{ environment: 'on_premise', total: 1, active: 1 }]),
      });
      const soon = await api.ok<{ deployments: Row[] }>('GET', '/deployments/expiring?days=30', admin);
      expect(soon.deployments.map((d) => [d.id, d.days_left, d.expired])).toEqual([[ids.monetx, 20, false]]);
      const year = await api.ok<{ deployments: Row[] }>('GET', '/deployments/expiring?days=365', admin);
      expect(year.deployments.map((d) => d.id)).toEqual([ids.monetx, ids.supportx]);
      const byProduct = await api.ok<Listed & { deployments: Row[] }>(
        'GET',
        '/deployments/by-product/monetx',
        admin,
      );
      expect([byProduct.total, byProduct.deployments.map((d) => d.id)]).toEqual([1, [ids.monetx]]);
    });

    it('6. interactions: log, list, summary, pending follow-ups; an escalation raises an alert', async () => {
      const log = (auth: Headers, body: object) =>
        api.ok<Row>('POST', '/interactions', auth, { customer_id: ids.alpha, ...body }, 201);
      const meeting = await log(agent, {
        interaction_type: 'meeting',
        subject: 'QBR',
        sentiment: 'positive',
      });
      expect(meeting).toMatchObject({ performed_by: fx.users.agent.id, customer_name: 'Alpha Telecom' });
      await log(admin, { interaction_type: 'call', subject: 'Renewal call' });
      const ticket = await log(admin, {
        interaction_type: 'support_ticket',
        subject: 'Billing export fails',
        sentiment: 'negative',
        deployment_id: ids.monetx,
        follow_up_date: day(3),
      });
      expect(ticket).toMatchObject({
        follow_up_required: true,
        follow_up_date: day(3),
        deployment_id: ids.monetx,
      });
      const escalation = await log(admin, {
        interaction_type: 'escalation',
        subject: 'Outage',
        description: 'Billing down for two hours',
      });
      const contradictory = await api.call('POST', '/interactions', admin, {
        customer_id: ids.alpha,
        interaction_type: 'call',
        subject: 'x',
        follow_up_required: false,
        follow_up_date: day(1),
      });
      expectInvalid(contradictory, '/body/follow_up_date');

      expect((await api.ok<Listed>('GET', '/interactions', admin)).total).toBe(4);
      const escalations = await api.ok<{ interactions: Row[] }>(
        'GET',
        `/interactions/customer/${ids.alpha}?interaction_type=escalation`,
        agent,
      );
      expect(escalations.interactions.map((i) => i.id)).toEqual([escalation.id]);
      expect(await api.ok('GET', `/interactions/summary?customer_id=${ids.alpha}`, admin)).toEqual({
        date_from: day(-29),
        date_to: day(0),
        total: 4,
        by_type: { support_ticket: 1, meeting: 1, email: 0, call: 1, escalation: 1, training: 0 },
        by_sentiment: { positive: 1, neutral: 2, negative: 1 },
        follow_ups_pending: 1,
      });
      const pending = await api.ok<{ interactions: Row[] }>('GET', '/interactions/pending-followups', agent);
      expect(pending.interactions.map((i) => [i.id, i.follow_up_status, i.days_overdue])).toEqual([
        [ticket.id, 'upcoming', -3],
      ]);
      const alerts = await api.ok<AlertList>(
        'GET',
        `/alerts?customer_id=${ids.alpha}&type=escalation`,
        agent,
      );
      expect(alerts.alerts.map((a) => [a.type, a.severity, a.title])).toEqual([
        ['escalation', 'high', 'Escalation at Alpha Telecom: Outage'],
      ]);
    });

    it('9. health: one customer calculated and read, history, distribution, at risk, then calculate-all to its end', async () => {
      const score = await api.ok<Row & { factors: Record<string, unknown> }>(
        'POST',
        `/health-scores/calculate/${ids.alpha}`,
        admin,
        undefined,
        201,
      );
      // Adoption 70 (MonetX, SupportX active; LegacyX not), support 100 − 2 − 10 − 5 = 83,
      // engagement 15 + 10 = 25, financial 50 (60 days left): 14 + 24.9 + 6.25 + 12.5 = 57.65 → 57.
      expect(score).toMatchObject({
        customer_id: ids.alpha,
        deployment_id: null,
        overall_score: 57,
        adoption_score: 70,
        support_score: 83,
        engagement_score: 25,
        financial_score: 50,
        risk_level: 'high',
        trend: 'stable',
        calculated_by: fx.users.admin.id,
      });
      expect(score.factors).toMatchObject({
        adoption: { active_products: 2, products: ['MonetX', 'SupportX'], new_contract_bonus: false },
        support: { support_tickets: 1, escalations: 1, negative: 1, score: 83 },
        engagement: { meetings: 1, calls: 1, emails: 0, trainings: 0, score: 25 },
        financial: { contract_end: day(60), days_to_end: 60, expired: false, score: 50 },
      });
      // The score is kept on the customer, and high risk moves an active customer to at_risk.
      expect(await api.ok('GET', `/customers/${ids.alpha}`, admin)).toMatchObject({
        status: 'at_risk',
        health_score: 57,
        health_risk: 'high',
      });
      expect((await api.ok<Row>('GET', `/health-scores/customer/${ids.alpha}`, agent)).id).toBe(score.id);
      expectStatus(
        await api.call('GET', `/health-scores/customer/${ids.gamma}`, admin),
        404,
        'HEALTH_SCORE_NOT_FOUND',
      );
      expect(await api.ok('GET', '/health-scores/distribution', admin)).toMatchObject({
        total: 1,
        average_score: 57,
        risk: { low: 0, medium: 0, high: 1, critical: 0 },
      });

      const queued = await api.ok<JobRun>('POST', '/health-scores/calculate-all', admin, undefined, 202);
      expect(queued).toMatchObject({
        job_name: 'success.health-calculate-all',
        status: 'queued',
        trigger: 'manual',
      });
      ids.run = queued.id;
      const run = await waitForJob(t, admin, `/health-scores/calculate-all/${queued.id}`);
      expect(run).toMatchObject({ id: queued.id, status: 'succeeded', error: null });

      // Every current account was scored: Gamma (nothing deployed, no contract end) 30 + 12.5 → 42.
      expect(await api.ok('GET', `/health-scores/customer/${ids.gamma}`, admin)).toMatchObject({
        overall_score: 42,
        adoption_score: 0,
        support_score: 100,
        engagement_score: 0,
        financial_score: 50,
        risk_level: 'high',
      });
      const history = await api.ok<{ health_scores: Row[]; total: number }>(
        'GET',
        `/health-scores/customer/${ids.alpha}/history`,
        admin,
      );
      expect(history.total).toBe(2);
      expect(history.health_scores.map((h) => h.overall_score)).toEqual([57, 57]);
      expect(history.health_scores[1]!.id).toBe(score.id); // newest first
      const distribution = await api.ok<{ buckets: { range: string; count: number }[] }>(
        'GET',
        '/health-scores/distribution',
        admin,
      );
      expect(distribution).toMatchObject({ total: 2, average_score: 49.5, risk: { high: 2 } });
      expect(distribution.buckets.map((b) => [b.range, b.count])).toEqual([
        ['0-19', 0],
        ['20-39', 0],
        ['40-59', 2],
        ['60-79', 0],
        ['80-100', 0],
      ]);
      const atRisk = await api.ok<{ customers: Row[]; total: number }>(
        'GET',
        '/health-scores/at-risk',
        admin,
      );
      expect(atRisk.customers.map((c) => [c.customer_name, c.overall_score, c.customer_status])).toEqual([
        ['Gamma Health', 42, 'at_risk'],
        ['Alpha Telecom', 57, 'at_risk'],
      ]);
      const trends = await api.ok<{ periods: Row[] }>('GET', '/health-scores/trends', admin);
      expect(trends.periods.at(-1)).toMatchObject({ period: day(0), customers: 2, average_score: 49.5 });
      // A high-risk score raises a health-drop alert: Alpha's at once, Gamma's by the run.
      const drops = await api.ok<AlertList>('GET', '/alerts?type=health_drop&severity=high', agent);
      expect(drops.alerts.map((a) => a.customer_id).sort()).toEqual([ids.alpha, ids.gamma].sort());
      // Calculating is a manager's; reading everyone's.
      expectStatus(await api.call('POST', `/health-scores/calculate/${ids.alpha}`, agent), 403);
      expectStatus(await api.call('POST', '/health-scores/calculate-all', agent), 403);
    });

    it('keeps every record inside its tenant', async () => {
      const other = await identityFixture(t, 'script-other');
      const outsider = other.users.admin.auth;
      for (const url of [
        `/customers/${ids.alpha}`,
        `/deployments/${ids.monetx}`,
        `/health-scores/customer/${ids.alpha}`,
        `/csat/customer/${ids.alpha}/summary`,
        `/interactions/customer/${ids.alpha}`,
      ])
        expectStatus(await api.call('GET', url, outsider), 404);
      expectStatus(
        await api.call('GET', `/health-scores/calculate-all/${ids.run}`, outsider),
        404,
        'JOB_RUN_NOT_FOUND',
      );
      for (const url of ['/customers', '/deployments', '/interactions', '/csat', '/alerts'])
        expect((await api.ok<Listed>('GET', url, outsider)).total, url).toBe(0);
    });
  },
);
