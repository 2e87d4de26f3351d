import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csatResponses } from '../../src/modules/success/tables/csat.tables.js';
import type { TestApp } from '../harness/app.js';
import type { Alert, AlertList } from '../notify/helpers.js';
import { anonymous, createLink, csatTenant, recordResponse, type CsatTenant } from './csat-helpers.js';
import { client, createCustomer, successApp, type Headers } from './helpers.js';

const HOUR = 3_600_000;

describe('success: low CSAT and NPS alerts', () => {
  let t: TestApp;
  let a: CsatTenant;
  let api: ReturnType<typeof client>;

  const customer = () => createCustomer(t, a.admin, { owner_id: a.fx.users.agent.id });
  const answer = (customer_id: string, survey_type: string, score: number) =>
    recordResponse(t, a.fx.users.agent.auth, { customer_id, survey_type, score });
  const alertsOf = async (customerId: string, who: Headers = a.admin) =>
    (await api.ok<AlertList>('GET', `/alerts/customer/${customerId}?limit=100`, who)).alerts.filter(
      (alert) => alert.type === 'low_csat',
    );
  /** A response stored without the API (as an import would), so only the check can see it. */
  const storeQuietly = (customerId: string, survey_type: 'nps' | 'quarterly', score: number, ageMs: number) =>
    t.database.db.withTenant({ tenantId: a.fx.tenantId }, (tx) =>
      tx.db.insert(csatResponses).values({
        tenantId: a.fx.tenantId,
        customerId,
        surveyType: survey_type,
        score,
        submittedAt: new Date(Date.now() - ageMs),
      }),
    );
  const runChecks = () => api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', a.admin);

  beforeAll(async () => {
    t = await successApp();
    a = await csatTenant(t, 'csat-alerts');
    api = client(t);
  });
  afterAll(() => t.close());

  it('raises a low_csat alert on the customer at once, owned by its account manager', async () => {
    const id = await customer();
    await answer(id, 'post_ticket', 2);
    const [alert, ...more] = await alertsOf(id, a.fx.users.agent.auth);
    expect(more).toEqual([]);
    expect(alert).toMatchObject<Partial<Alert>>({
      type: 'low_csat',
      severity: 'medium',
      source: 'success.low-csat',
      entity_type: 'customer',
      entity_id: id,
      customer_id: id,
      owner_id: a.fx.users.agent.id,
      status: 'open',
    });
    expect(alert!.title).toMatch(/^Low CSAT from Acme.*: 2 of 5$/);
    expect(await alertsOf(id, a.fx.users.team_leader.auth)).toHaveLength(1);
  });

  it('raises it once per customer and day, however many low answers arrive', async () => {
    const id = await customer();
    await answer(id, 'quarterly', 2);
    await answer(id, 'quarterly', 1);
    await answer(id, 'nps', 0);
    const alerts = await alertsOf(id);
    expect(alerts).toHaveLength(1);
    // The first answer's alert stands: a later, worse one the same day does not raise it again.
    expect(alerts[0]!.severity).toBe('medium');
  });

  it('grades severity: high for CSAT 1 and NPS 0–3, medium for CSAT 2 and NPS 4–6; none above', async () => {
    const cases: [string, number, string | null][] = [
      ['onboarding', 1, 'high'],
      ['post_ticket', 2, 'medium'],
      ['post_ticket', 3, null],
      ['nps', 3, 'high'],
      ['nps', 4, 'medium'],
      ['nps', 6, 'medium'],
      ['nps', 7, null],
      ['nps', 10, null],
    ];
    for (const [type, score, severity] of cases) {
      const id = await customer();
      await answer(id, type, score);
      const alerts = await alertsOf(id);
      expect(
        alerts.map((alert) => alert.severity),
        `${type} ${score}`,
      ).toEqual(severity ? [severity] : []);
    }
  });

  it('raises it for an answer given through a survey link, in the same transaction', async () => {
    const id = await customer();
    const link = await createLink(t, a.admin, { customer_id: id, survey_type: 'nps' });
    const res = await anonymous(t)('POST', `/csat/public/submit/${link.token}`, {
      score: 2,
      feedback_text: 'Nothing works',
    });
    expect(res.statusCode, res.body).toBe(201);
    const [alert] = await alertsOf(id);
    expect(alert).toMatchObject({ severity: 'high', owner_id: a.fx.users.agent.id });
    expect(alert!.title).toMatch(/^Low NPS answer from .*: 2 of 10$/);
    const full = await api.ok<{ description: string }>('GET', `/alerts/${alert!.id}`, a.admin);
    expect(full.description).toBe('An NPS survey was answered with 2 of 10. Feedback: "Nothing works"');
  });

  it('runs as the success.low-csat check over today and yesterday, without raising twice', async () => {
    const quiet = await customer();
    const yesterday = await customer();
    const old = await customer();
    const fine = await customer();
    const alerted = await customer();
    await storeQuietly(quiet, 'quarterly', 1, 0);
    await storeQuietly(yesterday, 'nps', 5, 24 * HOUR);
    await storeQuietly(old, 'nps', 0, 72 * HOUR);
    await storeQuietly(fine, 'nps', 9, 0);
    await answer(alerted, 'quarterly', 2);
    expect(await alertsOf(quiet)).toEqual([]);
    await runChecks();
    await runChecks();
    expect((await alertsOf(quiet)).map((alert) => alert.severity)).toEqual(['high']);
    expect((await alertsOf(yesterday)).map((alert) => alert.severity)).toEqual(['medium']);
    expect(await alertsOf(old)).toEqual([]);
    expect(await alertsOf(fine)).toEqual([]);
    expect(await alertsOf(alerted)).toHaveLength(1);
  });

  it('keeps the alerts of a customer in its account manager’s scope', async () => {
    const id = await customer();
    await answer(id, 'quarterly', 1);
    expect(await alertsOf(id, a.fx.users.agent.auth)).toHaveLength(1);
    const peer = await api.call('GET', `/alerts/customer/${id}`, a.peer.auth);
    const visible = peer.statusCode === 200 ? peer.json<AlertList>().alerts : [];
    expect(visible).toEqual([]);
  });
});
