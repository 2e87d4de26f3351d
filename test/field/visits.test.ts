import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  uniq,
  type Headers,
} from './helpers.js';

type Visit = {
  id: string;
  agent_id: string;
  outlet_id: string;
  status: string;
  planned_date: string;
  client_uuid: string | null;
  check_in_distance_m: number | null;
  check_in_within_geofence: boolean | null;
  completion_distance_m: number | null;
  completion_within_geofence: boolean | null;
  answers?: { question_id: string; value: unknown }[];
  photos?: unknown[];
};
type Problem = { code: string; errors: { path: string; message: string }[] };

/** 0.0004° of latitude ≈ 44.5 m north of the outlet; 0.01° ≈ 1112 m. */
const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };
const FAR = { latitude: OUTLET_POINT.latitude + 0.01, longitude: OUTLET_POINT.longitude, accuracy_m: 20 };

describe('field: visits', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let outlet: string;
  let survey: { id: string; questions: { id: string }[] };
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'visits');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    outlet = await createOutlet(t, admin);
    survey = await api.ok(
      'POST',
      '/surveys',
      admin,
      {
        title: 'Store check',
        questions: [
          { text: 'Open?', type: 'yes_no', required: true },
          { text: 'Facings', type: 'number', validation: { min: 0, max: 20 } },
          { text: 'Colour', type: 'single_choice', options: ['red', 'blue'] },
          { text: 'Extras', type: 'multiple_choice', options: ['a', 'b', 'c'] },
          { text: 'Comment', type: 'text', validation: { max_length: 5 } },
          { text: 'Mood', type: 'rating' },
          { text: 'Expiry', type: 'date' },
          { text: 'Proof', type: 'photo' },
        ],
      },
      201,
    );
  });
  afterAll(() => t.close());

  const plan = (auth: Headers, body: object = {}) =>
    api.ok<Visit>('POST', '/visits', auth, { outlet_id: outlet, survey_id: survey.id, ...body }, 201);
  const q = (i: number) => survey.questions[i]!.id;
  const createCycle = (auth: Headers, agentId: string) =>
    api.ok<{ id: string }>(
      'POST',
      '/call-cycles',
      auth,
      {
        name: uniq('Round'),
        agent_id: agentId,
        start_date: '2030-01-01',
        end_date: '2030-03-31',
        frequency: 'weekly',
      },
      201,
    );

  it('creates a visit for the caller and is idempotent by client_uuid (also when racing)', async () => {
    const clientUuid = crypto.randomUUID();
    const first = expectStatus(
      await api.call('POST', '/visits', agent.auth, { outlet_id: outlet, client_uuid: clientUuid }),
      201,
    ).json<Visit>();
    expect(first).toMatchObject({
      agent_id: agent.id,
      outlet_id: outlet,
      status: 'planned',
      client_uuid: clientUuid,
      planned_date: new Date().toISOString().slice(0, 10),
    });
    const again = expectStatus(
      await api.call('POST', '/visits', agent.auth, { outlet_id: outlet, client_uuid: clientUuid }),
      200,
    ).json<Visit>();
    expect(again.id).toBe(first.id);

    const racing = crypto.randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        api.call('POST', '/visits', agent.auth, { outlet_id: outlet, client_uuid: racing }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.json<Visit>().id)).size).toBe(1);
    const stored = await t.database.db.withSystem((tx) =>
      tx.sql.query<{ n: number }>(
        'select count(*)::int as n from visits where tenant_id = $1 and client_uuid in ($2, $3)',
        [fx.tenantId, clientUuid, racing],
      ),
    );
    expect(stored.rows[0]!.n).toBe(2);
    // Someone else's client_uuid is not a retry.
    expectStatus(
      await api.call('POST', '/visits', peer.auth, { outlet_id: outlet, client_uuid: clientUuid }),
      409,
      'CLIENT_UUID_IN_USE',
    );
  });

  it('answers 409 CLIENT_UUID_REUSED when a client_uuid comes back with a different visit', async () => {
    const cycle = (await createCycle(admin, agent.id)).id;
    const other = await createOutlet(t, admin);
    const body = {
      outlet_id: outlet,
      client_uuid: crypto.randomUUID(),
      call_cycle_id: cycle,
      survey_id: survey.id,
      planned_date: '2030-02-04',
      visit_type: 'planned',
      notes: 'first',
    };
    const first = expectStatus(await api.call('POST', '/visits', agent.auth, body), 201).json<Visit>();
    // A true repeat, also with other notes or without the planned date (its default is the day it arrives).
    for (const repeat of [body, { ...body, notes: 'retyped' }, { ...body, planned_date: undefined }])
      expect(expectStatus(await api.call('POST', '/visits', agent.auth, repeat), 200).json<Visit>().id).toBe(
        first.id,
      );
    const changes: [object, string[]][] = [
      [{ outlet_id: other }, ['/body/outlet_id']],
      [{ planned_date: '2030-02-05' }, ['/body/planned_date']],
      [{ call_cycle_id: null }, ['/body/call_cycle_id']],
      [{ survey_id: undefined, visit_type: 'unplanned' }, ['/body/survey_id', '/body/visit_type']],
      [{ agent_id: peer.id }, ['/body/agent_id']],
    ];
    for (const [change, paths] of changes) {
      // The agent's own request, or (for another agent) the admin's, who sees the stored visit.
      const auth = 'agent_id' in change ? admin : agent.auth;
      const res = expectStatus(
        await api.call('POST', '/visits', auth, { ...body, ...change }),
        409,
        'CLIENT_UUID_REUSED',
      );
      expect(res.json<Problem & { visit_id: string }>()).toMatchObject({ visit_id: first.id });
      expect(res.json<Problem>().errors.map((e) => e.path)).toEqual(paths);
    }
    // The admin repeating the agent's request names the agent: the same visit.
    expectStatus(await api.call('POST', '/visits', admin, { ...body, agent_id: agent.id }), 200);
    // Nothing was changed or added.
    expect(await api.ok('GET', `/visits/${first.id}`, admin)).toMatchObject({
      outlet_id: outlet,
      planned_date: '2030-02-04',
      notes: 'first',
    });
    const stored = await t.database.db.withSystem((tx) =>
      tx.sql.query<{ n: number }>(
        'select count(*)::int as n from visits where tenant_id = $1 and client_uuid = $2',
        [fx.tenantId, body.client_uuid],
      ),
    );
    expect(stored.rows[0]!.n).toBe(1);

    // Racing: whichever request stores the visit, the others are repeats (200) or differ (409).
    const racing = { outlet_id: outlet, client_uuid: crypto.randomUUID() };
    const bodies = [racing, racing, { ...racing, outlet_id: other }, racing];
    const results = await Promise.all(bodies.map((b) => api.call('POST', '/visits', agent.auth, b)));
    const winner = results.findIndex((r) => r.statusCode === 201);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const stays = bodies[winner]!.outlet_id;
    results.forEach((res, i) => {
      if (i === winner) return;
      if (bodies[i]!.outlet_id === stays) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json<Visit>().id).toBe(results[winner]!.json<Visit>().id);
      } else expectStatus(res, 409, 'CLIENT_UUID_REUSED');
    });
  });

  it('validates references: outlet, survey and an agent within scope', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    const bad = expectStatus(
      await api.call('POST', '/visits', agent.auth, {
        outlet_id: unknown,
        survey_id: unknown,
        agent_id: peer.id,
      }),
      422,
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual(['/body/agent_id', '/body/outlet_id', '/body/survey_id']);
    // A call cycle must exist and be visible to the caller: an unknown id, or a peer's cycle for an agent.
    const peersCycle = (await createCycle(admin, peer.id)).id;
    for (const call_cycle_id of [unknown, peersCycle]) {
      const res = expectStatus(
        await api.call('POST', '/visits', agent.auth, { outlet_id: outlet, call_cycle_id }),
        422,
        'VALIDATION_FAILED',
      ).json<Problem>();
      expect(res.errors).toEqual([{ path: '/body/call_cycle_id', message: 'no such call cycle' }]);
    }
    expect((await plan(admin, { agent_id: peer.id, call_cycle_id: peersCycle })).agent_id).toBe(peer.id);
    // A team leader plans for a team member, an admin for anyone, an agent only for themself.
    const forMember = await plan(fx.users.team_leader.auth, { agent_id: agent.id });
    expect(forMember.agent_id).toBe(agent.id);
    expectStatus(
      await api.call('POST', '/visits', fx.users.team_leader.auth, { outlet_id: outlet, agent_id: peer.id }),
      422,
    );
    expect((await plan(admin, { agent_id: peer.id })).agent_id).toBe(peer.id);
    expectStatus(await api.call('POST', '/visits', fx.users.viewer.auth, { outlet_id: outlet }), 403);
  });

  it('checks in with GPS: distance, geofence, safe retries and state errors', async () => {
    const visit = await plan(agent.auth);
    const missing = expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, {}),
      422,
    ).json<Problem>();
    expect(missing.errors.map((e) => e.path).sort()).toEqual([
      '/body/accuracy_m',
      '/body/latitude',
      '/body/longitude',
    ]);
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, { ...NEAR, latitude: 91 }),
      422,
    );

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, { ...NEAR, checked_in_at: future }),
      422,
    );
    const checkedIn = await api.ok<Visit>('PUT', `/visits/${visit.id}/check-in`, agent.auth, NEAR);
    expect(checkedIn).toMatchObject({
      status: 'in_progress',
      check_in_distance_m: 44.5,
      check_in_within_geofence: true,
    });
    const retried = await api.ok<Visit>('PUT', `/visits/${visit.id}/check-in`, agent.auth, NEAR);
    expect(retried).toEqual(checkedIn);
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, FAR),
      409,
      'VISIT_ALREADY_CHECKED_IN',
    );

    const far = await plan(agent.auth);
    const outside = await api.ok<Visit>('PUT', `/visits/${far.id}/check-in`, agent.auth, FAR);
    expect(outside).toMatchObject({ check_in_distance_m: 1112, check_in_within_geofence: false });

    // An outlet without coordinates gives no distance and no verdict.
    const blind = await plan(agent.auth, {
      outlet_id: await createOutlet(t, admin, { latitude: null, longitude: null }),
    });
    const unknown = await api.ok<Visit>('PUT', `/visits/${blind.id}/check-in`, agent.auth, NEAR);
    expect(unknown).toMatchObject({ check_in_distance_m: null, check_in_within_geofence: null });
  });

  it('validates answers against the survey and completes once', async () => {
    const visit = await plan(agent.auth);
    await api.ok('PUT', `/visits/${visit.id}/check-in`, agent.auth, NEAR);
    const bad = expectStatus(
      await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, {
        ...NEAR,
        answers: [
          { question_id: q(1), value: 'seven' },
          { question_id: q(2), value: 'green' },
          { question_id: q(3), value: ['a', 'z'] },
          { question_id: q(4), value: 'far too long' },
          { question_id: q(5), value: 6 },
          { question_id: q(6), value: '2026-02-30' },
          { question_id: q(7), value: '01900000-0000-7000-8000-000000000000' },
          { question_id: '01900000-0000-7000-8000-000000000001', value: 1 },
        ],
      }),
      422,
      'VALIDATION_FAILED',
    ).json<Problem>();
    expect(bad.errors.map((e) => e.path)).toEqual([
      '/body/answers/0/value',
      '/body/answers/1/value',
      '/body/answers/2/value',
      '/body/answers/3/value',
      '/body/answers/4/value',
      '/body/answers/5/value',
      '/body/answers/6/value',
      '/body/answers/7/question_id',
      '/body/answers',
    ]);
    expect(bad.errors.at(-1)!.message).toContain(q(0));
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, {
        ...NEAR,
        answers: [
          { question_id: q(0), value: true },
          { question_id: q(1), value: 21 },
        ],
      }),
      422,
    );
    expectStatus(await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, { answers: [] }), 422);
    const beforeCheckIn = new Date(Date.now() - 86_400_000).toISOString();
    const early = expectStatus(
      await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, {
        ...NEAR,
        completed_at: beforeCheckIn,
      }),
      422,
    ).json<Problem>();
    expect(early.errors.map((e) => e.path)).toEqual(['/body/completed_at']);

    const done = await api.ok<Visit>('PUT', `/visits/${visit.id}/complete`, agent.auth, {
      ...FAR,
      answers: [
        { question_id: q(0), value: true },
        { question_id: q(1), value: 12 },
        { question_id: q(3), value: ['a', 'c'] },
        { question_id: q(4), value: '' },
      ],
    });
    expect(done).toMatchObject({
      status: 'completed',
      completion_distance_m: 1112,
      completion_within_geofence: false,
    });
    expect(done.answers!.map((a) => [a.question_id, a.value])).toEqual([
      [q(0), true],
      [q(1), 12],
      [q(3), ['a', 'c']],
    ]);
    const twice = expectStatus(
      await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, {
        ...NEAR,
        answers: [{ question_id: q(0), value: false }],
      }),
      409,
      'VISIT_ALREADY_COMPLETED',
    ).json<{ visit_id: string }>();
    expect(twice.visit_id).toBe(visit.id);
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, NEAR),
      409,
      'VISIT_ALREADY_COMPLETED',
    );
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/cancel`, agent.auth, { reason: 'x' }),
      409,
      'VISIT_ALREADY_COMPLETED',
    );
    const read = await api.ok<Visit>('GET', `/visits/${visit.id}`, agent.auth);
    expect(read).toMatchObject({ status: 'completed', check_in_distance_m: 44.5, photos: [] });
    expect(read.answers).toHaveLength(3);

    const audit = await api.ok<{ audit: { action: string }[] }>('GET', `/audit?entity_id=${visit.id}`, admin);
    // Newest first: creation, the first check-in (its idempotent repeat changed nothing), completion.
    expect(audit.audit.map((a) => a.action)).toEqual(['visit.complete', 'visit.check_in', 'visit.create']);
  });

  it('cancels with a reason, idempotently; a cancelled visit cannot be completed', async () => {
    const visit = await plan(agent.auth);
    expectStatus(await api.call('PUT', `/visits/${visit.id}/cancel`, agent.auth, {}), 422);
    const cancelled = await api.ok<Visit>('PUT', `/visits/${visit.id}/cancel`, agent.auth, {
      reason: 'Shop closed',
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'Shop closed' });
    expect(await api.ok<Visit>('PUT', `/visits/${visit.id}/cancel`, agent.auth, { reason: 'again' })).toEqual(
      cancelled,
    );
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/complete`, agent.auth, {
        ...NEAR,
        answers: [{ question_id: q(0), value: true }],
      }),
      409,
      'VISIT_CANCELLED',
    );
    expectStatus(
      await api.call('PUT', `/visits/${visit.id}/check-in`, agent.auth, NEAR),
      409,
      'VISIT_CANCELLED',
    );
  });

  it('applies the data scope: peers get 404, team leaders see their team, managers complete in scope', async () => {
    const mine = await plan(agent.auth);
    const peers = await plan(peer.auth);
    for (const [method, url, body] of [
      ['GET', `/visits/${mine.id}`],
      ['GET', `/visits/${mine.id}/photos`],
      ['GET', `/visits/${mine.id}/answers`],
      ['PUT', `/visits/${mine.id}/check-in`, NEAR],
      ['PUT', `/visits/${mine.id}/complete`, { ...NEAR, answers: [{ question_id: q(0), value: true }] }],
      ['PUT', `/visits/${mine.id}/cancel`, { reason: 'x' }],
    ] as const)
      expectStatus(await api.call(method, url, peer.auth, body), 404);
    const peerList = await api.ok<{ visits: Visit[] }>('GET', '/visits?limit=500', peer.auth);
    expect(peerList.visits.every((v) => v.agent_id === peer.id)).toBe(true);

    const leader = fx.users.team_leader.auth;
    const teamList = await api.ok<{ visits: Visit[] }>('GET', '/visits?limit=500', leader);
    const agents = new Set(teamList.visits.map((v) => v.agent_id));
    expect(agents.has(agent.id)).toBe(true);
    expect(agents.has(peer.id)).toBe(false);
    expectStatus(await api.call('GET', `/visits/${peers.id}`, leader), 404);
    expectStatus(
      await api.call('PUT', `/visits/${peers.id}/complete`, leader, { ...NEAR, answers: [] }),
      404,
    );
    const byLeader = await api.ok<Visit>('PUT', `/visits/${mine.id}/complete`, leader, {
      ...NEAR,
      answers: [{ question_id: q(0), value: false }],
    });
    expect(byLeader.status).toBe('completed');

    const viewerList = await api.ok<{ visits: Visit[]; total: number }>(
      'GET',
      `/visits?agent=${peer.id}`,
      fx.users.viewer.auth,
    );
    expect(viewerList.visits.map((v) => v.id)).toContain(peers.id);
    expectStatus(
      await api.call('PUT', `/visits/${peers.id}/cancel`, fx.users.viewer.auth, { reason: 'x' }),
      403,
    );
  });

  it('grants visits:read to every role and visits:write to field roles only', async () => {
    for (const role of [
      'agent',
      'team_leader',
      'area_manager',
      'regional_manager',
      'national_manager',
      'admin',
    ] as const) {
      const auth = fx.users[role].auth;
      expect((await plan(auth)).agent_id, role).toBe(fx.users[role].id);
      expectStatus(await api.call('GET', '/visits', auth), 200);
    }
    expectStatus(await api.call('GET', '/visits', fx.users.viewer.auth), 200);
    expectStatus(await api.call('POST', '/visits', fx.users.viewer.auth, { outlet_id: outlet }), 403);
    expectStatus(await api.call('GET', '/visits'), 401);
  });

  it('lists with filters, date range, paging and sort', async () => {
    const other = await createOutlet(t, admin);
    const cycle = (await createCycle(admin, peer.id)).id;
    const a = await plan(admin, {
      agent_id: peer.id,
      outlet_id: other,
      planned_date: '2030-01-10',
      call_cycle_id: cycle,
    });
    const b = await plan(admin, {
      agent_id: peer.id,
      outlet_id: other,
      planned_date: '2030-01-20',
      visit_type: 'follow_up',
    });
    await api.ok('PUT', `/visits/${b.id}/cancel`, admin, { reason: uniq('r') });
    const ids = async (query: string) =>
      (await api.ok<{ visits: Visit[] }>('GET', `/visits?${query}`, admin)).visits.map((v) => v.id);
    expect(await ids(`outlet=${other}&sort=planned_date`)).toEqual([a.id, b.id]);
    expect(await ids(`outlet=${other}&sort=-planned_date`)).toEqual([b.id, a.id]);
    expect(await ids(`outlet=${other}&status=cancelled`)).toEqual([b.id]);
    expect(await ids(`call_cycle=${cycle}`)).toEqual([a.id]);
    expect(await ids(`agent=${peer.id}&date_from=2030-01-15&date_to=2030-01-31`)).toEqual([b.id]);
    expect(await ids(`survey=${survey.id}&date_from=2030-01-01&date_to=2030-01-11`)).toEqual([a.id]);
    const page = await api.ok<{ visits: Visit[]; total: number; limit: number; offset: number }>(
      'GET',
      `/visits?outlet=${other}&limit=1&offset=1&sort=planned_date`,
      admin,
    );
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.visits.map((v) => v.id)).toEqual([b.id]);
    expectStatus(await api.call('GET', '/visits?sort=agent_id', admin), 422);
    expectStatus(await api.call('GET', '/visits?status=lost', admin), 422);
  });
});
