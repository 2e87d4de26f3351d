import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  createTeam,
  expectStatus,
  extraUser,
  fieldApp,
  jpeg,
  OUTLET_POINT,
  uploadPhoto,
  type Headers,
} from './helpers.js';

type Metric = { value: number; previous: number; change_percent: number };
type Overview = Record<string, Metric | null | string>;
type Bucket = {
  period_start: string;
  total: number;
  by_status: Record<string, number>;
  by_type: Record<string, number>;
  completion_rate: number;
};
type Series = { series: Bucket[]; totals: Omit<Bucket, 'period_start'> };
type BrandShare = { brand_id: string; is_own: boolean; share_percent: number; photos: number };
type ShelfShare = {
  photos: number;
  own_percent: number;
  competitor_percent: number;
  brands: BrandShare[];
  groups: { key: string; name: string | null; photos: number; own_percent: number; brands: BrandShare[] }[];
};

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
/** 0.0004° of latitude ≈ 44.5 m from the outlet (inside 100 m); 0.01° ≈ 1.1 km (outside). */
const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };
const FAR = { latitude: OUTLET_POINT.latitude + 0.01, longitude: OUTLET_POINT.longitude, accuracy_m: 20 };

describe('field: analytics', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let outletNorth: string;
  let outletSouth: string;
  let north: string;
  let own: string;
  let rival: string;
  let survey: string;
  // The current period is the last 10 days up to today; the previous one the 10 days before.
  const current = `from=${day(-9)}&to=${day(0)}`;

  const visit = async (auth: Headers, body: object) =>
    (await api.ok('POST', '/visits', auth, { outlet_id: outletNorth, ...body }, 201)).id;
  const complete = (auth: Headers, id: string, fix: object, checkIn?: object) =>
    (async () => {
      if (checkIn) await api.ok('PUT', `/visits/${id}/check-in`, auth, checkIn);
      await api.ok('PUT', `/visits/${id}/complete`, auth, fix);
    })();
  const photo = async (auth: Headers, visitId: string, quadrants: object[]) => {
    const res = expectStatus(
      await uploadPhoto(
        t,
        auth,
        { visit_id: visitId, purpose: 'shelf' },
        { name: 's.jpg', bytes: await jpeg() },
      ),
      201,
    );
    const id = res.json<{ id: string }>().id;
    await api.ok('POST', `/photos/${id}/shelf-quadrants`, auth, { quadrants });
  };

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    fx = await identityFixture(t, 'analytics');
    other = await identityFixture(t, 'analytics-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    north = (await api.ok('POST', '/org-units', admin, { name: 'North', type: 'region' }, 201)).id;
    const northCity = (
      await api.ok('POST', '/org-units', admin, { name: 'North city', parent_id: north }, 201)
    ).id;
    outletNorth = await createOutlet(t, admin, { org_unit_id: northCity });
    outletSouth = await createOutlet(t, admin, { latitude: 41.2, longitude: 69.2 });
    own = await createBrand(t, admin, true);
    rival = await createBrand(t, admin, false);
    survey = (
      await api.ok(
        'POST',
        '/surveys',
        admin,
        { title: 'Check', questions: [{ text: 'n', type: 'number' }] },
        201,
      )
    ).id;

    // Agent, current period: 4 visits — completed inside (with survey), completed outside, planned, cancelled.
    const a1 = await visit(agent.auth, { planned_date: day(-1), survey_id: survey });
    await complete(agent.auth, a1, NEAR, NEAR);
    const a2 = await visit(agent.auth, { planned_date: day(-2), visit_type: 'unplanned' });
    await complete(agent.auth, a2, FAR, NEAR);
    const a3 = await visit(agent.auth, { planned_date: day(-2) });
    await photo(agent.auth, a3, [
      {
        brand_id: own,
        cells: [
          { row: 0, col: 0 },
          { row: 0, col: 1 },
        ],
      },
      { brand_id: rival, area_percent: 25 },
    ]);
    const a4 = await visit(agent.auth, { planned_date: day(-9) });
    await api.ok('PUT', `/visits/${a4}/cancel`, agent.auth, { reason: 'closed' });
    // Agent, previous period: one completed inside, with survey.
    const a5 = await visit(agent.auth, { planned_date: day(-12), survey_id: survey });
    await complete(agent.auth, a5, NEAR);
    // Outside both periods: never counted.
    const a6 = await visit(agent.auth, { planned_date: day(-40) });
    await complete(agent.auth, a6, NEAR);

    // Peer (not in the leader's team), current period: one completed inside at the south outlet.
    const p1 = (
      await api.ok(
        'POST',
        '/visits',
        peer.auth,
        { outlet_id: outletSouth, planned_date: day(0), survey_id: survey },
        201,
      )
    ).id;
    await photo(peer.auth, p1, [
      { brand_id: own, cells: [{ row: 1, col: 1 }] },
      {
        brand_id: rival,
        cells: [
          { row: 0, col: 0 },
          { row: 0, col: 1 },
          { row: 1, col: 0 },
        ],
      },
    ]);
    await complete(peer.auth, p1, { latitude: 41.2, longitude: 69.2, accuracy_m: 5 });

    // Another tenant's completed visit and photo today: never in this tenant's numbers.
    const otherOutlet = await createOutlet(t, other.users.admin.auth);
    const otherBrand = await createBrand(t, other.users.admin.auth, true);
    const o1 = (
      await api.ok(
        'POST',
        '/visits',
        other.users.agent.auth,
        { outlet_id: otherOutlet, planned_date: day(0) },
        201,
      )
    ).id;
    const res = expectStatus(
      await uploadPhoto(
        t,
        other.users.agent.auth,
        { visit_id: o1, purpose: 'shelf' },
        { name: 'o.jpg', bytes: await jpeg() },
      ),
      201,
    );
    await api.ok('POST', `/photos/${res.json<{ id: string }>().id}/shelf-quadrants`, other.users.agent.auth, {
      quadrants: [{ brand_id: otherBrand, area_percent: 100 }],
    });
    await complete(other.users.agent.auth, o1, NEAR);
  });
  afterAll(() => t.close());

  const overview = (auth: Headers, query = current) =>
    api.ok<Overview>('GET', `/analytics/overview?${query}`, auth);

  it('overview for the tenant: hand-computed values against the previous period', async () => {
    const o = await overview(admin);
    expect([o.from, o.to, o.previous_from, o.previous_to]).toEqual([day(-9), day(0), day(-19), day(-10)]);
    expect(o.visits_planned).toEqual({ value: 5, previous: 1, change_percent: 400 });
    expect(o.visits_completed).toEqual({ value: 3, previous: 1, change_percent: 200 });
    // 3 of 5 completed = 60 % against 1 of 1 = 100 %: (60 − 100) ÷ 100 = −40 %.
    expect(o.completion_rate).toEqual({ value: 60, previous: 100, change_percent: -40 });
    // Inside: a1 and p1; a2 completed 1.1 km away → 2 ÷ 3.
    expect(o.geofence_compliance).toEqual({ value: 66.67, previous: 100, change_percent: -33.33 });
    expect(o.surveys_completed).toEqual({ value: 2, previous: 1, change_percent: 100 });
    expect(o.photos).toEqual({ value: 2, previous: 0, change_percent: 100 });
    // Own: 50 (2 of 4 cells) + 25 (1 of 4) = 75; all: 75 + 25 (area) + 75 (3 of 4) = 175 → 42.86 %.
    expect(o.shelf_share_own).toEqual({ value: 42.86, previous: 0, change_percent: 100 });
  });

  it('goal attainment and call-cycle adherence are 0 when there are no goals or call cycles', async () => {
    const o = await overview(admin);
    expect(o.goal_attainment).toEqual({ value: 0, previous: 0, change_percent: 0 });
    expect(o.call_cycle_adherence).toEqual({ value: 0, previous: 0, change_percent: 0 });
  });

  it('an agent sees only their own numbers; a team leader those of the team', async () => {
    for (const auth of [agent.auth, fx.users.team_leader.auth]) {
      const o = await overview(auth);
      expect(o.visits_planned).toEqual({ value: 4, previous: 1, change_percent: 300 });
      expect(o.visits_completed).toEqual({ value: 2, previous: 1, change_percent: 100 });
      expect((o.geofence_compliance as Metric).value).toBe(50);
      expect((o.photos as Metric).value).toBe(1);
      // 50 ÷ (50 + 25) = 66.67 %.
      expect((o.shelf_share_own as Metric).value).toBe(66.67);
    }
    const p = await overview(peer.auth);
    expect(p.visits_planned).toEqual({ value: 1, previous: 0, change_percent: 100 });
    expect((p.shelf_share_own as Metric).value).toBe(25);
    // The viewer reads the whole tenant.
    expect((await overview(fx.users.viewer.auth)).visits_planned).toEqual({
      value: 5,
      previous: 1,
      change_percent: 400,
    });
  });

  it('another tenant only ever counts its own rows', async () => {
    const o = await overview(other.users.admin.auth);
    expect(o.visits_planned).toEqual({ value: 1, previous: 0, change_percent: 100 });
    expect((o.photos as Metric).value).toBe(1);
    expect((o.shelf_share_own as Metric).value).toBe(100);
  });

  it('visit series: every day bucket, by status and type, with filters', async () => {
    const s = await api.ok<Series>('GET', `/analytics/visits?${current}&interval=day`, admin);
    expect(s.series).toHaveLength(10);
    expect(s.series[0]!.period_start).toBe(day(-9));
    const at = (d: string) => s.series.find((b) => b.period_start === d)!;
    expect(at(day(-2))).toMatchObject({
      total: 2,
      by_status: { planned: 1, in_progress: 0, completed: 1, cancelled: 0, missed: 0 },
      by_type: { planned: 1, unplanned: 1, follow_up: 0 },
      completion_rate: 50,
    });
    expect(at(day(-9)).by_status.cancelled).toBe(1);
    expect(at(day(-5)).total).toBe(0);
    expect(s.totals).toMatchObject({ total: 5, completion_rate: 60 });
    expect(s.totals.by_status).toEqual({ planned: 1, in_progress: 0, completed: 3, cancelled: 1, missed: 0 });

    const byAgent = await api.ok<Series>('GET', `/analytics/visits?${current}&agent=${peer.id}`, admin);
    expect(byAgent.totals.total).toBe(1);
    const bySurvey = await api.ok<Series>('GET', `/analytics/visits?${current}&survey=${survey}`, admin);
    expect(bySurvey.totals.total).toBe(2);
    // The org-unit filter takes the outlet's unit and every unit below it.
    const byUnit = await api.ok<Series>('GET', `/analytics/visits?${current}&org_unit=${north}`, admin);
    expect(byUnit.totals.total).toBe(4);
    const byOutlet = await api.ok<Series>('GET', `/analytics/visits?${current}&outlet=${outletSouth}`, admin);
    expect(byOutlet.totals.total).toBe(1);
    // The agent filter cannot widen the scope.
    const peek = await api.ok<Series>('GET', `/analytics/visits?${current}&agent=${peer.id}`, agent.auth);
    expect(peek.totals.total).toBe(0);
  });

  it('visit series by week and month: buckets start on Monday and on the 1st', async () => {
    for (const d of ['2025-06-02', '2025-06-04', '2025-06-09', '2025-07-01'])
      await visit(fx.users.national_manager.auth, { planned_date: d });
    const weeks = await api.ok<Series>(
      'GET',
      '/analytics/visits?from=2025-06-01&to=2025-07-06&interval=week',
      admin,
    );
    expect(weeks.series.map((b) => [b.period_start, b.total])).toEqual([
      ['2025-05-26', 0],
      ['2025-06-02', 2],
      ['2025-06-09', 1],
      ['2025-06-16', 0],
      ['2025-06-23', 0],
      ['2025-06-30', 1],
    ]);
    const months = await api.ok<Series>(
      'GET',
      '/analytics/visits?from=2025-06-01&to=2025-07-31&interval=month',
      admin,
    );
    expect(months.series.map((b) => [b.period_start, b.total])).toEqual([
      ['2025-06-01', 3],
      ['2025-07-01', 1],
    ]);
  });

  it('shelf share: Σ brand shares ÷ Σ all shares, own vs competitor, grouped', async () => {
    const s = await api.ok<ShelfShare>('GET', `/analytics/shelf-share?${current}`, admin);
    expect(s.photos).toBe(2);
    expect([s.own_percent, s.competitor_percent]).toEqual([42.86, 57.14]);
    expect(s.brands.map((b) => [b.brand_id, b.is_own, b.share_percent, b.photos])).toEqual([
      [rival, false, 57.14, 2],
      [own, true, 42.86, 2],
    ]);
    const byOutlet = await api.ok<ShelfShare>(
      'GET',
      `/analytics/shelf-share?${current}&group_by=outlet`,
      admin,
    );
    const south = byOutlet.groups.find((g) => g.key === outletSouth)!;
    expect([south.photos, south.own_percent]).toEqual([1, 25]);
    expect(byOutlet.groups.find((g) => g.key === outletNorth)!.own_percent).toBe(66.67);
    const byUnit = await api.ok<ShelfShare>(
      'GET',
      `/analytics/shelf-share?${current}&group_by=org_unit`,
      admin,
    );
    expect(byUnit.groups.map((g) => [g.name, g.own_percent]).sort()).toEqual(
      [
        ['North city', 66.67],
        [null, 25],
      ].sort(),
    );
    const byDay = await api.ok<ShelfShare>(
      'GET',
      `/analytics/shelf-share?${current}&group_by=period&interval=month`,
      admin,
    );
    expect(byDay.groups).toHaveLength(1);
    expect(byDay.groups[0]!.key).toBe(`${day(0).slice(0, 7)}-01`);
    const filtered = await api.ok<ShelfShare>(
      'GET',
      `/analytics/shelf-share?${current}&org_unit=${north}`,
      admin,
    );
    expect([filtered.photos, filtered.own_percent, filtered.competitor_percent]).toEqual([1, 66.67, 33.33]);
    const mine = await api.ok<ShelfShare>('GET', `/analytics/shelf-share?${current}`, peer.auth);
    expect([mine.photos, mine.own_percent, mine.competitor_percent]).toEqual([1, 25, 75]);
    const empty = await api.ok<ShelfShare>(
      'GET',
      '/analytics/shelf-share?from=2020-01-01&to=2020-01-31',
      admin,
    );
    expect([empty.photos, empty.own_percent, empty.competitor_percent, empty.brands]).toEqual([0, 0, 0, []]);
  });

  it('coverage heat-map: completed visits per outlet with its coordinates', async () => {
    const c = await api.ok<{
      outlets_visited: number;
      visits_completed: number;
      heatmap: { outlet_id: string; lat: number; lng: number; weight: number }[];
    }>('GET', `/analytics/call-cycle-coverage?${current}`, admin);
    expect(c.visits_completed).toBe(3);
    expect(c.heatmap).toEqual([
      { outlet_id: outletNorth, lat: OUTLET_POINT.latitude, lng: OUTLET_POINT.longitude, weight: 2 },
      { outlet_id: outletSouth, lat: 41.2, lng: 69.2, weight: 1 },
    ]);
    const mine = await api.ok<{ heatmap: unknown[] }>(
      'GET',
      `/analytics/call-cycle-coverage?${current}`,
      agent.auth,
    );
    expect(mine.heatmap).toHaveLength(1);
  });

  it('needs a signed-in caller, and validates the period', async () => {
    expectStatus(await api.call('GET', '/analytics/overview'), 401);
    expectStatus(await api.call('GET', `/analytics/overview?from=${day(0)}&to=${day(-1)}`, admin), 422);
    expectStatus(await api.call('GET', '/analytics/visits?interval=year', admin), 422);
    expectStatus(await api.call('GET', '/analytics/visits?from=2000-01-01&to=2026-01-01', admin), 422);
    // Defaults: the 30 days up to today.
    const o = await overview(admin, '');
    expect([o.from, o.to]).toEqual([day(-29), day(0)]);
  });
});
