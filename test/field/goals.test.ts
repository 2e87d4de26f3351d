import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/field/formulas.js';
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
  walkTwoCursorPages,
  type Headers,
  type Method,
} from './helpers.js';

type Goal = {
  id: string;
  metric: string;
  target: string;
  is_active: boolean;
  archived_at: string | null;
  assignment_count: number;
  assignments?: {
    id: string;
    assignee_type: string;
    user_id: string | null;
    team_id: string | null;
    target: string | null;
    effective_target: string;
  }[];
};
type Progress = {
  metric: string;
  data_available: boolean;
  note: string | null;
  overall: { actual: number; target: string; progress_percent: number };
  assignees: {
    assignee_type: string;
    user_id: string | null;
    team_id: string | null;
    member_count: number;
    target: string;
    actual: number;
    progress_percent: number;
  }[];
};
type Problem = { code: string; errors: { path: string; message: string }[] };

const today = new Date().toISOString().slice(0, 10);
const D = (days: number) => addDays(today, days);
const GPS = { ...OUTLET_POINT, accuracy_m: 5 };

describe('field: goals', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let member: FixtureUser;
  let peer: FixtureUser;
  let leader: FixtureUser;
  let team: string;
  let outlet: string;
  let survey: string;
  let own: string;
  let rival: string;
  let api: ReturnType<typeof client>;

  async function completed(auth: Headers, on: string, extra: object = {}) {
    const v = await api.ok('POST', '/visits', auth, { outlet_id: outlet, planned_date: on, ...extra }, 201);
    await api.ok('PUT', `/visits/${v.id}/complete`, auth, { ...GPS, completed_at: `${on}T12:00:00.000Z` });
  }

  /** A shelf photo on an open visit, marked with the given cells of own and rival brands (2×2 grid). */
  async function shelfPhoto(auth: Headers, ownCells: number, rivalCells: number) {
    const v = await api.ok('POST', '/visits', auth, { outlet_id: outlet }, 201);
    const res = await uploadPhoto(
      t,
      auth,
      { visit_id: v.id, purpose: 'shelf' },
      { name: 's.jpg', bytes: await jpeg() },
    );
    const photo = expectStatus(res, 201).json<{ id: string }>();
    const cells = [
      { row: 0, col: 0 },
      { row: 0, col: 1 },
      { row: 1, col: 0 },
      { row: 1, col: 1 },
    ];
    await api.ok('POST', `/photos/${photo.id}/shelf-quadrants`, auth, {
      quadrants: [
        { brand_id: own, cells: cells.slice(0, ownCells) },
        { brand_id: rival, cells: cells.slice(ownCells, ownCells + rivalCells) },
      ],
    });
  }

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'goals');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    leader = fx.users.team_leader;
    api = client(t);
    member = await extraUser(t, fx, 'agent');
    peer = await extraUser(t, fx, 'agent');
    team = (await createTeam(t, fx, leader.id, [agent.id, member.id])).id;
    outlet = await createOutlet(t, admin);
    own = await createBrand(t, admin, true);
    rival = await createBrand(t, admin, false);
    survey = (await api.ok('POST', '/surveys', admin, { title: 'Check' }, 201)).id;

    // In the period D(-10)..D(10): the agent completes 2 visits (one with the survey), the member 1,
    // the peer 1; each agent takes one shelf photo. One visit of the agent falls before the period.
    await completed(agent.auth, D(-5));
    await completed(agent.auth, D(-4), { survey_id: survey });
    await completed(agent.auth, D(-20));
    await completed(member.auth, D(-3));
    await completed(peer.auth, D(-3));
    await shelfPhoto(agent.auth, 3, 1); // own 75 %, rival 25 %
    await shelfPhoto(member.auth, 1, 3); // own 25 %, rival 75 %
  });
  afterAll(() => t.close());

  const goal = (auth: Headers, body: object, status = 201) =>
    api.ok<Goal>(
      'POST',
      '/goals',
      auth,
      { name: 'Goal', period_start: D(-10), period_end: D(10), ...body },
      status,
    );
  const progress = (auth: Headers, id: string) => api.ok<Progress>('GET', `/goals/${id}/progress`, auth);
  const byAssignee = (p: Progress) =>
    Object.fromEntries(
      p.assignees.map((a) => [a.user_id ?? a.team_id, [a.actual, a.target, a.progress_percent]]),
    );

  it('visits_completed: a user counts their own visits, a team sums its members', async () => {
    const g = await goal(admin, {
      metric: 'visits_completed',
      target: 4,
      assignees: [
        { type: 'user', id: agent.id, target: '2' },
        { type: 'team', id: team },
      ],
    });
    expect(g.target).toBe('4.00');
    expect(g.assignments!.map((a) => [a.assignee_type, a.target, a.effective_target])).toEqual([
      ['team', null, '4.00'],
      ['user', '2.00', '2.00'],
    ]);
    const p = await progress(admin, g.id);
    expect(byAssignee(p)).toEqual({ [agent.id]: [2, '2.00', 100], [team]: [3, '4.00', 75] });
    expect(p.assignees.find((a) => a.team_id)!.member_count).toBe(2);
    // Σ actual 5 ÷ Σ target 6.
    expect(p.overall).toEqual({ actual: 5, target: '6.00', progress_percent: 83.33 });
    expect(p.data_available).toBe(true);
  });

  it('surveys_completed, photos and a survey filter', async () => {
    const surveys = await goal(admin, {
      metric: 'surveys_completed',
      target: 2,
      assignees: [{ type: 'user', id: agent.id }],
    });
    expect(byAssignee(await progress(admin, surveys.id))).toEqual({ [agent.id]: [1, '2.00', 50] });
    const visitsOfSurvey = await goal(admin, {
      metric: 'visits_completed',
      target: 1,
      survey_id: survey,
      assignees: [{ type: 'team', id: team }],
    });
    expect(byAssignee(await progress(admin, visitsOfSurvey.id))).toEqual({ [team]: [1, '1.00', 100] });
    const photos = await goal(admin, {
      metric: 'photos',
      target: 4,
      assignees: [{ type: 'team', id: team }],
    });
    expect(byAssignee(await progress(admin, photos.id))).toEqual({ [team]: [2, '4.00', 50] });
    const brandPhotos = await goal(admin, {
      metric: 'photos',
      target: 1,
      brand_id: own,
      assignees: [{ type: 'user', id: peer.id }],
    });
    expect(byAssignee(await progress(admin, brandPhotos.id))).toEqual({ [peer.id]: [0, '1.00', 0] });
  });

  it('shelf_share: the aggregated share of the goal’s brand over the assignee’s photos', async () => {
    const g = await goal(admin, {
      metric: 'shelf_share',
      brand_id: own,
      target: 80,
      assignees: [
        { type: 'user', id: agent.id },
        { type: 'team', id: team },
      ],
    });
    const p = await progress(admin, g.id);
    // Agent: 75 ÷ (75 + 25) = 75 % of 80. Team: (75 + 25) ÷ 200 = 50 % of 80.
    expect(byAssignee(p)).toEqual({ [agent.id]: [75, '80.00', 93.75], [team]: [50, '80.00', 62.5] });
    expect(p.overall).toEqual({ actual: 50, target: '80.00', progress_percent: 62.5 });
  });

  it('manual: assignees report progress; each report replaces the last', async () => {
    const g = await goal(admin, {
      metric: 'manual',
      target: 10,
      assignees: [
        { type: 'user', id: agent.id },
        { type: 'team', id: team },
        { type: 'user', id: peer.id },
      ],
    });
    await api.ok('POST', `/goals/${g.id}/progress`, agent.auth, { value: '3' });
    let p = await api.ok<Progress>('POST', `/goals/${g.id}/progress`, agent.auth, { value: '4' });
    // The agent sees their own and their team's assignment, not the peer's.
    expect(byAssignee(p)).toEqual({ [agent.id]: [4, '10.00', 40], [team]: [0, '10.00', 0] });
    p = await api.ok<Progress>('POST', `/goals/${g.id}/progress`, leader.auth, {
      assignee_type: 'team',
      assignee_id: team,
      value: '12.5',
    });
    expect(byAssignee(p)[team]).toEqual([12.5, '10.00', 100]);
    const all = await progress(admin, g.id);
    expect(all.overall).toEqual({ actual: 16.5, target: '30.00', progress_percent: 55 });
    const bad = expectStatus(
      await api.call('POST', `/goals/${g.id}/progress`, agent.auth, { assignee_id: peer.id, value: '1' }),
      422,
    ).json<Problem>();
    expect(bad.errors[0]!.path).toBe('/body/assignee_id');
    expectStatus(await api.call('POST', `/goals/${g.id}/progress`, agent.auth, { value: '-1' }), 422);
    expectStatus(
      await api.call('POST', `/goals/${g.id}/progress`, fx.users.viewer.auth, { value: '1' }),
      403,
    );
    const computed = await goal(admin, {
      metric: 'photos',
      target: 1,
      assignees: [{ type: 'user', id: agent.id }],
    });
    expectStatus(
      await api.call('POST', `/goals/${computed.id}/progress`, agent.auth, { value: '1' }),
      409,
      'GOAL_NOT_MANUAL',
    );
    // Deleting a goal with reports archives it; archived goals do not change.
    expectStatus(await api.call('DELETE', `/goals/${g.id}`, admin), 204);
    const archived = await api.ok<Goal>('GET', `/goals/${g.id}`, admin);
    expect(archived).toMatchObject({ is_active: false });
    expect(archived.archived_at).not.toBeNull();
    expectStatus(await api.call('PUT', `/goals/${g.id}`, admin, { name: 'x' }), 409, 'GOAL_ARCHIVED');
    expectStatus(
      await api.call('POST', `/goals/${g.id}/progress`, agent.auth, { value: '5' }),
      409,
      'GOAL_ARCHIVED',
    );
    const archivedList = await api.ok<{ goals: Goal[] }>('GET', '/goals?archived=true&limit=500', admin);
    expect(archivedList.goals.map((x) => x.id)).toContain(g.id);
  });

  it('assigns, re-targets and unassigns; deletes a goal without reports', async () => {
    const g = await goal(admin, { metric: 'visits_completed', target: 5 });
    let read = await api.ok<Goal>('POST', `/goals/${g.id}/assign`, admin, {
      assignees: [
        { type: 'user', id: agent.id },
        { type: 'team', id: team, target: 7 },
      ],
    });
    expect(read.assignment_count).toBe(2);
    read = await api.ok<Goal>('POST', `/goals/${g.id}/assign`, admin, {
      assignees: [{ type: 'user', id: agent.id, target: 3 }],
    });
    expect(read.assignments!.find((a) => a.user_id === agent.id)!.effective_target).toBe('3.00');
    read = await api.ok<Goal>('POST', `/goals/${g.id}/unassign`, admin, {
      assignees: [
        { type: 'team', id: team },
        { type: 'user', id: peer.id },
      ],
    });
    expect(read.assignments!.map((a) => a.user_id)).toEqual([agent.id]);
    read = await api.ok<Goal>('PUT', `/goals/${g.id}`, admin, { target: '6.5', is_active: false });
    expect(read).toMatchObject({ target: '6.50', is_active: false });
    expectStatus(await api.call('DELETE', `/goals/${g.id}`, admin), 204);
    expectStatus(await api.call('GET', `/goals/${g.id}`, admin), 404);
  });

  it('validates input with JSON pointers', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    let bad = expectStatus(
      await api.call('POST', '/goals', admin, {
        name: 'Bad',
        metric: 'shelf_share',
        target: 150,
        period_start: D(5),
        period_end: D(1),
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(['/body/period_end', '/body/brand_id', '/body/target']);
    bad = expectStatus(
      await api.call('POST', '/goals', admin, {
        name: 'x',
        metric: 'sales',
        target: 'lots',
        period_start: D(0),
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/body/metric', '/body/target', '/body/period_end']),
    );
    bad = expectStatus(
      await api.call('POST', '/goals', admin, {
        name: 'Refs',
        metric: 'photos',
        target: 1,
        period_start: D(0),
        period_end: D(1),
        brand_id: unknown,
        survey_id: unknown,
        assignees: [{ type: 'user', id: unknown }],
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(['/body/brand_id', '/body/survey_id']);
    const g = await goal(admin, { metric: 'photos', target: 1 });
    bad = expectStatus(
      await api.call('POST', `/goals/${g.id}/assign`, admin, {
        assignees: [
          { type: 'user', id: unknown },
          { type: 'team', id: unknown },
          { type: 'user', id: agent.id, target: '0' },
        ],
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual([
      '/body/assignees/0/id',
      '/body/assignees/1/id',
      '/body/assignees/2/target',
    ]);
  });

  it('applies permissions and the data scope', async () => {
    const forAgent = await goal(admin, {
      metric: 'photos',
      target: 1,
      assignees: [{ type: 'user', id: agent.id }],
    });
    const forTeam = await goal(admin, {
      metric: 'photos',
      target: 1,
      assignees: [{ type: 'team', id: team }],
    });
    const forPeer = await goal(admin, {
      metric: 'photos',
      target: 1,
      assignees: [{ type: 'user', id: peer.id }],
    });
    const listed = async (auth: Headers, query = '') =>
      (await api.ok<{ goals: Goal[] }>('GET', `/goals?limit=500${query}`, auth)).goals.map((g) => g.id);
    const agentSees = await listed(agent.auth);
    expect(agentSees).toEqual(expect.arrayContaining([forAgent.id, forTeam.id]));
    expect(agentSees).not.toContain(forPeer.id);
    const leaderSees = await listed(leader.auth);
    expect(leaderSees).toEqual(expect.arrayContaining([forAgent.id, forTeam.id]));
    expect(leaderSees).not.toContain(forPeer.id);
    expect(await listed(fx.users.viewer.auth)).toEqual(
      expect.arrayContaining([forAgent.id, forTeam.id, forPeer.id]),
    );
    expect(await listed(admin, `&assignee=${member.id}`)).toContain(forTeam.id);
    expect(await listed(admin, `&assignee=${member.id}`)).not.toContain(forAgent.id);
    // An assignment outside the caller's scope stays hidden, also from the assignee filter.
    const shared = await goal(admin, {
      metric: 'photos',
      target: 1,
      assignees: [
        { type: 'user', id: agent.id },
        { type: 'user', id: peer.id },
      ],
    });
    expect((await api.ok<Goal>('GET', `/goals/${shared.id}`, agent.auth)).assignment_count).toBe(1);
    expect(await listed(agent.auth, `&assignee=${agent.id}`)).toContain(shared.id);
    expect(await listed(agent.auth, `&assignee=${peer.id}`)).not.toContain(shared.id);
    expect(await listed(admin, `&assignee=${peer.id}`)).toContain(shared.id);
    for (const url of [`/goals/${forPeer.id}`, `/goals/${forPeer.id}/progress`])
      expectStatus(await api.call('GET', url, agent.auth), 404);
    // Agents and viewers do not set goals.
    for (const auth of [agent.auth, fx.users.viewer.auth])
      expectStatus(
        await api.call('POST', '/goals', auth, {
          name: 'x',
          metric: 'photos',
          target: 1,
          period_start: D(0),
          period_end: D(1),
        }),
        403,
      );
    // A team leader sets goals for their team, not for others, and cannot rewrite the admin's goal.
    const own = await goal(leader.auth, {
      metric: 'visits_completed',
      target: 3,
      assignees: [{ type: 'team', id: team }],
    });
    expect((await progress(leader.auth, own.id)).assignees).toHaveLength(1);
    expectStatus(
      await api.call('POST', `/goals/${own.id}/assign`, leader.auth, {
        assignees: [{ type: 'user', id: peer.id }],
      }),
      422,
    );
    expectStatus(
      await api.call('PUT', `/goals/${forTeam.id}`, leader.auth, { name: 'x' }),
      403,
      'GOAL_NOT_OWNED',
    );
    expectStatus(await api.call('DELETE', `/goals/${forPeer.id}`, leader.auth), 404);
    expectStatus(await api.call('GET', '/goals'), 401);
  });

  it('pages the list by keyset cursor within the data scope; a garbage cursor is 422', async () => {
    const planned = (start: string, assignee: { type: string; id: string }) =>
      goal(admin, {
        metric: 'manual',
        target: 1,
        period_start: start,
        period_end: '2032-03-31',
        assignees: [assignee],
      });
    const visible = [
      await planned('2032-03-01', { type: 'user', id: agent.id }),
      await planned('2032-03-01', { type: 'team', id: team }),
      await planned('2032-03-10', { type: 'user', id: agent.id }),
    ];
    const hidden = await planned('2032-03-05', { type: 'user', id: peer.id });
    const walked = await walkTwoCursorPages(
      t,
      agent.auth,
      '/goals?current_on=2032-03-15&sort=period_start',
      'goals',
    );
    expect(walked.at(-1)).toBe(visible[2]!.id);
    expect([...walked].sort()).toEqual(visible.map((g) => g.id).sort());
    expect(walked).not.toContain(hidden.id);
  });

  it("keeps tenants apart: another tenant's goal is 404 on every route", async () => {
    const other = await identityFixture(t, 'othergoals');
    const theirs = await goal(other.users.admin.auth, {
      metric: 'manual',
      target: 1,
      assignees: [{ type: 'user', id: other.users.agent.id }],
    });
    const routes: [Method, string, object?][] = [
      ['GET', `/goals/${theirs.id}`],
      ['PUT', `/goals/${theirs.id}`, { name: 'x' }],
      ['DELETE', `/goals/${theirs.id}`],
      ['POST', `/goals/${theirs.id}/assign`, { assignees: [{ type: 'user', id: agent.id }] }],
      ['POST', `/goals/${theirs.id}/unassign`, { assignees: [{ type: 'user', id: other.users.agent.id }] }],
      ['GET', `/goals/${theirs.id}/progress`],
      ['POST', `/goals/${theirs.id}/progress`, { value: '1' }],
    ];
    for (const [method, url, body] of routes) expectStatus(await api.call(method, url, admin, body), 404);
    expect(
      (await api.ok<{ goals: Goal[] }>('GET', '/goals?limit=500', admin)).goals.map((g) => g.id),
    ).not.toContain(theirs.id);
    // Their users and teams cannot be assigned to our goals.
    const mine = await goal(admin, { metric: 'photos', target: 1 });
    expectStatus(
      await api.call('POST', `/goals/${mine.id}/assign`, admin, {
        assignees: [{ type: 'user', id: other.users.agent.id }],
      }),
      422,
    );
  });
});
