import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarkMissedHandler } from '../../src/modules/field/call-cycles/jobs.js';
import { addDays, scheduleDates } from '../../src/modules/field/formulas.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createOutlet,
  createTeam,
  expectStatus,
  extraUser,
  fieldApp,
  OUTLET_POINT,
  walkTwoCursorPages,
  type Headers,
  type Method,
} from './helpers.js';

type Location = {
  id: string;
  outlet_id: string;
  position: number;
  frequency: string | null;
  planned_visits: number;
};
type Cycle = {
  id: string;
  agent_id: string;
  status: string;
  start_date: string;
  end_date: string;
  location_count: number;
  locations?: Location[];
};
type Slot = { id: string; date: string; outlet_id: string; status: string; visit_id: string | null };
type Status = {
  adherence_percent: number;
  coverage_percent: number;
  outlets_total: number;
  outlets_visited: number;
  planned_total: number;
  planned_due: number;
  visited: number;
  missed: number;
  upcoming: number;
  outlets: { outlet_id: string; planned_due: number; visited: number; missed: number; upcoming: number }[];
  visited_slots: Slot[];
  missed_slots: Slot[];
  upcoming_schedule: Slot[];
};
type Problem = { code: string; errors: { path: string; message: string }[] };

const today = new Date().toISOString().slice(0, 10);
const D = (days: number) => addDays(today, days);
const GPS = { ...OUTLET_POINT, accuracy_m: 5 };
/** Noon of a past day; for today the current time (a completion may not lie in the future). */
const noon = (date: string) => (date === today ? new Date().toISOString() : `${date}T12:00:00.000Z`);

