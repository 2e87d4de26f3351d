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
type Cycle = {
  call_cycle_id: string;
  outlets: number;
  outlets_visited: number;
  coverage_percent: number;
  planned_visits: number;
  completed_planned_visits: number;
  adherence_percent: number;
  missed: number;
};

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };

describe('field: analytics over goals and call cycles', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let outletA: string;
  let cycle: string;
  // 14 days: the weekly cycle below has slots on day −13 and day −6 for each of its two outlets.
  const period = `from=${day(-13)}&to=${day(0)}`;

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    fx = await identityFixture(t, 'planning');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    outletA = await createOutlet(t, admin);
    const outletB = await createOutlet(t, admin, { latitude: 41.31, longitude: 69.25 });
    cycle = (
      await api.ok(
        'POST',
        '/call-cycles',
        admin,
        {
          name: 'Fortnight round',
          agent_id: agent.id,
          start_date: day(-13),
          end_date: day(0),
          frequency: 'weekly',
          locations: [{ outlet_id: outletA }, { outlet_id: outletB }],
        },
        201,
      )
    ).id;
    // One completed visit at outlet A on day −6 fulfils that slot; the other three slots are missed.
    const visit = (
      await api.ok('POST', '/visits', agent.auth, { outlet_id: outletA, planned_date: day(-6) }, 201)
    ).id;
    await api.ok('PUT', `/visits/${visit}/complete`, agent.auth, {
      ...NEAR,
      completed_at: `${day(-6)}T10:00:00.000Z`,
    });
    // A goal of 4 completed visits in the period: 1 of 4 = 25 %; a revenue goal without any
    // revenue recorded: 0 %. The average is 12.5 %.
    for (const [metric, target] of [
      ['visits_completed', '4'],
      ['revenue', '1000'],
    ] as const)
      await api.ok(
        'POST',
        '/goals',
        admin,
        {
          name: `Goal ${metric}`,
          metric,
          target,
          period_start: day(-13),
          period_end: day(0),
          assignees: [{ type: 'user', id: agent.id }],
        },
        201,
      );
  });
  afterAll(() => t.close());

  it('overview: adherence from call-cycle slots and average goal progress', async () => {
    for (const auth of [admin, agent.auth, fx.users.team_leader.auth]) {
      const o = await api.ok<Record<string, Metric>>('GET', `/analytics/overview?${period}`, auth);
      expect(o.call_cycle_adherence).toEqual({ value: 25, previous: 0, change_percent: 100 });
      expect(o.goal_attainment).toEqual({ value: 12.5, previous: 0, change_percent: 100 });
    }
    // A peer outside the team sees neither the cycle nor the goal.
    const p = await api.ok<Record<string, Metric>>('GET', `/analytics/overview?${period}`, peer.auth);
    expect(p.call_cycle_adherence).toEqual({ value: 0, previous: 0, change_percent: 0 });
    expect(p.goal_attainment).toEqual({ value: 0, previous: 0, change_percent: 0 });
  });

  it('coverage per cycle: outlets visited ÷ outlets, visited ÷ due slots, missed slots', async () => {
    const c = await api.ok<{ cycles: Cycle[] }>('GET', `/analytics/call-cycle-coverage?${period}`, admin);
    expect(c.cycles).toEqual([
      {
        call_cycle_id: cycle,
        name: 'Fortnight round',
        outlets: 2,
        outlets_visited: 1,
        coverage_percent: 50,
        planned_visits: 4,
        completed_planned_visits: 1,
        adherence_percent: 25,
        missed: 3,
      },
    ]);
    const onlyA = await api.ok<{ cycles: Cycle[] }>(
      'GET',
      `/analytics/call-cycle-coverage?${period}&outlet=${outletA}`,
      admin,
    );
    expect(onlyA.cycles[0]).toMatchObject({
      outlets: 1,
      coverage_percent: 100,
      planned_visits: 2,
      adherence_percent: 50,
    });
    const mine = await api.ok<{ cycles: Cycle[] }>(
      'GET',
      `/analytics/call-cycle-coverage?${period}`,
      peer.auth,
    );
    expect(mine.cycles).toEqual([]);
    const before = await api.ok<{ cycles: Cycle[] }>(
      'GET',
      `/analytics/call-cycle-coverage?from=${day(-40)}&to=${day(-20)}`,
      admin,
    );
    expect(before.cycles).toEqual([]);
  });
});
