import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/success/health/score.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { daysAgo, insertScore, isoDay, replayHealthSnapshots, updateCustomer } from './health-fixtures.js';
import { client, createCustomer, expectStatus, successApp, type Headers } from './helpers.js';

type Score = { overall_score: number };

describe('health score reads: history, trends, at-risk, distribution', { timeout: 300_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const today = isoDay(new Date());

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'hreads');
    other = await identityFixture(t, 'hreads-other');
    admin = fx.users.admin.auth;
  }, 300_000);
  afterAll(() => t.close());

  it('pages the history, newest first, within a date range', async () => {
    const c = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
    for (let i = 1; i <= 5; i++)
      await insertScore(t, fx.tenantId, c, { overall: 50 + i, at: daysAgo(i * 10) });
    const page = await api.ok<{ health_scores: Score[]; total: number; limit: number; offset: number }>(
      'GET',
      `/health-scores/customer/${c}/history?limit=2&offset=1`,
      fx.users.agent.auth,
    );
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.health_scores.map((s) => s.overall_score)).toEqual([52, 53]);
    const ranged = await api.ok<{ health_scores: Score[]; total: number }>(
      'GET',
      `/health-scores/customer/${c}/history?from=${isoDay(daysAgo(30))}&to=${isoDay(daysAgo(20))}`,
      admin,
    );
    expect(ranged.health_scores.map((s) => s.overall_score)).toEqual([52, 53]);
    expectStatus(await api.call('GET', `/health-scores/customer/${c}/history?limit=0`, admin), 422);
    expectStatus(await api.call('GET', `/health-scores/customer/${c}/history?from=2025-13-01`, admin), 422);
  });

  it('trends: the book per day, week and month from the health snapshots, in scope', async () => {
    // A tenant of its own: a snapshot is the whole book of the day.
    const own = await identityFixture(t, 'htrends');
    const boss = own.users.admin.auth;
    const [a, b] = [
      await createCustomer(t, boss, { owner_id: own.users.agent.id }),
      await createCustomer(t, boss),
    ];
    const day1 = new Date(`${addDays(today, -3)}T10:00:00Z`);
    const day2 = new Date(`${addDays(today, -2)}T10:00:00Z`);
    await insertScore(t, own.tenantId, a, { overall: 90, at: day1 });
    await insertScore(t, own.tenantId, a, { overall: 30, at: new Date(day1.getTime() + 3_600_000) }); // latest of the day
    await insertScore(t, own.tenantId, b, { overall: 65, at: day1 });
    await insertScore(t, own.tenantId, a, { overall: 81, at: day2 });
    await replayHealthSnapshots(t, own.tenantId);
    type Trends = {
      from: string;
      to: string;
      periods: { period: string; customers: number; average_score: number; risk: Record<string, number> }[];
    };
    const range = `from=${addDays(today, -3)}&to=${addDays(today, -2)}`;
    const daily = await api.ok<Trends>('GET', `/health-scores/trends?${range}`, boss);
    // Day 2's book still holds b's score of day 1.
    expect(daily.periods).toEqual([
      {
        period: addDays(today, -3),
        customers: 2,
        average_score: 47.5,
        risk: { low: 0, medium: 1, high: 0, critical: 1 },
      },
      {
        period: addDays(today, -2),
        customers: 2,
        average_score: 73,
        risk: { low: 1, medium: 1, high: 0, critical: 0 },
      },
    ]);
    // A week or a month shows its last snapshot day.
    const monthly = await api.ok<Trends>('GET', `/health-scores/trends?${range}&group_by=month`, boss);
    expect(monthly.periods.at(-1)).toMatchObject({ customers: 2, average_score: 73 });
    const agentView = await api.ok<Trends>('GET', `/health-scores/trends?${range}`, own.users.agent.auth);
    expect(agentView.periods.map((p) => [p.customers, p.average_score])).toEqual([
      [1, 30],
      [1, 81],
    ]);
    const weekly = await api.ok<Trends>(
      'GET',
      `/health-scores/trends?${range}&group_by=week`,
      own.users.agent.auth,
    );
    expect(weekly.periods.every((p) => new Date(`${p.period}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(weekly.periods.at(-1)).toMatchObject({ customers: 1, average_score: 81 });

    // Scoring takes today's snapshot from the customers' current health: the day's first is the
    // whole book (b's current score included), a's new score in it.
    await updateCustomer(t, b, { health_score: 65, health_risk: 'medium' });
    const scored = await api.ok<{ overall_score: number }>(
      'POST',
      `/health-scores/calculate/${a}`,
      boss,
      undefined,
      201,
    );
    const now = await api.ok<Trends>('GET', `/health-scores/trends?from=${today}&to=${today}`, boss);
    expect(now.periods).toEqual([
      expect.objectContaining({
        period: today,
        customers: 2,
        average_score: Math.round(((scored.overall_score + 65) / 2) * 100) / 100,
      }),
    ]);
    // Out of the agent's scope: b (no account manager) is not in their book.
    const agentNow = await api.ok<Trends>(
      'GET',
      `/health-scores/trends?from=${today}&to=${today}`,
      own.users.agent.auth,
    );
    expect(agentNow.periods.map((p) => [p.customers, p.average_score])).toEqual([[1, scored.overall_score]]);
    expect((await api.ok<Trends>('GET', '/health-scores/trends', admin)).to).toBe(today);
    expectStatus(
      await api.call('GET', `/health-scores/trends?from=${today}&to=${addDays(today, -1)}`, admin),
      422,
    );
    expectStatus(
      await api.call('GET', `/health-scores/trends?from=${addDays(today, -400)}&to=${today}`, admin),
      422,
    );
    expectStatus(
      await api.call('GET', `/health-scores/trends?from=${addDays(today, -399)}&to=${today}`, admin),
      200,
    );
    expectStatus(await api.call('GET', '/health-scores/trends?group_by=year', admin), 422);
  });

  it('at-risk: current customers whose latest score is high or critical, worst first, paged, in scope', async () => {
    const fresh = await identityFixture(t, 'hrisk');
    const auth = fresh.users.admin.auth;
    const make = async (name: string, overall: number, body: object = {}) => {
      const id = await createCustomer(t, auth, { name, owner_id: fresh.users.agent.id, ...body });
      await insertScore(t, fresh.tenantId, id, { overall, at: daysAgo(1) });
      const risk = overall >= 80 ? 'low' : overall >= 60 ? 'medium' : overall >= 40 ? 'high' : 'critical';
      await updateCustomer(t, id, { health_score: overall, health_risk: risk });
      return id;
    };
    const worst = await make('Worst', 10);
    const mid = await make('Mid', 45);
    const alsoMid = await make('Also mid', 45, { owner_id: null });
    await make('Fine', 85);
    await make('Lost', 5, { status: 'churned' });
    type AtRisk = {
      customers: { customer_id: string; overall_score: number; risk_level: string }[];
      total: number;
    };
    const all = await api.ok<AtRisk>('GET', '/health-scores/at-risk', auth);
    expect(all.total).toBe(3);
    expect(all.customers.map((c) => c.customer_id)).toEqual([worst, alsoMid, mid]);
    const page = await api.ok<AtRisk>('GET', '/health-scores/at-risk?limit=1&offset=1', auth);
    expect(page).toMatchObject({ total: 3, customers: [{ customer_id: alsoMid }] });
    const critical = await api.ok<AtRisk>('GET', '/health-scores/at-risk?risk=critical', auth);
    expect(critical.customers.map((c) => c.customer_id)).toEqual([worst]);
    const agents = await api.ok<AtRisk>('GET', '/health-scores/at-risk', fresh.users.agent.auth);
    expect(agents.customers.map((c) => c.customer_id)).toEqual([worst, mid]);
    expectStatus(await api.call('GET', '/health-scores/at-risk?risk=low', auth), 422);
    expect((await api.ok<AtRisk>('GET', '/health-scores/at-risk', other.users.admin.auth)).total).toBe(0);

    // The distribution of the same tenant: buckets of 20 and risk counts (churned left out).
    type Dist = {
      total: number;
      average_score: number | null;
      buckets: { range: string; count: number }[];
      risk: Record<string, number>;
    };
    const dist = await api.ok<Dist>('GET', '/health-scores/distribution', auth);
    expect(dist).toEqual({
      total: 4,
      average_score: 46.25,
      buckets: [
        { range: '0-19', min: 0, max: 19, count: 1 },
        { range: '20-39', min: 20, max: 39, count: 0 },
        { range: '40-59', min: 40, max: 59, count: 2 },
        { range: '60-79', min: 60, max: 79, count: 0 },
        { range: '80-100', min: 80, max: 100, count: 1 },
      ],
      risk: { low: 1, medium: 0, high: 2, critical: 1 },
    });
    expect((await api.ok<Dist>('GET', '/health-scores/distribution', fresh.users.agent.auth)).total).toBe(3);
    expect(await api.ok<Dist>('GET', '/health-scores/distribution', other.users.agent.auth)).toMatchObject({
      total: 0,
      average_score: null,
    });
  });
});
