import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createOutlet,
  expectStatus,
  extraUser,
  fieldApp,
  jpeg,
  OUTLET_POINT,
  uploadPhoto,
  type Headers,
} from './helpers.js';

type Completion = {
  survey_id: string;
  title: string;
  archived: boolean;
  visits: number;
  completed: number;
  cancelled: number;
  completion_rate: number;
};
type Activity = { users: { user_id: string; counts: Record<string, number> }[] };

const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };

describe('field: admin reports', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let outlet: string;
  const surveys: Record<string, string> = {};

  const visit = async (auth: Headers, survey: string | null, date: string) =>
    (
      await api.ok(
        'POST',
        '/visits',
        auth,
        { outlet_id: outlet, planned_date: date, ...(survey ? { survey_id: survey } : {}) },
        201,
      )
    ).id;
  const complete = (auth: Headers, id: string) => api.ok('PUT', `/visits/${id}/complete`, auth, NEAR);

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    fx = await identityFixture(t, 'admin-reports');
    other = await identityFixture(t, 'admin-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    peer = await extraUser(t, fx, 'agent');
    outlet = await createOutlet(t, admin);
    for (const title of ['Alpha', 'Beta', 'Gamma'])
      surveys[title] = (await api.ok('POST', '/surveys', admin, { title }, 201)).id;

    // Alpha in March 2026: 3 visits, 2 completed (agent, peer), 1 cancelled; one more in April.
    const a1 = await visit(agent.auth, surveys.Alpha!, '2026-03-02');
    await complete(agent.auth, a1);
    const a2 = await visit(peer.auth, surveys.Alpha!, '2026-03-15');
    await complete(peer.auth, a2);
    const a3 = await visit(agent.auth, surveys.Alpha!, '2026-03-31');
    await api.ok('PUT', `/visits/${a3}/cancel`, agent.auth, { reason: 'shop closed' });
    await visit(agent.auth, surveys.Alpha!, '2026-04-01');
    // Gamma: one completed visit in March, then the survey is archived (it has visits).
    const g1 = await visit(agent.auth, surveys.Gamma!, '2026-03-10');
    const res = expectStatus(
      await uploadPhoto(
        t,
        agent.auth,
        { visit_id: g1, purpose: 'shelf' },
        { name: 'a.jpg', bytes: await jpeg() },
      ),
      201,
    );
    expect(res.json<{ id: string }>().id).toBeTruthy();
    await complete(agent.auth, g1);
    await api.call('DELETE', `/surveys/${surveys.Gamma!}`, admin);
    // A visit without a survey counts for nobody's survey.
    await complete(agent.auth, await visit(agent.auth, null, '2026-03-05'));
    // The other tenant's survey and visit never show up here.
    const otherOutlet = await createOutlet(t, other.users.admin.auth);
    const otherSurvey = (await api.ok('POST', '/surveys', other.users.admin.auth, { title: 'Alpha' }, 201))
      .id;
    await api.ok(
      'POST',
      '/visits',
      other.users.agent.auth,
      { outlet_id: otherOutlet, survey_id: otherSurvey, planned_date: '2026-03-03' },
      201,
    );
  });
  afterAll(() => t.close());

  const report = (auth: Headers, query = 'from=2026-03-01&to=2026-03-31') =>
    api.ok<{ surveys: Completion[]; total: number }>('GET', `/admin/surveys/completion?${query}`, auth);

  it('per survey: visits planned in the period, completed, completion rate', async () => {
    const r = await report(admin);
    expect(
      r.surveys.map((s) => [s.title, s.archived, s.visits, s.completed, s.cancelled, s.completion_rate]),
    ).toEqual([
      ['Alpha', false, 3, 2, 1, 66.67],
      ['Gamma', true, 1, 1, 0, 100],
      ['Beta', false, 0, 0, 0, 0],
    ]);
    expect(r.total).toBe(3);
    // April: Alpha's one planned visit; an archived survey without visits in the period is left out.
    const april = await report(admin, 'from=2026-04-01&to=2026-04-30');
    expect(april.surveys.map((s) => [s.title, s.visits, s.completion_rate])).toEqual([
      ['Alpha', 1, 0],
      ['Beta', 0, 0],
    ]);
    const all = await report(admin, 'from=2026-04-01&to=2026-04-30&include_archived=true');
    expect(all.surveys.map((s) => s.title)).toEqual(['Alpha', 'Beta', 'Gamma']);
  });

  it('the other tenant sees only its own survey', async () => {
    const r = await report(other.users.admin.auth);
    expect(r.surveys.map((s) => [s.title, s.visits, s.completed])).toEqual([['Alpha', 1, 0]]);
  });

  it('needs the survey report permission (admin, national manager)', async () => {
    expect((await report(fx.users.national_manager.auth)).total).toBe(3);
    for (const role of ['agent', 'team_leader', 'area_manager', 'viewer'] as const)
      expectStatus(await api.call('GET', '/admin/surveys/completion', fx.users[role].auth), 403);
    expectStatus(await api.call('GET', '/admin/surveys/completion'), 401);
    expectStatus(
      await api.call('GET', '/admin/surveys/completion?from=2026-03-02&to=2026-03-01', admin),
      422,
    );
  });

  it('user activity carries completed visits, check-ins and photos per user', async () => {
    await api.ok('PUT', `/visits/${await visit(peer.auth, null, '2026-03-20')}/check-in`, peer.auth, NEAR);
    const r = await api.ok<Activity>('GET', '/admin/users/activity?limit=100', admin);
    const counts = (id: string) => r.users.find((u) => u.user_id === id)!.counts;
    // Completion times are "now", so every completed visit falls in the default 30 days.
    expect(counts(agent.id)).toMatchObject({ visits_completed: 3, visits_checked_in: 0, photos: 1 });
    expect(counts(peer.id)).toMatchObject({ visits_completed: 1, visits_checked_in: 1, photos: 0 });
    expect(counts(fx.users.admin.id)).toMatchObject({ visits_completed: 0, photos: 0 });
    const past = await api.ok<Activity>(
      'GET',
      '/admin/users/activity?limit=100&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z',
      admin,
    );
    expect(past.users.find((u) => u.user_id === agent.id)!.counts.visits_completed).toBe(0);
    const otherReport = await api.ok<Activity>(
      'GET',
      '/admin/users/activity?limit=100',
      other.users.admin.auth,
    );
    expect(otherReport.users.every((u) => u.counts.visits_completed === 0)).toBe(true);
  });

  it('counts the users of a later page as the whole report does (limit=1)', async () => {
    type Report = Activity & { total: number };
    const full = await api.ok<Report>('GET', '/admin/users/activity?limit=100', admin);
    const page = async (offset: number) =>
      api.ok<Report>('GET', `/admin/users/activity?limit=1&offset=${offset}`, admin);
    const second = await page(1);
    expect(second.users).toEqual([full.users[1]]);
    expect(second.total).toBe(full.total);
    // And a later page whose user has field counts: only that user's visits and photos are counted.
    const at = full.users.findIndex((u) => u.user_id === agent.id);
    expect(at).toBeGreaterThan(0);
    const agentPage = await page(at);
    expect(agentPage.users).toEqual([full.users[at]]);
    expect(agentPage.users[0]!.counts).toMatchObject({ visits_completed: 3, photos: 1 });
    expect((await page(full.total)).users).toEqual([]);
  });
});
