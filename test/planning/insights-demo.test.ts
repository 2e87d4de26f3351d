import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { client } from './helpers.js';
import { INSIGHT_MODULES, insightsApp, sqlAsSystem } from './insights-world.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

describe('planning demo data', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  let seconds = 0;

  beforeAll(async () => {
    t = await insightsApp();
    const started = Date.now();
    await seedDemo(t.app.platform, INSIGHT_MODULES, quiet);
    seconds = (Date.now() - started) / 1000;
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
    agent = (await login(t, 'agent@demo.salesops.local', 'Demo1234!')).auth;
  }, 240_000);
  afterAll(() => t.close());

  it('has two years of history, a matrix, a closed and an open cycle with forecasts', async () => {
    const [counts] = await sqlAsSystem<Record<string, number>>(
      t,
      `select (select count(*) from sales_history)::int as history,
        (select count(distinct month) from sales_history)::int as months,
        (select count(*) from product_customer_matrix)::int as matrix,
        (select count(*) from sop_cycles where status = 'closed')::int as closed,
        (select count(*) from sop_cycles where status = 'open')::int as open,
        (select count(*) from forecasts where status = 'approved')::int as approved,
        (select count(*) from forecasts where status = 'submitted')::int as submitted,
        (select count(*) from forecasts where status = 'draft')::int as drafts`,
    );
    expect(counts).toMatchObject({ months: 24, closed: 1, open: 1 });
    expect(counts!.history).toBe(counts!.matrix! * 24);
    expect(counts!.approved).toBe(counts!.matrix);
    expect(counts!.submitted).toBeGreaterThan(0);
    expect(counts!.drafts).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
  });

  it('shows accuracy for the closed cycle, and the agent their own', async () => {
    const report = await client(t).ok<{ groups: { forecast: { pairs: number; wape: number | null } }[] }>(
      'GET',
      '/sop/accuracy?group_by=cycle',
      admin,
    );
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]!.forecast.pairs).toBeGreaterThan(0);
    expect(report.groups[0]!.forecast.wape).toEqual(expect.any(Number));
    const mine = await client(t).ok<{ groups: unknown[] }>('GET', '/sop/accuracy', agent);
    expect(mine.groups).toHaveLength(1);
  });

  it('runs again without adding anything', async () => {
    const before = await sqlAsSystem<{ n: number }>(t, 'select count(*)::int as n from forecasts');
    await seedDemo(t.app.platform, INSIGHT_MODULES, quiet);
    expect(await sqlAsSystem<{ n: number }>(t, 'select count(*)::int as n from forecasts')).toEqual(before);
  });
});