describe('field: call cycles', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let leader: FixtureUser;
  let outlets: string[];
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'cycles');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    leader = fx.users.team_leader;
    api = client(t);
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, leader.id, [agent.id]);
    outlets = [];
    for (let i = 0; i < 4; i++) outlets.push(await createOutlet(t, admin));
  });
  afterAll(() => t.close());

  const create = (auth: Headers, body: object) => api.ok<Cycle>('POST', '/call-cycles', auth, body, 201);
  const status = (auth: Headers, id: string, asOf = today) =>
    api.ok<Status>('GET', `/call-cycles/${id}/status?as_of=${asOf}&upcoming_limit=500`, auth);

  /** Plans and completes a visit as the agent, at the given completion day. */
  async function visit(auth: Headers, outletId: string, completedOn: string, extra: object = {}) {
    const v = await api.ok(
      'POST',
      '/visits',
      auth,
      { outlet_id: outletId, planned_date: completedOn, ...extra },
      201,
    );
    await api.ok('PUT', `/visits/${v.id}/complete`, auth, { ...GPS, completed_at: noon(completedOn) });
    return v.id;
  }

  it('creates a cycle with ordered outlets and plans one slot per outlet and date', async () => {
    const cycle = await create(leader.auth, {
      name: 'North route',
      agent_id: agent.id,
      start_date: D(-14),
      end_date: D(14),
      frequency: 'weekly',
      locations: [{ outlet_id: outlets[0] }, { outlet_id: outlets[1], frequency: 'daily' }],
    });
    expect(cycle).toMatchObject({ agent_id: agent.id, status: 'active', location_count: 2 });
    expect(cycle.locations!.map((l) => [l.outlet_id, l.position, l.frequency])).toEqual([
      [outlets[0], 1, null],
      [outlets[1], 2, 'daily'],
    ]);
    expect(cycle.locations![0]!.planned_visits).toBe(5); // D(-14), D(-7), today, D(7), D(14)
    expect(cycle.locations![1]!.planned_visits).toBe(scheduleDates(D(-14), D(14), 'daily').length);
    const s = await status(agent.auth, cycle.id);
    expect(s.planned_total).toBe(5 + scheduleDates(D(-14), D(14), 'daily').length);
    expect(s.upcoming_schedule[0]!.date).toBe(today);
    expect(s.upcoming_schedule.every((slot) => slot.date >= today && slot.status === 'planned')).toBe(true);
  });

  it('marks slots visited when visits complete, keeps adherence ≤ 100 and reports coverage', async () => {
    const cycle = await create(admin, {
      name: 'Adherence',
      agent_id: agent.id,
      start_date: D(-14),
      end_date: D(14),
      frequency: 'weekly',
      locations: [{ outlet_id: outlets[2] }, { outlet_id: outlets[3] }],
    });
    // Before any visit: the two past slots per outlet are missed (the job has not run yet).
    let s = await status(admin, cycle.id);
    expect(s).toMatchObject({
      planned_due: 4,
      visited: 0,
      missed: 4,
      adherence_percent: 0,
      coverage_percent: 0,
    });

    // Same agent and outlet on the slot date, no cycle id: fulfils the slot.
    const onDay = await visit(agent.auth, outlets[2]!, D(-7));
    // Extra visits on the same day and on a day without a slot fulfil nothing more.
    await visit(agent.auth, outlets[2]!, D(-7));
    await visit(agent.auth, outlets[2]!, D(-6));
    // A visit planned for the cycle's D(-14) slot and completed a day late still fulfils it.
    const late = await visit(agent.auth, outlets[2]!, D(-13), {
      call_cycle_id: cycle.id,
      planned_date: D(-14),
    });
    // Someone else's visit without the cycle id does not count.
    await visit(peer.auth, outlets[3]!, D(-7));

    s = await status(admin, cycle.id);
    expect(s.visited_slots.map((v) => [v.date, v.outlet_id, v.visit_id])).toEqual([
      [D(-14), outlets[2], late],
      [D(-7), outlets[2], onDay],
    ]);
    expect(s).toMatchObject({
      planned_due: 4,
      visited: 2,
      missed: 2,
      outlets_total: 2,
      outlets_visited: 1,
      adherence_percent: 50,
      coverage_percent: 50,
    });
    expect(s.missed_slots.map((m) => [m.date, m.outlet_id])).toEqual([
      [D(-14), outlets[3]],
      [D(-7), outlets[3]],
    ]);

    // Today's visit: the slot of today counts as due once visited.
    await visit(agent.auth, outlets[3]!, today);
    s = await status(admin, cycle.id);
    expect(s).toMatchObject({
      planned_due: 5,
      visited: 3,
      missed: 2,
      adherence_percent: 60,
      coverage_percent: 100,
    });
    expect(s.adherence_percent).toBeLessThanOrEqual(100);
    expect(s.outlets.find((o) => o.outlet_id === outlets[2])).toMatchObject({
      planned_due: 2,
      visited: 2,
      missed: 0,
    });
  });

  it('the daily job marks past planned slots missed, idempotently, and a late completion still counts', async () => {
    const cycle = await create(admin, {
      name: 'Missed',
      agent_id: peer.id,
      start_date: D(-3),
      end_date: D(10),
      frequency: 'weekly',
      locations: [{ outlet_id: outlets[0] }],
    });
    const slotStatuses = async () =>
      (
        await t.database.db.withSystem((tx) =>
          tx.sql.query<{ slot_date: string; status: string }>(
            `select to_char(slot_date, 'YYYY-MM-DD') as slot_date, status from call_cycle_slots
             where cycle_id = $1 order by slot_date`,
            [cycle.id],
          ),
        )
      ).rows.map((r) => [r.slot_date, r.status]);
    expect(await slotStatuses()).toEqual([
      [D(-3), 'planned'],
      [D(4), 'planned'],
    ]);
    const markMissed = createMarkMissedHandler(t.app.platform.system);
    expect(await markMissed({ today: D(5) })).toBeGreaterThanOrEqual(2);
    expect(await slotStatuses()).toEqual([
      [D(-3), 'missed'],
      [D(4), 'missed'],
    ]);
    expect(await markMissed({ today: D(5) })).toBe(0);
    // A completion for D(-3) synced after the job ran turns its slot visited.
    await visit(peer.auth, outlets[0]!, D(-3));
    expect(await slotStatuses()).toEqual([
      [D(-3), 'visited'],
      [D(4), 'missed'],
    ]);
  });

  it('re-plans on date, frequency and location changes; reorders and removes outlets', async () => {
    const cycle = await create(admin, {
      name: 'Replan',
      agent_id: agent.id,
      start_date: D(20),
      end_date: D(40),
      frequency: 'weekly',
      locations: [{ outlet_id: outlets[0] }, { outlet_id: outlets[1] }],
    });
    let read = await api.ok<Cycle>('PUT', `/call-cycles/${cycle.id}`, admin, { frequency: 'biweekly' });
    expect(read.locations!.map((l) => l.planned_visits)).toEqual([2, 2]); // D(20), D(34)
    read = await api.ok<Cycle>('PUT', `/call-cycles/${cycle.id}`, admin, {
      start_date: D(21),
      end_date: D(70),
    });
    expect(read.locations!.map((l) => l.planned_visits)).toEqual([4, 4]); // D(21), D(35), D(49), D(63)
    read = await api.ok<Cycle>(
      'POST',
      `/call-cycles/${cycle.id}/locations`,
      admin,
      { locations: [{ outlet_id: outlets[2], frequency: 'monthly' }] },
      201,
    );
    expect(read.locations!.map((l) => [l.outlet_id, l.position, l.planned_visits])).toEqual([
      [outlets[0], 1, 4],
      [outlets[1], 2, 4],
      [outlets[2], 3, scheduleDates(D(21), D(70), 'monthly').length],
    ]);
    expectStatus(
      await api.call('POST', `/call-cycles/${cycle.id}/locations`, admin, {
        locations: [{ outlet_id: outlets[0] }],
      }),
      409,
      'LOCATION_ALREADY_IN_CYCLE',
    );
    const ids = read.locations!.map((l) => l.id);
    const bad = expectStatus(
      await api.call('PUT', `/call-cycles/${cycle.id}/locations/order`, admin, {
        location_ids: ids.slice(1),
      }),
      422,
    ).json<Problem>();
    expect(bad.errors[0]!.path).toBe('/body/location_ids');
    read = await api.ok<Cycle>('PUT', `/call-cycles/${cycle.id}/locations/order`, admin, {
      location_ids: [ids[2], ids[0], ids[1]],
    });
    expect(read.locations!.map((l) => l.outlet_id)).toEqual([outlets[2], outlets[0], outlets[1]]);
    expectStatus(await api.call('DELETE', `/call-cycles/${cycle.id}/locations/${ids[0]}`, admin), 204);
    expectStatus(await api.call('DELETE', `/call-cycles/${cycle.id}/locations/${ids[0]}`, admin), 404);
    read = await api.ok<Cycle>('GET', `/call-cycles/${cycle.id}`, admin);
    expect(read.locations!.map((l) => [l.outlet_id, l.position])).toEqual([
      [outlets[2], 1],
      [outlets[1], 2],
    ]);
    const s = await status(admin, cycle.id);
    expect(new Set(s.upcoming_schedule.map((slot) => slot.outlet_id))).toEqual(
      new Set([outlets[1], outlets[2]]),
    );

    // Completing closes the plan: future planned slots go, and the cycle can no longer change.
    read = await api.ok<Cycle>('PUT', `/call-cycles/${cycle.id}`, admin, { status: 'completed' });
    expect(read.status).toBe('completed');
    expect(read.locations!.every((l) => l.planned_visits === 0)).toBe(true);
    expectStatus(
      await api.call('PUT', `/call-cycles/${cycle.id}`, admin, { name: 'x' }),
      409,
      'CALL_CYCLE_CLOSED',
    );
    expectStatus(
      await api.call('POST', `/call-cycles/${cycle.id}/locations`, admin, {
        locations: [{ outlet_id: outlets[3] }],
      }),
      409,
      'CALL_CYCLE_CLOSED',
    );
  });

  it('validates input with JSON pointers', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    let bad = expectStatus(
      await api.call('POST', '/call-cycles', leader.auth, {
        name: 'Bad',
        agent_id: peer.id,
        start_date: D(5),
        end_date: D(1),
        frequency: 'weekly',
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(['/body/agent_id', '/body/end_date']);
    bad = expectStatus(
      await api.call('POST', '/call-cycles', admin, {
        name: 'Too long',
        start_date: D(0),
        end_date: D(400),
        frequency: 'weekly',
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(['/body/end_date']);
    bad = expectStatus(
      await api.call('POST', '/call-cycles', admin, {
        name: 'Outlets',
        start_date: D(0),
        end_date: D(7),
        frequency: 'weekly',
        locations: [{ outlet_id: outlets[0] }, { outlet_id: unknown }, { outlet_id: outlets[0] }],
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual([
      '/body/locations/1/outlet_id',
      '/body/locations/2/outlet_id',
    ]);
    bad = expectStatus(
      await api.call('POST', '/call-cycles', admin, { name: 'x', start_date: 'soon', frequency: 'hourly' }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/body/start_date', '/body/end_date', '/body/frequency']),
    );
  });

  it('applies permissions and the data scope', async () => {
    const mine = await create(admin, {
      name: 'Agent own',
      agent_id: agent.id,
      start_date: D(1),
      end_date: D(8),
      frequency: 'weekly',
    });
    const peers = await create(admin, {
      name: 'Peer own',
      agent_id: peer.id,
      start_date: D(1),
      end_date: D(8),
      frequency: 'weekly',
    });
    const listed = async (auth: Headers) =>
      (await api.ok<{ call_cycles: Cycle[] }>('GET', '/call-cycles?limit=500', auth)).call_cycles.map(
        (c) => c.id,
      );
    expect(await listed(agent.auth)).toContain(mine.id);
    expect(await listed(agent.auth)).not.toContain(peers.id);
    expect(await listed(leader.auth)).toContain(mine.id);
    expect(await listed(leader.auth)).not.toContain(peers.id);
    expect(await listed(fx.users.viewer.auth)).toEqual(expect.arrayContaining([mine.id, peers.id]));
    expectStatus(await api.call('GET', `/call-cycles/${peers.id}`, agent.auth), 404);
    expectStatus(await api.call('GET', `/call-cycles/${peers.id}/status`, leader.auth), 404);
    expectStatus(await api.call('PUT', `/call-cycles/${peers.id}`, leader.auth, { name: 'x' }), 404);
    await api.ok('GET', `/call-cycles/${mine.id}/status`, agent.auth);
    // Agents and viewers read; only managers plan.
    for (const auth of [agent.auth, fx.users.viewer.auth]) {
      expectStatus(
        await api.call('POST', '/call-cycles', auth, {
          name: 'x',
          start_date: D(1),
          end_date: D(2),
          frequency: 'daily',
        }),
        403,
      );
      expectStatus(await api.call('DELETE', `/call-cycles/${mine.id}`, auth), 403);
    }
    const byLeader = await create(leader.auth, {
      name: 'Leader plans',
      agent_id: agent.id,
      start_date: D(1),
      end_date: D(2),
      frequency: 'daily',
    });
    expect(byLeader.agent_id).toBe(agent.id);
    expectStatus(await api.call('GET', '/call-cycles'), 401);
    expect(
      (
        await api.ok<{ call_cycles: Cycle[] }>(
          'GET',
          `/call-cycles?agent=${peer.id}&active_on=${D(3)}`,
          admin,
        )
      ).call_cycles.map((c) => c.id),
    ).toContain(peers.id);
  });

  it('pages the list by keyset cursor within the data scope; a garbage cursor is 422', async () => {
    const plan = (agentId: string, start: string) =>
      create(admin, {
        name: 'Paged',
        agent_id: agentId,
        start_date: start,
        end_date: '2031-06-30',
        frequency: 'monthly',
      });
    const mine = [
      await plan(agent.id, '2031-06-01'),
      await plan(agent.id, '2031-06-01'),
      await plan(agent.id, '2031-06-10'),
    ];
    const peers = await plan(peer.id, '2031-06-05');
    const walked = await walkTwoCursorPages(
      t,
      agent.auth,
      '/call-cycles?active_on=2031-06-15&sort=-start_date',
      'call_cycles',
    );
    expect(walked[0]).toBe(mine[2]!.id);
    expect([...walked].sort()).toEqual(mine.map((c) => c.id).sort());
    expect(walked).not.toContain(peers.id);
  });

  it('deletes an unused cycle and cancels one with visits', async () => {
    const unused = await create(admin, {
      name: 'Unused',
      agent_id: agent.id,
      start_date: D(1),
      end_date: D(8),
      frequency: 'weekly',
      locations: [{ outlet_id: outlets[0] }],
    });
    expectStatus(await api.call('DELETE', `/call-cycles/${unused.id}`, admin), 204);
    expectStatus(await api.call('GET', `/call-cycles/${unused.id}`, admin), 404);
    const used = await create(admin, {
      name: 'Used',
      agent_id: agent.id,
      start_date: D(-1),
      end_date: D(8),
      frequency: 'daily',
      locations: [{ outlet_id: outlets[1] }],
    });
    await api.ok('POST', '/visits', agent.auth, { outlet_id: outlets[1], call_cycle_id: used.id }, 201);
    expectStatus(await api.call('DELETE', `/call-cycles/${used.id}`, admin), 204);
    const read = await api.ok<Cycle>('GET', `/call-cycles/${used.id}`, admin);
    expect(read.status).toBe('cancelled');
    expectStatus(await api.call('DELETE', `/call-cycles/${used.id}`, admin), 204);
  });

  it("keeps tenants apart: another tenant's cycle is 404 on every route", async () => {
    const other = await identityFixture(t, 'othercycles');
    const theirOutlet = await createOutlet(t, other.users.admin.auth);
    const theirs = await create(other.users.admin.auth, {
      name: 'Theirs',
      start_date: D(1),
      end_date: D(8),
      frequency: 'weekly',
      locations: [{ outlet_id: theirOutlet }],
    });
    const locationId = theirs.locations![0]!.id;
    const routes: [Method, string, object?][] = [
      ['GET', `/call-cycles/${theirs.id}`],
      ['PUT', `/call-cycles/${theirs.id}`, { name: 'x' }],
      ['DELETE', `/call-cycles/${theirs.id}`],
      ['POST', `/call-cycles/${theirs.id}/locations`, { locations: [{ outlet_id: outlets[0] }] }],
      ['PUT', `/call-cycles/${theirs.id}/locations/order`, { location_ids: [locationId] }],
      ['DELETE', `/call-cycles/${theirs.id}/locations/${locationId}`],
      ['GET', `/call-cycles/${theirs.id}/status`],
    ];
    for (const [method, url, body] of routes) expectStatus(await api.call(method, url, admin, body), 404);
    const listed = await api.ok<{ call_cycles: Cycle[] }>('GET', '/call-cycles?limit=500', admin);
    expect(listed.call_cycles.map((c) => c.id)).not.toContain(theirs.id);
    // Their outlet cannot be planned into our cycle.
    const bad = expectStatus(
      await api.call('POST', '/call-cycles', admin, {
        name: 'x',
        start_date: D(1),
        end_date: D(2),
        frequency: 'daily',
        locations: [{ outlet_id: theirOutlet }],
      }),
      422,
    ).json<Problem>();
    expect(bad.errors[0]!.path).toBe('/body/locations/0/outlet_id');
  });
});
