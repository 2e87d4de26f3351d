import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { createDeployment, dayIn, logInteraction, ownedCustomer, setTimeZone } from './accounts-helpers.js';
import { client, expectStatus, successApp, type Headers } from './helpers.js';

type Event = { kind: string; occurred_at: string; title: string; summary: string | null; ref_id: string };
type Page = { customer_id: string; events: Event[]; limit: number; next_cursor: string | null };

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('customer timeline', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let customer: string;
  const ids = {} as Record<string, string>;
  const sql = (text: string, params: unknown[]) => t.database.db.query(text, params);

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'timeline');
    admin = fx.users.admin.auth;
    await setTimeZone(t, fx.tenantId, 'Asia/Tashkent');
    customer = await ownedCustomer(t, fx, fx.users.agent.id, {
      contract_start: '2024-01-01',
      contract_end: dayIn('Asia/Tashkent', 200),
      contract_value: '1200.00',
      currency: 'USD',
    });
    ids.meeting = (
      await logInteraction(t, admin, customer, {
        interaction_type: 'meeting',
        subject: 'Kick-off',
        interaction_date: ago(30),
      })
    ).id;
    ids.deployment = (
      await createDeployment(t, admin, customer, { product_name: 'MonetX', version: '1.0' })
    ).id;
    await sql('update deployments set created_at = $2, updated_at = $2 where id = $1', [
      ids.deployment,
      ago(20),
    ]);
    ids.retired = (await createDeployment(t, admin, customer, { product_name: 'GreenX' })).id;
    await sql('update deployments set created_at = $2, updated_at = $2 where id = $1', [
      ids.retired,
      ago(25),
    ]);
    await api.call('DELETE', `/deployments/${ids.retired}`, admin);
    await sql('update deployments set updated_at = $2 where id = $1', [ids.retired, ago(10)]);
    const csat = await sql(
      `insert into csat_responses (tenant_id, id, customer_id, survey_type, score, feedback_text, submitted_at)
       values ($1, gen_random_uuid(), $2, 'quarterly', 4, 'Solid', $3) returning id`,
      [fx.tenantId, customer, ago(5)],
    );
    ids.csat = (csat.rows[0] as { id: string }).id;
    const score = await sql(
      `insert into health_scores (tenant_id, id, customer_id, overall_score, adoption_score, support_score,
         engagement_score, financial_score, risk_level, trend, factors, weights, calculated_at)
       values ($1, gen_random_uuid(), $2, 72, 70, 80, 60, 80, 'medium', 'stable', '{}', '{}', $3) returning id`,
      [fx.tenantId, customer, ago(3)],
    );
    ids.score = (score.rows[0] as { id: string }).id;
    // A deployment's own score is not the customer's: not on the timeline.
    await sql(
      `insert into health_scores (tenant_id, id, customer_id, deployment_id, overall_score, adoption_score,
         support_score, engagement_score, financial_score, risk_level, trend, factors, weights, calculated_at)
       values ($1, gen_random_uuid(), $2, $3, 10, 10, 10, 10, 10, 'critical', 'stable', '{}', '{}', $4)`,
      [fx.tenantId, customer, ids.deployment, ago(2)],
    );
    ids.escalation = (
      await logInteraction(t, admin, customer, {
        interaction_type: 'escalation',
        subject: 'Outage',
        interaction_date: ago(1),
      })
    ).id;
  });
  afterAll(() => t?.close());

  const all = async (query = '') => {
    const events: Event[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await api.ok<Page>(
        'GET',
        `/customers/${customer}/timeline?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(page.events.length).toBeLessThanOrEqual(2);
      events.push(...page.events);
      cursor = page.next_cursor;
    } while (cursor);
    return events;
  };

  it('lists every kind of event, newest first', async () => {
    const page = await api.ok<Page>('GET', `/customers/${customer}/timeline`, admin);
    expect(page).toMatchObject({ customer_id: customer, limit: 50, next_cursor: null });
    const kinds = page.events.map((e) => e.kind);
    // The alert is raised as the escalation is logged (now), after it happened (yesterday).
    expect(kinds).toEqual([
      'alert',
      'interaction',
      'health_score',
      'csat_response',
      'deployment_deactivated',
      'deployment_created',
      'deployment_created',
      'interaction',
      'contract_start',
    ]);
    const times = page.events.map((e) => e.occurred_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(page.events.map((e) => e.ref_id)).toEqual([
      expect.any(String),
      ids.escalation,
      ids.score,
      ids.csat,
      ids.retired,
      ids.deployment,
      ids.retired,
      ids.meeting,
      customer,
    ]);
    const by = (kind: string) => page.events.find((e) => e.kind === kind)!;
    expect(by('interaction')).toMatchObject({ title: 'Escalation: Outage' });
    expect(by('alert').title).toContain('Outage');
    expect(by('health_score')).toMatchObject({ title: 'Health score 72 (medium risk)' });
    expect(by('csat_response')).toMatchObject({ title: 'CSAT response (quarterly): 4/5', summary: 'Solid' });
    expect(by('deployment_created')).toMatchObject({ title: 'Deployed MonetX 1.0' });
    // A contract day starts at midnight in the tenant's time zone (Tashkent, UTC+5).
    expect(by('contract_start')).toMatchObject({
      occurred_at: '2023-12-31T19:00:00.000Z',
      summary: `1200.00 USD, until ${dayIn('Asia/Tashkent', 200)}`,
    });
    // The contract's end has not come: not on the timeline yet.
    expect(kinds).not.toContain('contract_end');
  });

  it('pages by cursor without repeats or gaps, ties included, and filters by kind', async () => {
    const same = ago(12);
    for (let i = 0; i < 3; i++)
      await logInteraction(t, admin, customer, { subject: `Tie ${i}`, interaction_date: same });
    const full = (await api.ok<Page>('GET', `/customers/${customer}/timeline?limit=200`, admin)).events;
    const walked = await all();
    expect(walked).toEqual(full);
    expect(full.filter((e) => e.occurred_at === same)).toHaveLength(3);

    const interactions = await all('&kind=interaction');
    expect(interactions.map((e) => e.kind)).toEqual(Array(5).fill('interaction'));
    expect(interactions).toEqual(full.filter((e) => e.kind === 'interaction'));

    expectStatus(
      await api.call('GET', `/customers/${customer}/timeline?cursor=garbage`, admin),
      422,
      'INVALID_CURSOR',
    );
    const forged = Buffer.from(JSON.stringify(['2025-01-01', 'x', 'y'])).toString('base64url');
    expectStatus(
      await api.call('GET', `/customers/${customer}/timeline?cursor=${forged}`, admin),
      422,
      'INVALID_CURSOR',
    );
    expectStatus(await api.call('GET', `/customers/${customer}/timeline?kind=party`, admin), 422);
    expectStatus(await api.call('GET', `/customers/${customer}/timeline?limit=0`, admin), 422);
    expectStatus(await api.call('GET', `/customers/${crypto.randomUUID()}/timeline`, admin), 404);
  });

  it('shows an ended contract once its day has come', async () => {
    const ended = await ownedCustomer(t, fx, null, {
      contract_start: '2023-01-01',
      contract_end: '2024-12-31',
    });
    const page = await api.ok<Page>('GET', `/customers/${ended}/timeline`, admin);
    expect(page.events.map((e) => [e.kind, e.occurred_at])).toEqual([
      ['contract_end', '2024-12-30T19:00:00.000Z'],
      ['contract_start', '2022-12-31T19:00:00.000Z'],
    ]);
    // The account manager's timeline shows the alert; a viewer's too (tenant-wide).
    await api.ok('GET', `/customers/${customer}/timeline`, fx.users.agent.auth);
    const viewer = await api.ok<Page>('GET', `/customers/${customer}/timeline`, fx.users.viewer.auth);
    expect(viewer.events.some((e) => e.kind === 'alert')).toBe(true);
  });
});
