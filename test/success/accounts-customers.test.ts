import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { walkTwoCursorPages } from '../field/helpers.js';
import {
  dayIn,
  idsOf,
  ownedCustomer,
  pathsOf,
  type Listed,
  type Problem,
  type Row,
} from './accounts-helpers.js';
import { client, expectStatus, successApp, uniq, type Headers } from './helpers.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

type History = {
  customer_id: string;
  current: { health_score: number | null; health_risk: string | null; health_scored_at: string | null };
  history: (Row & { calculated_at: string; overall_score: number; risk_level: string; trend: string })[];
};

describe('customers: health in the list, health history', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  const tag = uniq('health').toLowerCase();
  const C = {} as Record<'good' | 'poor' | 'mid' | 'none', string>;

  /** A customer-level score at `at`, kept on the customer as the latest. */
  async function score(customerId: string, overall: number, risk: string, at: Date, deploymentId?: string) {
    await t.database.db.query(
      `insert into health_scores (tenant_id, id, customer_id, deployment_id, overall_score, adoption_score,
         support_score, engagement_score, financial_score, risk_level, trend, factors, weights, calculated_at)
       values ($1, gen_random_uuid(), $2, $3, $4, 50, 60, 70, 80, $5, 'stable', '{"adoption": {"products": 2}}',
         '{"adoption": 20}', $6)`,
      [fx.tenantId, customerId, deploymentId ?? null, overall, risk, at],
    );
    if (!deploymentId)
      await t.database.db.query(
        `update customers set health_score = $2, health_risk = $3, health_scored_at = $4 where id = $1`,
        [customerId, overall, risk, at],
      );
  }

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'healthy');
    admin = fx.users.admin.auth;
    const mk = (code: string) =>
      ownedCustomer(t, fx, fx.users.agent.id, { code: `${code}-${tag}`, tags: [tag] });
    C.good = await mk('GOOD');
    C.poor = await mk('POOR');
    C.mid = await mk('MID');
    C.none = await mk('NONE');
    await score(C.good, 91, 'low', ago(1));
    await score(C.poor, 35, 'critical', ago(1));
    await score(C.mid, 64, 'medium', ago(40));
    await score(C.mid, 61, 'medium', ago(20));
    await score(C.mid, 58, 'high', ago(2));
  });
  afterAll(() => t?.close());

  const list = async (query: string) =>
    idsOf(await api.ok<Listed>('GET', `/customers?tag=${tag}&${query}`, admin), 'customers');

  it('shows the latest health on every customer and filters and sorts by it', async () => {
    const good = await api.ok<Row>('GET', `/customers/${C.good}`, fx.users.viewer.auth);
    expect(good).toMatchObject({ health_score: 91, health_risk: 'low' });
    expect(Date.now() - Date.parse(good.health_scored_at as string)).toBeGreaterThan(DAY - 60_000);
    expect(await api.ok<Row>('GET', `/customers/${C.none}`, admin)).toMatchObject({
      health_score: null,
      health_risk: null,
      health_scored_at: null,
    });
    expect(await list('sort=health_score')).toEqual([C.poor, C.mid, C.good, C.none]);
    expect(await list('sort=-health_score')).toEqual([C.good, C.mid, C.poor, C.none]);
    expect(await list('health_risk=high')).toEqual([C.mid]);
    expect(await list('min_health=58&sort=health_score')).toEqual([C.mid, C.good]);
    expect(await list('max_health=58&sort=health_score')).toEqual([C.poor, C.mid]);
    expect(await list('min_health=40&max_health=70')).toEqual([C.mid]);
    await walkTwoCursorPages(t, admin, `/customers?tag=${tag}&sort=-health_score`, 'customers');

    const bad = async (query: string, path: string) => {
      const res = expectStatus(await api.call('GET', `/customers?${query}`, admin), 422);
      expect(pathsOf(res.json<Problem>())).toContain(path);
    };
    await bad('min_health=70&max_health=40', '/query/max_health');
    await bad('min_health=101', '/query/min_health');
    await bad('max_health=-1', '/query/max_health');
    await bad('health_risk=doomed', '/query/health_risk');
    // The health fields are not the customer's to write.
    const res = await api.call('PUT', `/customers/${C.none}`, admin, { health_score: 99 });
    expect(pathsOf(expectStatus(res, 422).json<Problem>())).toContain('/body/health_score');
  });

  it('gives a customer’s health history with components, oldest first', async () => {
    const deployment = (
      await api.ok<Row>('POST', '/deployments', admin, { customer_id: C.mid, product_name: 'MonetX' }, 201)
    ).id;
    await score(C.mid, 5, 'critical', ago(1), deployment);
    const all = await api.ok<History>('GET', `/customers/${C.mid}/health-history`, fx.users.agent.auth);
    expect(all.customer_id).toBe(C.mid);
    expect(all.current).toMatchObject({ health_score: 58, health_risk: 'high' });
    expect(all.history.map((h) => [h.overall_score, h.risk_level])).toEqual([
      [64, 'medium'],
      [61, 'medium'],
      [58, 'high'],
    ]);
    expect(all.history[0]).toMatchObject({
      adoption_score: 50,
      support_score: 60,
      engagement_score: 70,
      financial_score: 80,
      trend: 'stable',
      factors: { adoption: { products: 2 } },
    });
    const recent = await api.ok<History>(
      'GET',
      `/customers/${C.mid}/health-history?date_from=${dayIn('UTC', -30)}&date_to=${dayIn('UTC')}`,
      admin,
    );
    expect(recent.history.map((h) => h.overall_score)).toEqual([61, 58]);
    const newest = await api.ok<History>('GET', `/customers/${C.mid}/health-history?limit=1`, admin);
    expect(newest.history.map((h) => h.overall_score)).toEqual([58]);
    const empty = await api.ok<History>('GET', `/customers/${C.none}/health-history`, admin);
    expect(empty).toMatchObject({ history: [], current: { health_score: null } });

    expectStatus(
      await api.call(
        'GET',
        `/customers/${C.mid}/health-history?date_from=2025-02-01&date_to=2025-01-01`,
        admin,
      ),
      422,
    );
    expectStatus(await api.call('GET', `/customers/${C.mid}/health-history?limit=1001`, admin), 422);
    expectStatus(await api.call('GET', `/customers/${crypto.randomUUID()}/health-history`, admin), 404);
    // Out of the agent's scope: another account manager's customer.
    const elsewhere = await ownedCustomer(t, fx, fx.users.team_leader.id);
    expectStatus(await api.call('GET', `/customers/${elsewhere}/health-history`, fx.users.agent.auth), 404);
  });
});
