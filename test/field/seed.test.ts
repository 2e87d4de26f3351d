import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedFieldScale } from '../../src/modules/field/seed-scale.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { FIELD_MODULES, fieldApp, type Headers } from './helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };
type Metric = { value: number; previous: number };
type Counts = Record<
  'surveys' | 'questions' | 'visits' | 'answers' | 'photos' | 'quadrants' | 'cycles' | 'slots' | 'goals',
  number
>;

describe('field demo and scale data', () => {
  let t: TestApp;
  let admin: Headers;
  const get = async <T>(url: string, headers = admin): Promise<T> => {
    const res = await t.app.inject({ url: `/api/v1${url}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const counts = () =>
    t.database.db.withSystem(async (tx) => {
      const { rows } = await tx.sql.query<Counts>(
        `select (select count(*) from surveys)::int as surveys, (select count(*) from survey_questions)::int as questions,
          (select count(*) from visits)::int as visits, (select count(*) from visit_answers)::int as answers,
          (select count(*) from photos)::int as photos, (select count(*) from shelf_quadrants)::int as quadrants,
          (select count(*) from call_cycles)::int as cycles, (select count(*) from call_cycle_slots)::int as slots,
          (select count(*) from goals)::int as goals`,
      );
      return rows[0]!;
    });

  // Seeding draws and stores a month of shelf photos: about a minute on a busy machine.
  beforeAll(async () => {
    t = await fieldApp();
    await seedDemo(t.app.platform, FIELD_MODULES, quiet);
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
  }, 180_000);
  afterAll(() => t.close());

  it('seeds surveys, a month of visits, answers, photos and shelf marks once', async () => {
    const first = await counts();
    expect(first.surveys).toBe(2);
    expect(first.cycles).toBe(6);
    expect(first.goals).toBe(3);
    expect(first.visits).toBeGreaterThan(100);
    expect(first.answers).toBeGreaterThan(50);
    expect(first.photos).toBeGreaterThan(10);
    expect(first.quadrants).toBeGreaterThanOrEqual(first.photos * 2);
    await seedDemo(t.app.platform, FIELD_MODULES, quiet);
    expect(await counts()).toEqual(first);
  });

  it('makes every analytics report non-empty, with some visits outside the geofence', async () => {
    const o = await get<Record<string, Metric>>('/analytics/overview');
    expect(o.visits_completed!.value).toBeGreaterThan(50);
    expect(o.geofence_compliance!.value).toBeGreaterThan(50);
    expect(o.geofence_compliance!.value).toBeLessThan(100);
    expect(o.photos!.value).toBeGreaterThan(10);
    expect(o.shelf_share_own!.value).toBeGreaterThan(0);
    expect(o.shelf_share_own!.value).toBeLessThan(100);
    const series = await get<{ totals: { by_status: Record<string, number> } }>('/analytics/visits');
    for (const status of ['completed', 'cancelled', 'missed'])
      expect(series.totals.by_status[status]).toBeGreaterThan(0);
    const share = await get<{ brands: { is_own: boolean }[] }>('/analytics/shelf-share');
    expect(new Set(share.brands.map((b) => b.is_own))).toEqual(new Set([true, false]));
    expect(o.goal_attainment!.value).toBeGreaterThan(0);
    expect(o.call_cycle_adherence!.value).toBeGreaterThan(40);
    expect(o.call_cycle_adherence!.value).toBeLessThan(100);
    const heat = await get<{ heatmap: unknown[]; cycles: { coverage_percent: number }[] }>(
      '/analytics/call-cycle-coverage',
    );
    expect(heat.heatmap.length).toBeGreaterThan(3);
    expect(heat.cycles).toHaveLength(6);
    expect(heat.cycles.every((c) => c.coverage_percent > 0)).toBe(true);
    const completion = await get<{ surveys: { visits: number; completion_rate: number }[] }>(
      '/admin/surveys/completion',
    );
    expect(completion.surveys.every((s) => s.visits > 0 && s.completion_rate > 0)).toBe(true);
    // The agent sees a part of it.
    const agent = (await login(t, 'agent@demo.salesops.local', 'Demo1234!')).auth;
    const mine = await get<Record<string, Metric>>('/analytics/overview', agent);
    expect(mine.visits_completed!.value).toBeGreaterThan(0);
    expect(mine.visits_completed!.value).toBeLessThan(o.visits_completed!.value);
  });

  it("lets the demo area manager, who leads the South team, see its agent's visits", async () => {
    const manager = (await login(t, 'area.manager@demo.salesops.local', 'Demo1234!')).auth;
    const users = await get<{ users: { id: string; email: string }[] }>('/users?q=agent2', admin);
    const south = users.users.find((u) => u.email === 'agent2@demo.salesops.local')!;
    const theirs = await get<{ visits: { id: string; agent_id: string }[] }>(
      `/visits?agent=${south.id}&limit=5`,
      manager,
    );
    expect(theirs.visits.length).toBeGreaterThan(0);
    expect(theirs.visits.every((v) => v.agent_id === south.id)).toBe(true);
    const one = await t.app.inject({ url: `/api/v1/visits/${theirs.visits[0]!.id}`, headers: manager });
    expect(one.statusCode).toBe(200);
  });

  it('stores each demo photo with a thumbnail through platform storage', async () => {
    const list = await get<{ photos: { id: string; has_thumbnail: boolean; width: number }[] }>(
      '/photos?limit=3',
    );
    expect(list.photos).toHaveLength(3);
    for (const photo of list.photos) {
      expect(photo.has_thumbnail).toBe(true);
      const file = await t.app.inject({ url: `/api/v1/photos/${photo.id}/file`, headers: admin });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
      const thumb = await t.app.inject({ url: `/api/v1/photos/${photo.id}/thumbnail`, headers: admin });
      expect(thumb.statusCode).toBe(200);
    }
  });

  it('scale seed adds N visits with about N/5 photos and their shelf marks, set-based', async () => {
    const before = await counts();
    const progress: number[] = [];
    const result = await seedFieldScale(t.app.platform.system, {
      visits: 2_500,
      batchSize: 1_500,
      onProgress: (done) => progress.push(done),
    });
    expect(result.visits).toBe(2_500);
    // 2,500 visits at about 2,000 per agent: two synthetic agents join the field force.
    expect(result.agentsAdded).toBe(2);
    expect(result.photos).toBe(500);
    // Batches start at 1,000 and double up to the batch size.
    expect(progress).toEqual([0, 1_000, 2_500]);
    const after = await counts();
    expect(after.visits - before.visits).toBe(2_500);
    expect(after.photos - before.photos).toBe(500);
    expect(after.quadrants - before.quadrants).toBe(result.quadrants);
    expect(result.quadrants).toBeGreaterThanOrEqual(500);
    // Spread over a year, all through the analytics.
    const year = await get<{ series: { total: number }[]; totals: { total: number } }>(
      `/analytics/visits?interval=month&from=${new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10)}`,
    );
    expect(year.totals.total).toBeGreaterThanOrEqual(2_500);
    expect(year.series.filter((b) => b.total > 0).length).toBeGreaterThanOrEqual(12);
    const share = await get<{ photos: number; own_percent: number }>(
      `/analytics/shelf-share?from=${new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10)}`,
    );
    expect(share.photos).toBeGreaterThanOrEqual(500);
    const again = await seedFieldScale(t.app.platform.system, { visits: 100 });
    expect([again.visits, again.photos, again.agentsAdded]).toEqual([100, 20, 0]);
    const scaleAgent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'scale-agent-00001@demo.scale.local', password: 'Demo1234!' },
    });
    expect(scaleAgent.statusCode).toBe(401);
    await expect(
      seedFieldScale(t.app.platform.system, { visits: 10, tenant: 'no-such-tenant' }),
    ).rejects.toThrow(/No tenant/);
  });
});
