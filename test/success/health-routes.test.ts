import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/success/health/score.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { daysAgo, insertDeployment, insertInteractions, isoDay, updateCustomer } from './health-fixtures.js';
import {
  client,
  createCustomer,
  createTeam,
  expectStatus,
  extraUser,
  successApp,
  type Headers,
} from './helpers.js';

type Score = {
  id: string;
  customer_id: string;
  deployment_id: string | null;
  overall_score: number;
  adoption_score: number;
  support_score: number;
  engagement_score: number;
  financial_score: number;
  risk_level: string;
  trend: string;
  factors: Record<string, Record<string, unknown>>;
  weights: Record<string, number>;
  calculated_by: string | null;
};

describe('health score routes', { timeout: 300_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const today = isoDay(new Date());
  const ids = {} as Record<string, string>;

  const customerRow = async (id: string) =>
    (
      await t.database.db.query<{ status: string; health_score: number | null; health_risk: string | null }>(
        'select status, health_score, health_risk from customers where id = $1',
        [id],
      )
    ).rows[0]!;
  const calculate = (id: string, auth: Headers = admin, query = '') =>
    api.call('POST', `/health-scores/calculate/${id}${query}`, auth);

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'hroutes');
    other = await identityFixture(t, 'hroutes-other');
    admin = fx.users.admin.auth;
    // Known customer (the agent's): products A and B active, C inactive; no contract bonus; 100 days left.
    ids.known = await createCustomer(t, admin, {
      owner_id: fx.users.agent.id,
      contract_start: addDays(today, -100),
      contract_end: addDays(today, 100),
    });
    ids.deployA = await insertDeployment(t, fx.tenantId, ids.known, { product: 'A' });
    await insertDeployment(t, fx.tenantId, ids.known, { product: 'B' });
    await insertDeployment(t, fx.tenantId, ids.known, { product: 'A' });
    ids.deployC = await insertDeployment(t, fx.tenantId, ids.known, { product: 'C', active: false });
    await insertInteractions(t, fx.tenantId, ids.known, [
      { type: 'support_ticket', at: daysAgo(1) },
      { type: 'support_ticket', at: daysAgo(2), sentiment: 'negative' },
      { type: 'support_ticket', at: daysAgo(3) },
      { type: 'escalation', at: daysAgo(4) },
      { type: 'meeting', at: daysAgo(5), sentiment: 'positive' },
      { type: 'meeting', at: daysAgo(6) },
      { type: 'call', at: daysAgo(7) },
      { type: 'meeting', at: daysAgo(91) }, // outside the window
    ]);
    ids.peer = await createCustomer(t, admin, { owner_id: fx.users.national_manager.id });
    ids.theirs = await createCustomer(t, other.users.admin.auth, {});
  }, 300_000);
  afterAll(() => t.close());

  it('calculates a score from the rules and answers it with its factors', async () => {
    const res = expectStatus(await calculate(ids.known!), 201).json<Score>();
    // adoption 70 (A, B); support 100 − 3·2 − 10 − 5 = 79; engagement 2·15 + 10 = 40; financial 80
    // 0.2·70 + 0.3·79 + 0.25·40 + 0.25·80 = 14 + 23.7 + 10 + 20 = 67.7 → 67
    expect(res).toMatchObject({
      customer_id: ids.known,
      deployment_id: null,
      overall_score: 67,
      adoption_score: 70,
      support_score: 79,
      engagement_score: 40,
      financial_score: 80,
      risk_level: 'medium',
      trend: 'stable',
      weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
      calculated_by: fx.users.admin.id,
    });
    expect(res.factors.adoption).toMatchObject({
      active_products: 2,
      products: ['A', 'B'],
      new_contract_bonus: false,
    });
    expect(res.factors.support).toEqual({ support_tickets: 3, escalations: 1, negative: 1, score: 79 });
    expect(res.factors.engagement).toEqual({ meetings: 2, calls: 1, emails: 0, trainings: 0, score: 40 });
    expect(res.factors.financial).toEqual({
      contract_end: addDays(today, 100),
      days_to_end: 100,
      expired: false,
      score: 80,
    });
    expect(await customerRow(ids.known!)).toEqual({
      status: 'active',
      health_score: 67,
      health_risk: 'medium',
    });
    const latest = await api.ok<Score>('GET', `/health-scores/customer/${ids.known}`, fx.users.agent.auth);
    expect(latest.id).toBe(res.id);
    const audit = await t.database.db.query(
      `select 1 from audit_log where tenant_id = $1 and action = 'health_score.calculate' and entity_id = $2`,
      [fx.tenantId, ids.known],
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('scores one deployment: adoption of its product only; the customer is not changed', async () => {
    const res = expectStatus(
      await calculate(ids.known!, admin, `?deployment_id=${ids.deployA}`),
      201,
    ).json<Score>();
    // adoption 40; 0.2·40 + 23.7 + 10 + 20 = 61.7 → 61
    expect(res).toMatchObject({ deployment_id: ids.deployA, adoption_score: 40, overall_score: 61 });
    expect(res.factors.adoption).toMatchObject({ deployment_id: ids.deployA, products: ['A'] });
    const inactive = expectStatus(
      await calculate(ids.known!, admin, `?deployment_id=${ids.deployC}`),
      201,
    ).json<Score>();
    expect(inactive.adoption_score).toBe(0);
    expect((await customerRow(ids.known!)).health_score).toBe(67);
    const latest = await api.ok<Score>(
      'GET',
      `/health-scores/customer/${ids.known}?deployment_id=${ids.deployA}`,
      admin,
    );
    expect(latest.id).toBe(res.id);
    // A deployment of another customer, or unknown, is 404.
    expectStatus(
      await calculate(ids.peer!, admin, `?deployment_id=${ids.deployA}`),
      404,
      'DEPLOYMENT_NOT_FOUND',
    );
    expectStatus(
      await calculate(ids.known!, admin, `?deployment_id=${ids.peer}`),
      404,
      'DEPLOYMENT_NOT_FOUND',
    );
  });

  it('validates ids and answers 404 without a score', async () => {
    expectStatus(await calculate('not-a-uuid'), 422);
    expectStatus(await calculate(ids.known!, admin, '?deployment_id=nope'), 422);
    expectStatus(await api.call('GET', '/health-scores/customer/nope', admin), 422);
    expectStatus(
      await api.call('GET', `/health-scores/customer/${ids.peer}`, admin),
      404,
      'HEALTH_SCORE_NOT_FOUND',
    );
    expectStatus(await calculate('01890000-0000-7000-8000-000000000000'), 404);
  });

  it('needs health:calculate (managers) and the customer in scope', async () => {
    for (const role of ['agent', 'viewer'] as const)
      expectStatus(await calculate(ids.known!, fx.users[role].auth), 403);
    // A team leader whose team does not include the account manager cannot see the customer.
    expectStatus(await calculate(ids.known!, fx.users.team_leader.auth), 404);
    const leader = await extraUser(t, fx, 'team_leader');
    await createTeam(t, fx, leader.id, [fx.users.agent.id]);
    expectStatus(await calculate(ids.known!, leader.auth), 201);
    expectStatus(await calculate(ids.peer!, leader.auth), 404);
    expectStatus(await calculate(ids.known!, fx.users.national_manager.auth), 201);
    // Reading: the agent sees their own customer's scores, not a peer's.
    await calculate(ids.peer!);
    expectStatus(await api.call('GET', `/health-scores/customer/${ids.known}`, fx.users.agent.auth), 200);
    expectStatus(await api.call('GET', `/health-scores/customer/${ids.peer}`, fx.users.agent.auth), 404);
    expectStatus(
      await api.call('GET', `/health-scores/customer/${ids.peer}/history`, fx.users.agent.auth),
      404,
    );
    expectStatus(await api.call('GET', `/health-scores/customer/${ids.peer}`, fx.users.viewer.auth), 200);
  });

  it('keeps tenants apart', async () => {
    const theirs = other.users.admin.auth;
    expectStatus(await calculate(ids.known!, theirs), 404);
    expectStatus(await api.call('GET', `/health-scores/customer/${ids.known}`, theirs), 404);
    expectStatus(await api.call('GET', `/health-scores/customer/${ids.known}/history`, theirs), 404);
    expectStatus(await calculate(ids.theirs!), 404);
    const dist = await api.ok<{ total: number }>('GET', '/health-scores/distribution', theirs);
    expect(dist.total).toBe(0);
    const trends = await api.ok<{ periods: unknown[] }>('GET', '/health-scores/trends', theirs);
    expect(trends.periods).toEqual([]);
  });

  it('moves the customer status: at risk on high/critical, back to active, onboarding kept, churned never', async () => {
    // No products, no contract, no interactions: 0 + 30 + 0 + 12.5 → 42 (high).
    const bare = await createCustomer(t, admin, { status: 'onboarding' });
    expect((await calculate(bare).then((r) => r.json<Score>())).risk_level).toBe('high');
    expect((await customerRow(bare)).status).toBe('at_risk');
    // Three products, 200 days left and some engagement: 20 + 30 + 25·(60/100) + 25 → 90 (low).
    for (const product of ['A', 'B', 'C']) await insertDeployment(t, fx.tenantId, bare, { product });
    await updateCustomer(t, bare, { contract_end: addDays(today, 200) });
    await insertInteractions(t, fx.tenantId, bare, [
      { type: 'meeting', at: daysAgo(1) },
      { type: 'meeting', at: daysAgo(2) },
      { type: 'meeting', at: daysAgo(3) },
      { type: 'meeting', at: daysAgo(4) },
    ]);
    expect(expectStatus(await calculate(bare), 201).json<Score>()).toMatchObject({
      overall_score: 90,
      risk_level: 'low',
    });
    expect((await customerRow(bare)).status).toBe('active');
    const onboarding = await createCustomer(t, admin, {
      status: 'onboarding',
      contract_end: addDays(today, 200),
    });
    for (const product of ['A', 'B', 'C']) await insertDeployment(t, fx.tenantId, onboarding, { product });
    // 20 + 30 + 0 + 25 = 75 (medium): onboarding stays onboarding.
    expect(expectStatus(await calculate(onboarding), 201).json<Score>().risk_level).toBe('medium');
    expect((await customerRow(onboarding)).status).toBe('onboarding');
    const churned = await createCustomer(t, admin, { status: 'churned' });
    expect(expectStatus(await calculate(churned), 201).json<Score>().risk_level).toBe('high');
    expect(await customerRow(churned)).toEqual({ status: 'churned', health_score: 42, health_risk: 'high' });
  });

  it('weights: read by everyone, changed by admins, integers summing to exactly 100', async () => {
    const read = (auth: Headers) =>
      api.ok<{ health_weights: Record<string, number> }>('GET', '/health-scores/settings', auth);
    expect((await read(fx.users.agent.auth)).health_weights).toEqual({
      adoption: 20,
      support: 30,
      engagement: 25,
      financial: 25,
    });
    const put = (auth: Headers, health_weights: object) =>
      api.call('PUT', '/health-scores/settings', auth, { health_weights });
    const bad = expectStatus(
      await put(admin, { adoption: 20, support: 30, engagement: 25, financial: 20 }),
      422,
    ).json<{
      errors: { path: string; message: string }[];
    }>();
    expect(bad.errors).toEqual([
      { path: '/body/health_weights', message: 'must sum to exactly 100 (they sum to 95)' },
    ]);
    expectStatus(await put(admin, { adoption: 101, support: 0, engagement: 0, financial: -1 }), 422);
    expectStatus(await put(admin, { adoption: 20.5, support: 29.5, engagement: 25, financial: 25 }), 422);
    expectStatus(await put(admin, { adoption: 20, support: 30, engagement: 50 }), 422);
    expectStatus(
      await put(admin, { adoption: 20, support: 30, engagement: 25, financial: 25, csat: 0 }),
      422,
    );
    for (const role of ['national_manager', 'agent', 'viewer'] as const)
      expectStatus(
        await put(fx.users[role].auth, { adoption: 25, support: 25, engagement: 25, financial: 25 }),
        403,
      );
    const weights = { adoption: 40, support: 20, engagement: 20, financial: 20 };
    expect(
      (
        await api.ok<{ health_weights: object }>('PUT', '/health-scores/settings', admin, {
          health_weights: weights,
        })
      ).health_weights,
    ).toEqual(weights);
    expect((await read(admin)).health_weights).toEqual(weights);
    expect((await read(other.users.admin.auth)).health_weights.adoption).toBe(20);
    // 0.4·70 + 0.2·79 + 0.2·40 + 0.2·80 = 28 + 15.8 + 8 + 16 = 67.8 → 67
    expect(expectStatus(await calculate(ids.known!), 201).json<Score>()).toMatchObject({
      overall_score: 67,
      weights,
    });
    // The tenant settings route applies the same check.
    const tenantPut = await api.call('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { health_weights: { adoption: 50, support: 50, engagement: 50, financial: 0 } },
    });
    expect(expectStatus(tenantPut, 422).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      '/body/settings/health_weights',
    );
    await api.ok('PUT', '/health-scores/settings', admin, {
      health_weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
    });
  });
});
