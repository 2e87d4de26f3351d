import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createOutlet,
  createTeam,
  extraUser,
  fieldApp,
  OUTLET_POINT,
  type Headers,
} from './helpers.js';

type Metric = { value: number; previous: number; change_percent: number };

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };

/** Goal attainment of the overview over several goals, users and teams, against a hand computation. */
describe('field: analytics overview goal attainment', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  const period = `from=${day(-13)}&to=${day(0)}`;

  const goal = (body: Record<string, unknown>) =>
    api.ok('POST', '/goals', admin, { period_start: day(-13), period_end: day(0), ...body }, 201);

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    fx = await identityFixture(t, 'attainment');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    peer = await extraUser(t, fx, 'agent');
    const team = (await createTeam(t, fx, fx.users.team_leader.id, [agent.id, peer.id])).id;
    const outlet = await createOutlet(t, admin);
    const complete = async (who: FixtureUser, date: string) => {
      const visit = (
        await api.ok('POST', '/visits', who.auth, { outlet_id: outlet, planned_date: date }, 201)
      ).id;
      await api.ok('PUT', `/visits/${visit}/complete`, who.auth, {
        ...NEAR,
        completed_at: `${date}T10:00:00.000Z`,
      });
    };
    // In the period: the agent completes 2 visits, the peer 1. In the period before: the agent 1.
    await complete(agent, day(-6));
    await complete(agent, day(-5));
    await complete(peer, day(-4));
    await complete(agent, day(-20));

    // A: target 4 each for agent and peer: (2 + 1) ÷ (4 + 4) = 37.5 %.
    await goal({
      name: 'A',
      metric: 'visits_completed',
      target: '4',
      assignees: [
        { type: 'user', id: agent.id },
        { type: 'user', id: peer.id },
      ],
    });
    // B: the team (agent + peer) against 2: 3 ÷ 2, capped at 100 %.
    await goal({
      name: 'B',
      metric: 'visits_completed',
      target: '2',
      assignees: [{ type: 'team', id: team }],
    });
    // C: manual, nothing reported: 0 %. D: photos, none taken: 0 %.
    await goal({ name: 'C', metric: 'manual', target: '10', assignees: [{ type: 'user', id: agent.id }] });
    await goal({ name: 'D', metric: 'photos', target: '5', assignees: [{ type: 'user', id: peer.id }] });
    // E: revenue, none recorded: 0 %.
    await goal({ name: 'E', metric: 'revenue', target: '1000', assignees: [{ type: 'user', id: agent.id }] });
    // G: the period before, the agent against 1: 100 %.
    await goal({
      name: 'G',
      metric: 'visits_completed',
      target: '1',
      period_start: day(-27),
      period_end: day(-14),
      assignees: [{ type: 'user', id: agent.id }],
    });
  });
  afterAll(() => t.close());

  it('averages the overall progress of every goal with data', async () => {
    const o = await api.ok<Record<string, Metric>>('GET', `/analytics/overview?${period}`, admin);
    // (37.5 + 100 + 0 + 0 + 0) ÷ 5 = 27.5, and 100 for the period before.
    expect(o.goal_attainment).toMatchObject({ value: 27.5, previous: 100 });
  });

  it("limits the goals and assignees to the caller's scope", async () => {
    // The peer sees their own assignments and their team's: A 1 ÷ 4 = 25 %, B 100 %, D 0 %
    // (C and G are the agent's alone): (25 + 100 + 0) ÷ 3 = 41.67, and no goal before.
    const p = await api.ok<Record<string, Metric>>('GET', `/analytics/overview?${period}`, peer.auth);
    expect(p.goal_attainment).toMatchObject({ value: 41.67, previous: 0 });
  });
});
