import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import type { Alert, AlertList } from '../notify/helpers.js';
import { type Listed, type Row } from './accounts-helpers.js';
import { anonymous, expectProblem, type CsatResponse, type SurveyLink } from './csat-helpers.js';
import { client, expectStatus, type Headers } from './helpers.js';
import { insightsApp } from './insights-fixtures.js';
import { expectInvalid, scriptWorld, type WorldIds } from './spec-api-script-helpers.js';

/*
 * The specification's API test script (`backend/test_api.py`), steps 7, 5 and 4, through this
 * API: CSAT (recorded by a user and answered through a public survey link, beyond the script),
 * the alerts they and the world's escalation and health score raised, and the customer detail.
 * The script's `GET /customers/{id}` answers the customer with its `product_deployments`,
 * `active_alerts` and `csat_summary`; here the customer is alone and the rest are
 * `GET /deployments?customer_id=`, `GET /alerts/customer/{id}` and `GET /csat/customer/{id}/summary`.
 */
describe(
  'specification API script: CSAT and survey links, alerts, customer detail',
  { timeout: 300_000 },
  () => {
    let t: TestApp;
    let fx: IdentityFixture;
    let api: ReturnType<typeof client>;
    let admin: Headers;
    let agent: Headers;
    let ids: WorldIds;

    beforeAll(async () => {
      t = await insightsApp(true);
      api = client(t);
      ({ fx, admin, ids } = await scriptWorld(t, 'script'));
      agent = fx.users.agent.auth;
    }, 120_000);
    afterAll(() => t?.close());

    it('7. CSAT: recorded by a user, and answered once through a public survey link', async () => {
      const quarterly = await api.ok<CsatResponse>(
        'POST',
        '/csat',
        agent,
        { customer_id: ids.alpha, survey_type: 'quarterly', score: 4, feedback_text: 'Good quarter' },
        201,
      );
      expect(quarterly).toMatchObject({ submitted_by_user: fx.users.agent.id, link_id: null, score: 4 });
      await api.ok('POST', '/csat', admin, { customer_id: ids.alpha, survey_type: 'nps', score: 9 }, 201);
      const offScale = await api.call('POST', '/csat', admin, {
        customer_id: ids.alpha,
        survey_type: 'quarterly',
        score: 7,
      });
      expectInvalid(offScale, '/body/score');

      const link = await api.ok<SurveyLink & Row>(
        'POST',
        '/csat/survey-link',
        admin,
        {
          customer_id: ids.alpha,
          survey_type: 'post_ticket',
          deployment_id: ids.monetx,
          recipient_name: 'Dana Client',
          ticket_reference: 'TCK-42',
        },
        201,
      );
      expect(link.url.endsWith(`/api/v1/csat/public/survey/${link.token}`)).toBe(true);
      // Seven days by default, in whole seconds.
      expect(Date.parse(link.expires_at) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
      const visitor = anonymous(t);
      const info = expectStatus((await visitor('GET', `/csat/public/info/${link.token}`)) as never, 200);
      expect(info.json()).toEqual({
        tenant_name: expect.stringMatching(/^script /),
        question: 'How satisfied are you with the support you received?',
        scale: { min: 1, max: 5, min_label: 'Very dissatisfied', max_label: 'Very satisfied' },
      });
      // Off the link's scale: refused, and the link stays open.
      const nine = await visitor('POST', `/csat/public/submit/${link.token}`, { score: 9 });
      expectInvalid(nine as never, '/body/score');
      const answer = { score: 1, feedback_text: 'Still broken' };
      const first = await visitor('POST', `/csat/public/submit/${link.token}`, answer);
      expect(expectStatus(first as never, 201).json()).toEqual({ message: expect.any(String) });
      const again = await visitor('POST', `/csat/public/submit/${link.token}`, { score: 5 });
      expectStatus(again as never, 410, 'SURVEY_LINK_USED');

      const list = await api.ok<{ responses: CsatResponse[]; total: number }>('GET', '/csat', admin);
      expect(list.total).toBe(3);
      expect(list.responses.find((r) => r.link_id === link.id)).toMatchObject({
        survey_type: 'post_ticket',
        score: 1,
        deployment_id: ids.monetx,
        submitted_by_user: null,
        submitted_by_name: 'Dana Client',
        ticket_reference: 'TCK-42',
      });
      expect(await api.ok('GET', `/csat/customer/${ids.alpha}/summary`, agent)).toMatchObject({
        total_responses: 3,
        csat: { responses: 2, average: 2.5 },
        nps: { responses: 1, promoters: 1, passives: 0, detractors: 0, score: 100 },
      });
      expect(await api.ok('GET', '/csat/analytics', admin)).toMatchObject({ total_responses: 3 });
    });

    it('5. alerts: the escalation, the health drops and the low score, listed and per customer', async () => {
      const mine = await api.ok<AlertList>('GET', `/alerts/customer/${ids.alpha}`, agent);
      const view = (a: Alert) => [a.type, a.severity, a.status, a.owner_id, a.title];
      expect(mine.alerts.map(view).sort()).toEqual([
        ['escalation', 'high', 'open', fx.users.agent.id, 'Escalation at Alpha Telecom: Outage'],
        [
          'health_drop',
          'high',
          'open',
          fx.users.agent.id,
          'Health drop: Alpha Telecom scored 57 (high risk)',
        ],
        ['low_csat', 'high', 'open', fx.users.agent.id, 'Low CSAT from Alpha Telecom: 1 of 5'],
      ]);
      // The script's list: every alert of the tenant (Gamma, never scored, has none).
      const all = await api.ok<AlertList>('GET', '/alerts', admin);
      expect([all.total, all.alerts.every((a) => a.customer_id === ids.alpha)]).toEqual([3, true]);
      expect((await api.ok<AlertList>('GET', `/alerts/customer/${ids.gamma}`, admin)).total).toBe(0);
    });

    it('4. customer detail: the customer, its deployments, open alerts and CSAT summary', async () => {
      expect(await api.ok('GET', `/customers/${ids.alpha}`, admin)).toMatchObject({
        name: 'Alpha Telecom',
        status: 'at_risk',
        health_score: 57,
      });
      const active = await api.ok<Listed>(
        'GET',
        `/deployments?customer_id=${ids.alpha}&is_active=true`,
        admin,
      );
      expect(active.total).toBe(2);
      const open = await api.ok<AlertList>('GET', `/alerts/customer/${ids.alpha}?status=open`, admin);
      expect(open.total).toBe(3);
      const csat = await api.ok<Row>('GET', `/csat/customer/${ids.alpha}/summary`, admin);
      expect(csat.total_responses).toBe(3);
    });

    it('keeps responses, links and alerts inside their tenant and role', async () => {
      const other = await scriptWorld(t, 'script-other');
      const outsider = other.admin;
      const response = (await api.ok<{ responses: Row[] }>('GET', '/csat', admin)).responses[0]!;
      for (const url of [`/csat/${response.id}`, `/csat/customer/${ids.alpha}/summary`])
        expectStatus(await api.call('GET', url, outsider), 404);
      const foreign = { customer_id: ids.alpha, survey_type: 'quarterly' };
      expectInvalid(await api.call('POST', '/csat', outsider, { ...foreign, score: 5 }), '/body/customer_id');
      expectInvalid(await api.call('POST', '/csat/survey-link', outsider, foreign), '/body/customer_id');
      expect((await api.ok<Listed>('GET', '/csat', outsider)).total).toBe(0);
      // Alerts are a filtered list: another tenant's customer has none there.
      expect((await api.ok<Listed>('GET', `/alerts/customer/${ids.alpha}`, outsider)).total).toBe(0);
      // Links are a team leader's and up; a forged token is the same 404 as an unknown link.
      expectStatus(await api.call('POST', '/csat/survey-link', agent, foreign), 403);
      expectProblem(
        await anonymous(t)('GET', `/csat/public/info/${'A'.repeat(92)}`),
        404,
        'SURVEY_LINK_NOT_FOUND',
      );
    });
  },
);
