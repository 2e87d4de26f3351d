import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { walkTwoCursorPages } from '../field/helpers.js';
import { linesOf, MONTHS_2027, openCycle, type Forecast } from './forecasts.helpers.js';
import {
  client,
  createCustomer,
  createMatrixRow,
  createProduct,
  createTeam,
  expectStatus,
  extraUser,
  planningApp,
} from './helpers.js';

type Errors = { code: string; errors?: { path: string; message: string }[] };

describe('forecasts: drafts, submission, approval', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  let peer: Awaited<ReturnType<typeof extraUser>>;
  let cycle: string;
  let c1: string;
  let p1: string;
  let p2: string;
  let p3: string;

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'fc');
    other = await identityFixture(t, 'fcother');
    api = client(t);
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
    c1 = (await createCustomer(t, admin)).id;
    [p1, p2, p3] = [
      (await createProduct(t, admin)).id,
      (await createProduct(t, admin)).id,
      (await createProduct(t, admin)).id,
    ];
    await createMatrixRow(t, admin, {
      customer_id: c1,
      product_id: p1,
      rep_id: fx.users.agent.id,
      price: '2.50',
    });
    await createMatrixRow(t, admin, {
      customer_id: c1,
      product_id: p2,
      rep_id: fx.users.agent.id,
      price: '10.00',
    });
    cycle = await openCycle(t, fx);
  });
  afterAll(() => t.close());

  const create = (auth: Record<string, string>, body: object) => api.call('POST', '/forecasts', auth, body);

  it('saves a draft: matrix price or override, revenue = round(quantity × price, 2)', async () => {
    const res = expectStatus(
      await create(agent, {
        cycle_id: cycle,
        customer_id: c1,
        product_id: p1,
        lines: [
          { month: '2027-01', quantity: 3.333 },
          { month: '2027-02', quantity: 0.002 },
          { month: '2027-03', quantity: 7, price_override: '1.99' },
          { month: '2026-09', quantity: 1 },
        ],
      }),
      201,
    );
    const fc = res.json<Forecast>();
    expect(fc).toMatchObject({ status: 'draft', rep_id: fx.users.agent.id });
    expect(fc.lines.map((l) => [l.month, l.quantity, l.price, l.revenue, l.price_override])).toEqual([
      ['2026-09', 1, '2.50', '2.50', null],
      ['2027-01', 3.333, '2.50', '8.33', null],
      ['2027-02', 0.002, '2.50', '0.01', null],
      ['2027-03', 7, '1.99', '13.93', '1.99'],
    ]);
    expect(fc.total_revenue).toBe('24.77');
    expect(await api.ok<Forecast>('GET', `/forecasts/${fc.id}`, agent)).toMatchObject({
      id: fc.id,
      total_revenue: '24.77',
    });
    // One live forecast per (cycle, customer, product, rep).
    expectStatus(
      await create(agent, { cycle_id: cycle, customer_id: c1, product_id: p1, lines: [] }),
      409,
      'FORECAST_EXISTS',
    );
  });

  it('refuses bad lines with 422 naming the member, and writes nothing', async () => {
    const base = { cycle_id: cycle, customer_id: c1, product_id: p2 };
    for (const [lines, path] of [
      [[{ month: '2027-13', quantity: 1 }], '/body/lines/0/month'],
      [[{ month: '2028-01', quantity: 1 }], '/body/lines/0/month'],
      [[{ month: '2026-08', quantity: 1 }], '/body/lines/0/month'],
      [[{ month: '2027-01', quantity: -1 }], '/body/lines/0/quantity'],
      [[{ month: '2027-01', quantity: 1.2345 }], '/body/lines/0/quantity'],
      [[{ month: '2027-01', quantity: 1e12, price_override: '99999999.00' }], '/body/lines/0/quantity'],
      [[{ month: '2027-01', quantity: 1, price_override: '1.005' }], '/body/lines/0/price_override'],
      [[{ month: '2027-01', quantity: 1, price_override: '-1.00' }], '/body/lines/0/price_override'],
      [
        [
          { month: '2027-01', quantity: 1 },
          { month: '2027-01', quantity: 2 },
        ],
        '/body/lines/1/month',
      ],
    ] as const) {
      const res = expectStatus(await create(agent, { ...base, lines }), 422);
      expect(
        res.json<Errors>().errors?.map((e) => e.path),
        JSON.stringify(lines),
      ).toContain(path);
    }
    // No matrix price and no override: 422 at the line's price_override.
    const noPrice = expectStatus(
      await create(agent, { ...base, product_id: p3, lines: [{ month: '2027-01', quantity: 1 }] }),
      422,
    );
    expect(noPrice.json<Errors>().errors?.[0]?.path).toBe('/body/lines/0/price_override');
    expectStatus(await create(agent, { ...base, cycle_id: fx.users.agent.id, lines: [] }), 422);
    const listed = await api.ok<{ forecasts: Forecast[] }>('GET', `/forecasts?product_id=${p2}`, admin);
    expect(listed.forecasts).toEqual([]);
  });

  it('lets only the owner change a draft; others get 403 (in scope) or 404 (out of scope)', async () => {
    const fc = expectStatus(
      await create(agent, { cycle_id: cycle, customer_id: c1, product_id: p2, lines: linesOf(['2027-01']) }),
      201,
    ).json<Forecast>();
    const put = (auth: Record<string, string>) =>
      api.call('PUT', `/forecasts/${fc.id}`, auth, { lines: linesOf(MONTHS_2027, 2) });
    expectStatus(await put(peer.auth), 404);
    expectStatus(await put(fx.users.team_leader.auth), 403, 'NOT_FORECAST_OWNER');
    expectStatus(await put(admin), 403, 'NOT_FORECAST_OWNER');
    expectStatus(await put(fx.users.viewer.auth), 403);
    // A failing replacement changes nothing (one transaction).
    expectStatus(
      await api.call('PUT', `/forecasts/${fc.id}`, agent, {
        lines: [
          { month: '2027-02', quantity: 1 },
          { month: '2031-01', quantity: 1 },
        ],
      }),
      422,
    );
    expect((await api.ok<Forecast>('GET', `/forecasts/${fc.id}`, agent)).lines.map((l) => l.month)).toEqual([
      '2027-01',
    ]);
    const changed = expectStatus(await put(agent), 200).json<Forecast>();
    expect(changed.lines).toHaveLength(12);
    expect(changed.total_revenue).toBe('240.00');
    expectStatus(await api.call('GET', `/forecasts/${fc.id}`, peer.auth), 404);
    expectStatus(await api.call('GET', `/forecasts/${fc.id}`, other.users.admin.auth), 404);
  });

  it('submits with the min_future_months rule (11 vs 12), then approves; drafts are not approved', async () => {
    const fc = expectStatus(
      await create(fx.users.team_leader.auth, {
        cycle_id: cycle,
        customer_id: c1,
        product_id: p1,
        lines: [...linesOf(MONTHS_2027.slice(0, 11)), { month: '2027-12', quantity: 0 }],
      }),
      201,
    ).json<Forecast>();
    const leader = fx.users.team_leader.auth;
    const short = expectStatus(
      await api.call('POST', `/forecasts/${fc.id}/submit`, leader),
      422,
      'FORECAST_INCOMPLETE',
    );
    expect(short.json<Errors>().errors?.[0]?.path).toBe('/lines');
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/approve`, admin), 409, 'FORECAST_NOT_SUBMITTED');
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/submit`, agent), 404);
    await api.ok('PUT', '/settings', admin, { planning: { min_future_months: 11 } });
    const submitted = await api.ok<Forecast & { submitted_at: string }>(
      'POST',
      `/forecasts/${fc.id}/submit`,
      leader,
    );
    expect(submitted.status).toBe('submitted');
    expect(submitted.submitted_at).toEqual(expect.any(String));
    await api.ok('PUT', '/settings', admin, { planning: { min_future_months: 12 } });
    expectStatus(
      await api.call('PUT', `/forecasts/${fc.id}`, leader, { lines: [] }),
      409,
      'FORECAST_NOT_DRAFT',
    );
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/submit`, leader), 409, 'FORECAST_NOT_DRAFT');
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/approve`, agent), 403);
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/approve`, leader), 403);
    // approver_roles limits who, beyond the permission.
    await api.ok('PUT', '/settings', admin, { planning: { approver_roles: ['national_manager'] } });
    expectStatus(await api.call('POST', `/forecasts/${fc.id}/approve`, admin), 403, 'NOT_AN_APPROVER');
    await api.ok('PUT', '/settings', admin, { planning: { approver_roles: ['admin'] } });
    const approved = await api.ok<Forecast & { decided_by: string }>(
      'POST',
      `/forecasts/${fc.id}/approve`,
      admin,
    );
    expect(approved).toMatchObject({ status: 'approved', decided_by: fx.users.admin.id });
    expectStatus(
      await api.call('POST', `/forecasts/${fc.id}/reject`, admin, { comment: 'late' }),
      409,
      'FORECAST_NOT_SUBMITTED',
    );
    const stats = await api.ok<{ by_status: Record<string, number> }>(
      'GET',
      `/sop/cycles/${cycle}/stats`,
      admin,
    );
    expect(stats.by_status).toMatchObject({ approved: 1, submitted: 0 });
    const audit = await api.ok<{ audit: { action: string }[] }>(
      'GET',
      `/audit?entity_id=${fc.id}&limit=50`,
      admin,
    );
    expect(audit.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['forecast.create', 'forecast.submit', 'forecast.approve']),
    );
  });

  it('rejects with a comment and lets the owner reopen it as a new draft with the same lines', async () => {
    const [fc] = (
      await api.ok<{ forecasts: Forecast[] }>(
        'GET',
        `/forecasts?product_id=${p2}&rep_id=${fx.users.agent.id}`,
        agent,
      )
    ).forecasts;
    await api.ok('POST', `/forecasts/${fc!.id}/submit`, agent);
    const noComment = expectStatus(await api.call('POST', `/forecasts/${fc!.id}/reject`, admin, {}), 422);
    expect(
      noComment
        .json<Errors>()
        .errors?.map((e) => e.path)
        .join(),
    ).toContain('comment');
    expectStatus(await api.call('POST', `/forecasts/${fc!.id}/reject`, admin, { comment: '   ' }), 422);
    const rejected = await api.ok<Forecast>('POST', `/forecasts/${fc!.id}/reject`, admin, {
      comment: 'Too optimistic in Q3',
    });
    expect(rejected).toMatchObject({ status: 'rejected', comment: 'Too optimistic in Q3' });
    expectStatus(await api.call('POST', `/forecasts/${fc!.id}/reopen`, admin), 403, 'NOT_FORECAST_OWNER');
    const reopened = await api.ok<Forecast>('POST', `/forecasts/${fc!.id}/reopen`, agent, undefined, 201);
    expect(reopened.id).not.toBe(fc!.id);
    expect(reopened.status).toBe('draft');
    expect(reopened.lines).toEqual(rejected.lines);
    expectStatus(await api.call('POST', `/forecasts/${fc!.id}/reopen`, agent), 409, 'FORECAST_EXISTS');
    expectStatus(
      await api.call('POST', `/forecasts/${reopened.id}/reopen`, agent),
      409,
      'FORECAST_NOT_REJECTED',
    );
    const byStatus = await api.ok<{ forecasts: Forecast[] }>(
      'GET',
      `/forecasts?cycle_id=${cycle}&status=rejected`,
      admin,
    );
    expect(byStatus.forecasts.map((f) => f.id)).toEqual([fc!.id]);
  });

  it('lists in scope: a rep their own, a team leader their team’s, an admin all; keyset pages', async () => {
    const ids = async (auth: Record<string, string>) =>
      (
        await api.ok<{ forecasts: Forecast[] }>('GET', `/forecasts?cycle_id=${cycle}&limit=100`, auth)
      ).forecasts.map((f) => f.rep_id);
    const all = await ids(admin);
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(await ids(agent))).toEqual(new Set([fx.users.agent.id]));
    expect(new Set(await ids(fx.users.team_leader.auth))).toEqual(
      new Set([fx.users.agent.id, fx.users.team_leader.id]),
    );
    expect(await ids(peer.auth)).toEqual([]);
    expect(await ids(other.users.admin.auth)).toEqual([]);
    expect(new Set(await ids(fx.users.viewer.auth)).size).toBe(2);
    await walkTwoCursorPages(t, admin, `/forecasts?cycle_id=${cycle}&sort=-created_at`, 'forecasts');
    expectStatus(
      await create(other.users.admin.auth, { cycle_id: cycle, customer_id: c1, product_id: p1, lines: [] }),
      422,
    );
  });

  it('refuses work in a closed cycle and submission after the deadline', async () => {
    const [draft] = (
      await api.ok<{ forecasts: Forecast[] }>(
        'GET',
        `/forecasts?status=draft&rep_id=${fx.users.agent.id}`,
        agent,
      )
    ).forecasts;
    await api.ok('PUT', `/forecasts/${draft!.id}`, agent, { lines: linesOf(MONTHS_2027) });
    await api.ok('POST', `/sop/cycles/${cycle}/close`, admin);
    expectStatus(await api.call('POST', `/forecasts/${draft!.id}/submit`, agent), 409, 'SOP_CYCLE_NOT_OPEN');
    expectStatus(
      await api.call('PUT', `/forecasts/${draft!.id}`, agent, { lines: [] }),
      409,
      'SOP_CYCLE_NOT_OPEN',
    );
    expectStatus(
      await create(agent, { cycle_id: cycle, customer_id: c1, product_id: p3, lines: [] }),
      409,
      'SOP_CYCLE_NOT_OPEN',
    );
    // An open cycle whose deadline (end − 7 days) has passed.
    const late = await openCycle(t, fx, '2026-01', '2026-01-31');
    const fc = expectStatus(
      await create(agent, {
        cycle_id: late,
        customer_id: c1,
        product_id: p1,
        lines: linesOf(MONTHS_2027.map((m) => m.replace('2027', '2026'))),
      }),
      201,
    ).json<Forecast>();
    expectStatus(
      await api.call('POST', `/forecasts/${fc.id}/submit`, agent),
      409,
      'SUBMISSION_DEADLINE_PASSED',
    );
    expect((await api.ok<Forecast>('GET', `/forecasts/${fc.id}`, agent)).status).toBe('draft');
  });
});
