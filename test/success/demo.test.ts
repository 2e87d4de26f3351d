import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { client, SUCCESS_MODULES, successApp, type Headers } from './helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

interface Stats {
  customers: { total: number; by_status: Record<string, number> };
  health: { scored: number; average: string | null; at_risk: number };
  alerts: { open: number };
  csat: { responses: number };
  renewals: { customers: number };
  interactions: { count: number };
  deployments: { active: number };
}

describe('success demo data', () => {
  let t: TestApp;
  let admin: Headers;
  let agent: Headers;
  const get = <T = Record<string, unknown>>(url: string, headers = admin) =>
    client(t).ok<T>('GET', url, headers);
  const counts = () =>
    t.database.db.withSystem(
      async (tx) =>
        (
          await tx.sql.query<Record<string, number>>(`select
        (select count(*) from customers where code like 'CS-%')::int as customers,
        (select count(*) from deployments)::int as deployments,
        (select count(*) from customer_interactions)::int as interactions,
        (select count(*) from csat_responses)::int as responses,
        (select count(*) from health_scores)::int as scores,
        (select count(*) from alerts where customer_id is not null)::int as alerts`)
        ).rows[0]!,
    );

  beforeAll(async () => {
    t = await successApp();
    await seedDemo(t.app.platform, SUCCESS_MODULES, quiet);
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
    agent = (await login(t, 'agent@demo.salesops.local', 'Demo1234!')).auth;
  }, 240_000);
  afterAll(() => t.close());

  it('gives the dashboard something to say: scores, risk, renewals, alerts, a year of activity', async () => {
    const stats = await get<Stats>('/dashboard/stats');
    expect(stats.customers.total).toBeGreaterThanOrEqual(48);
    expect(stats.customers.by_status.churned).toBeGreaterThan(0);
    expect(stats.health.scored).toBeGreaterThanOrEqual(40);
    expect(stats.health.at_risk).toBeGreaterThan(0);
    expect(stats.alerts.open).toBeGreaterThan(0);
    expect(stats.renewals.customers).toBeGreaterThan(0);
    expect(stats.interactions.count).toBeGreaterThan(20);
    expect(stats.deployments.active).toBeGreaterThan(40);
    const alerts = await get<{ alerts: { type: string }[] }>('/alerts?limit=200');
    const types = new Set(alerts.alerts.map((a) => a.type));
    for (const type of ['contract_expiry', 'licence_expiry', 'health_drop']) expect(types).toContain(type);
  });

  it('keeps a health history in which declining accounts decline', async () => {
    const atRisk = await get<{ customers: { customer_id?: string; id?: string }[] }>(
      '/health-scores/at-risk',
    );
    expect(atRisk.customers.length).toBeGreaterThan(0);
    const first = atRisk.customers[0]!;
    const history = await get<{ health_scores: { overall_score: number }[] }>(
      `/health-scores/customer/${first.customer_id ?? first.id}/history?limit=100`,
    );
    // Newest first: a score every two weeks for a year, and today's is below where it stood.
    const scores = history.health_scores.map((s) => s.overall_score);
    expect(scores.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...scores.slice(10))).toBeGreaterThan(scores[0]!);
  });

  it('gives the demo agent a book of their own', async () => {
    const mine = await get<Stats>('/dashboard/stats', agent);
    const all = await get<Stats>('/dashboard/stats');
    expect(mine.customers.total).toBeGreaterThanOrEqual(16);
    expect(mine.customers.total).toBeLessThan(all.customers.total);
  });

  it('seeds once: a second seed adds nothing', async () => {
    const before = await counts();
    expect(before.customers).toBe(48);
    await seedDemo(t.app.platform, SUCCESS_MODULES, quiet);
    expect(await counts()).toEqual(before);
  }, 120_000);
});
