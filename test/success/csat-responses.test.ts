import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { walkTwoCursorPages } from '../field/helpers.js';
import {
  csatTenant,
  expectProblem,
  insertDeployment,
  recordResponse,
  type CsatResponse,
  type CsatTenant,
} from './csat-helpers.js';
import { client, createCustomer, expectStatus, successApp } from './helpers.js';

type List = { responses: CsatResponse[]; total: number | null; next_cursor: string | null };

describe('success: CSAT responses', () => {
  let t: TestApp;
  let a: CsatTenant;
  let b: CsatTenant;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await successApp();
    a = await csatTenant(t, 'csat-resp');
    b = await csatTenant(t, 'csat-rival');
    api = client(t);
  });
  afterAll(() => t.close());

  it('records a response on the customer’s behalf, reads it back and lists it', async () => {
    const deployment = await insertDeployment(t, a.fx.tenantId, a.customers.mine);
    const created = await recordResponse(t, a.fx.users.agent.auth, {
      customer_id: a.customers.mine,
      deployment_id: deployment,
      survey_type: 'post_ticket',
      score: 4,
      feedback_text: 'Quick fix, thanks',
      submitted_by_name: 'Dilnoza',
      submitted_by_email: 'dilnoza@client.test',
      ticket_reference: 'T-1001',
    });
    expect(created).toMatchObject({
      customer_id: a.customers.mine,
      deployment_id: deployment,
      survey_type: 'post_ticket',
      score: 4,
      feedback_text: 'Quick fix, thanks',
      submitted_by_user: a.fx.users.agent.id,
      link_id: null,
    });
    expect(created.customer_name).toMatch(/^Acme/);
    expect(await api.ok('GET', `/csat/${created.id}`, a.fx.users.viewer.auth)).toEqual(created);
    const listed = await api.ok<List>('GET', `/csat?deployment_id=${deployment}`, a.admin);
    expect(listed.responses).toEqual([created]);
    expect(listed.total).toBe(1);
  });

  it('takes 1–5 for CSAT types and 0–10 for nps; anything else is 422 naming score', async () => {
    const base = { customer_id: a.customers.mine };
    for (const [survey_type, score] of [
      ['quarterly', 0],
      ['onboarding', 6],
      ['post_ticket', 10],
    ] as const) {
      const problem = expectProblem(
        await api.call('POST', '/csat', a.admin, { ...base, survey_type, score }),
        422,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([{ path: '/body/score', message: expect.stringContaining('1 and 5') }]);
    }
    for (const score of [-1, 11, 3.5])
      expect(
        expectProblem(
          await api.call('POST', '/csat', a.admin, { ...base, survey_type: 'nps', score }),
          422,
          'VALIDATION_FAILED',
        ).errors?.[0]?.path,
      ).toBe('/body/score');
    expect((await recordResponse(t, a.admin, { ...base, survey_type: 'nps', score: 0 })).score).toBe(0);
    expect((await recordResponse(t, a.admin, { ...base, survey_type: 'nps', score: 10 })).score).toBe(10);
    expect((await recordResponse(t, a.admin, { ...base, survey_type: 'onboarding', score: 1 })).score).toBe(
      1,
    );
  });

  it('refuses bad enums, unknown fields, NUL bytes, huge ids and dates ahead', async () => {
    const ok = { customer_id: a.customers.mine, survey_type: 'quarterly', score: 3 };
    const cases: [object, string][] = [
      [{ ...ok, survey_type: 'weekly' }, '/body/survey_type'],
      [{ ...ok, mood: 'happy' }, '/body/mood'],
      [{ ...ok, feedback_text: 'a\u0000b' }, '/body/feedback_text'],
      [{ ...ok, customer_id: 'x'.repeat(5000) }, '/body/customer_id'],
      [{ ...ok, submitted_by_email: 'not-an-email' }, '/body/submitted_by_email'],
      [{ ...ok, feedback_text: 'x'.repeat(5001) }, '/body/feedback_text'],
      [{ ...ok, submitted_at: new Date(Date.now() + 3_600_000).toISOString() }, '/body/submitted_at'],
      [{ survey_type: 'quarterly', score: 3 }, '/body/customer_id'],
    ];
    for (const [body, path] of cases) {
      const problem = expectProblem(await api.call('POST', '/csat', a.admin, body), 422, 'VALIDATION_FAILED');
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    const queries: [string, string][] = [
      ['survey_type=weekly', '/query/survey_type'],
      ['min_score=11', '/query/min_score'],
      ['min_score=4&max_score=2', '/query/min_score'],
      ['from=2026-02-30', '/query/from'],
      ['from=2026-03-02&to=2026-03-01', '/query/from'],
      [`customer_id=${'x'.repeat(5000)}`, '/query/customer_id'],
      ['customer_id=a%00b', '/query/customer_id'],
      ['sort=feedback_text', '/query/sort'],
    ];
    for (const [query, path] of queries) {
      const problem = expectProblem(
        await api.call('GET', `/csat?${query}`, a.admin),
        422,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expectStatus(await api.call('GET', `/csat/${'x'.repeat(5000)}`, a.admin), 414);
    expectProblem(await api.call('GET', '/csat/not-a-uuid', a.admin), 422, 'VALIDATION_FAILED');
  });

  it('needs the customer and the deployment of the tenant, in scope, and matching', async () => {
    const other = await insertDeployment(t, a.fx.tenantId, a.customers.peers);
    const rivalCustomer = b.customers.mine;
    const cases: [object, string, string][] = [
      [{ customer_id: rivalCustomer }, '/body/customer_id', 'no such customer'],
      [{ customer_id: a.customers.peers }, '/body/customer_id', 'no such customer'], // the agent's scope
      [{ deployment_id: other }, '/body/deployment_id', 'is a deployment of another customer'],
      [{ deployment_id: crypto.randomUUID() }, '/body/deployment_id', 'no such deployment'],
    ];
    for (const [patch, path, message] of cases) {
      const body = { customer_id: a.customers.mine, survey_type: 'quarterly', score: 3, ...patch };
      const problem = expectProblem(
        await api.call('POST', '/csat', a.fx.users.agent.auth, body),
        422,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([{ path, message }]);
    }
  });

  it('lets everyone read, agents and managers record, nobody unauthenticated', async () => {
    const body = { customer_id: a.customers.unowned, survey_type: 'quarterly', score: 5 };
    expectProblem(await api.call('POST', '/csat', a.fx.users.viewer.auth, body), 403, 'FORBIDDEN');
    for (const role of ['national_manager', 'admin'] as const)
      await recordResponse(t, a.fx.users[role].auth, body);
    for (const role of [
      'agent',
      'team_leader',
      'area_manager',
      'regional_manager',
      'national_manager',
      'viewer',
    ] as const)
      expectStatus(await api.call('GET', '/csat', a.fx.users[role].auth), 200);
    expectProblem(await api.call('GET', '/csat'), 401, 'UNAUTHENTICATED');
    expectProblem(await api.call('POST', '/csat', {}, body), 401, 'UNAUTHENTICATED');
  });

  it('shows an account manager only their customers’ responses; the team leader their team’s', async () => {
    const mine = await recordResponse(t, a.fx.users.agent.auth, {
      customer_id: a.customers.mine,
      survey_type: 'onboarding',
      score: 5,
    });
    const peers = await recordResponse(t, a.peer.auth, {
      customer_id: a.customers.peers,
      survey_type: 'onboarding',
      score: 4,
    });
    const unowned = await recordResponse(t, a.admin, {
      customer_id: a.customers.unowned,
      survey_type: 'onboarding',
      score: 3,
    });
    const ids = async (who: { authorization: string }) =>
      (await api.ok<List>('GET', '/csat?survey_type=onboarding&limit=500', who)).responses.map((r) => r.id);
    const agentSees = await ids(a.fx.users.agent.auth);
    expect(agentSees).toContain(mine.id);
    expect(agentSees).not.toContain(peers.id);
    expect(agentSees).not.toContain(unowned.id);
    expect(await ids(a.peer.auth)).toEqual([peers.id]);
    const leaderSees = await ids(a.fx.users.team_leader.auth);
    expect(leaderSees).toContain(mine.id);
    expect(leaderSees).not.toContain(peers.id);
    expect(await ids(a.fx.users.viewer.auth)).toEqual(
      expect.arrayContaining([mine.id, peers.id, unowned.id]),
    );
    expectProblem(await api.call('GET', `/csat/${peers.id}`, a.fx.users.agent.auth), 404, 'NOT_FOUND');
    expectProblem(
      await api.call('GET', `/csat/${unowned.id}`, a.fx.users.team_leader.auth),
      404,
      'NOT_FOUND',
    );
    const filtered = await api.ok<List>(
      'GET',
      `/csat?customer_id=${a.customers.peers}`,
      a.fx.users.agent.auth,
    );
    expect(filtered.responses).toEqual([]);
  });

  it('keeps tenants apart, even when ids are guessed', async () => {
    const rival = await recordResponse(t, b.admin, {
      customer_id: b.customers.mine,
      survey_type: 'nps',
      score: 9,
    });
    expectProblem(await api.call('GET', `/csat/${rival.id}`, a.admin), 404, 'NOT_FOUND');
    const listed = await api.ok<List>('GET', `/csat?customer_id=${b.customers.mine}`, a.admin);
    expect(listed.responses).toEqual([]);
    expectProblem(
      await api.call('GET', `/csat/customer/${b.customers.mine}/summary`, a.admin),
      404,
      'NOT_FOUND',
    );
  });

  it('filters by type, score range and local day, sorts, and pages by offset and cursor', async () => {
    const customer = await createCustomer(t, a.admin, { owner_id: a.fx.users.agent.id });
    // Tashkent is UTC+5: 20:30 UTC on 1 March is already 2 March there.
    const at = (iso: string, survey_type: string, score: number) =>
      recordResponse(t, a.admin, { customer_id: customer, survey_type, score, submitted_at: iso });
    const early = await at('2025-03-01T18:59:00Z', 'quarterly', 2);
    const late = await at('2025-03-01T20:30:00Z', 'quarterly', 5);
    const nps = await at('2025-03-02T10:00:00Z', 'nps', 7);
    const list = (query: string) =>
      api
        .ok<List>('GET', `/csat?customer_id=${customer}&${query}`, a.admin)
        .then((l) => l.responses.map((r) => r.id));
    expect(await list('from=2025-03-02&to=2025-03-02')).toEqual([nps.id, late.id]);
    expect(await list('to=2025-03-01')).toEqual([early.id]);
    expect(await list('survey_type=quarterly&min_score=3')).toEqual([late.id]);
    expect(await list('min_score=2&max_score=5')).toEqual([late.id, early.id]);
    expect(await list('sort=score')).toEqual([early.id, late.id, nps.id]);
    expect(await list('sort=-submitted_at&limit=1&offset=1')).toEqual([late.id]);
    await walkTwoCursorPages(t, a.admin, `/csat?customer_id=${customer}&sort=submitted_at`, 'responses');
  });
});
