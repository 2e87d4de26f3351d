import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutoClose, runReminders } from '../../src/modules/planning/cycles/jobs.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCustomer,
  createMatrixRow,
  createProduct,
  expectStatus,
  planningApp,
  uniq,
} from './helpers.js';

type Cycle = {
  id: string;
  status: string;
  window: string[];
  submission_deadline: string;
  anchor_month: string;
  closed_by: string | null;
};

describe('S&OP cycles', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'plan');
    api = client(t);
    admin = fx.users.admin.auth;
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { time_zone: 'Europe/Berlin' } });
  });
  afterAll(() => t.close());

  const create = (body: object = {}) =>
    api.ok<Cycle>(
      'POST',
      '/sop/cycles',
      admin,
      {
        name: uniq('Cycle'),
        anchor_month: '2026-04',
        start_date: '2026-03-20',
        end_date: '2026-04-05',
        ...body,
      },
      201,
    );

  it('creates a draft with its 16-month window and deadline in the tenant zone', async () => {
    const cycle = await create();
    expect(cycle).toMatchObject({ status: 'draft', anchor_month: '2026-04' });
    expect(cycle.window).toHaveLength(16);
    expect(cycle.window[0]).toBe('2025-12');
    expect(cycle.window[4]).toBe('2026-04');
    expect(cycle.window[15]).toBe('2027-03');
    // 2026-03-29 23:59:59 in Berlin is after the spring change (UTC+2).
    expect(cycle.submission_deadline).toBe('2026-03-29T21:59:59.000Z');
    expect(await api.ok('GET', `/sop/cycles/${cycle.id}`, fx.users.agent.auth)).toMatchObject({
      id: cycle.id,
    });
  });

  it('refuses bad input with 422 naming the field', async () => {
    const base = { name: 'X', anchor_month: '2026-04', start_date: '2026-03-01', end_date: '2026-03-31' };
    for (const [body, path] of [
      [{ ...base, anchor_month: '2026-13' }, '/body/anchor_month'],
      [{ ...base, anchor_month: '2026-4' }, '/body/anchor_month'],
      [{ ...base, end_date: '2026-02-01' }, '/body/end_date'],
      [{ ...base, start_date: 'soon' }, '/body/start_date'],
    ] as const) {
      const res = expectStatus(await api.call('POST', '/sop/cycles', admin, body), 422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    }
  });

  it('opens one cycle at a time (409 SOP_CYCLE_ALREADY_OPEN), closes, and deletes only drafts', async () => {
    const first = await create();
    const second = await create();
    expect(await api.ok<Cycle>('POST', `/sop/cycles/${first.id}/open`, admin)).toMatchObject({
      status: 'open',
    });
    expectStatus(
      await api.call('POST', `/sop/cycles/${second.id}/open`, admin),
      409,
      'SOP_CYCLE_ALREADY_OPEN',
    );
    expectStatus(await api.call('POST', `/sop/cycles/${first.id}/open`, admin), 409, 'SOP_CYCLE_NOT_DRAFT');
    expect(await api.ok<Cycle>('GET', '/sop/cycles/active', fx.users.agent.auth)).toMatchObject({
      id: first.id,
    });
    expectStatus(await api.call('DELETE', `/sop/cycles/${first.id}`, admin), 409, 'SOP_CYCLE_NOT_DRAFT');
    expectStatus(
      await api.call('PUT', `/sop/cycles/${first.id}`, admin, { anchor_month: '2026-06' }),
      409,
      'SOP_CYCLE_NOT_DRAFT',
    );
    expect(await api.ok<Cycle>('POST', `/sop/cycles/${first.id}/close`, admin)).toMatchObject({
      status: 'closed',
    });
    expectStatus(await api.call('POST', `/sop/cycles/${first.id}/close`, admin), 409, 'SOP_CYCLE_NOT_OPEN');
    expectStatus(
      await api.call('PUT', `/sop/cycles/${first.id}`, admin, { name: 'Y' }),
      409,
      'SOP_CYCLE_CLOSED',
    );
    expectStatus(await api.call('DELETE', `/sop/cycles/${first.id}`, admin), 409, 'SOP_CYCLE_NOT_DRAFT');
    expectStatus(await api.call('GET', '/sop/cycles/active', admin), 404, 'NO_ACTIVE_CYCLE');
    // The second can open now; a draft deletes.
    expect(await api.ok<Cycle>('POST', `/sop/cycles/${second.id}/open`, admin)).toMatchObject({
      status: 'open',
    });
    await api.ok('POST', `/sop/cycles/${second.id}/close`, admin);
    const draft = await create();
    expectStatus(await api.call('DELETE', `/sop/cycles/${draft.id}`, admin), 204);
    expectStatus(await api.call('GET', `/sop/cycles/${draft.id}`, admin), 404);
  });

  it('lets exactly one of two concurrent opens win', async () => {
    const [a, b] = [await create(), await create()];
    const results = await Promise.all([
      api.call('POST', `/sop/cycles/${a.id}/open`, admin),
      api.call('POST', `/sop/cycles/${b.id}/open`, admin),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json()).toMatchObject({
      code: 'SOP_CYCLE_ALREADY_OPEN',
    });
    const winner = results.find((r) => r.statusCode === 200)!.json<Cycle>();
    await api.ok('POST', `/sop/cycles/${winner.id}/close`, admin);
  });

  it('lets agents read but not write or manage cycles (403)', async () => {
    const agent = fx.users.agent.auth;
    const cycle = await create();
    expectStatus(await api.call('GET', '/sop/cycles', agent), 200);
    expectStatus(await api.call('GET', `/sop/cycles/${cycle.id}/stats`, fx.users.viewer.auth), 200);
    expectStatus(await api.call('POST', '/sop/cycles', agent, { name: 'x' }), 403);
    expectStatus(await api.call('PUT', `/sop/cycles/${cycle.id}`, agent, { name: 'x' }), 403);
    expectStatus(await api.call('DELETE', `/sop/cycles/${cycle.id}`, agent), 403);
    for (const act of ['open', 'close', 'notify'])
      expectStatus(
        await api.call('POST', `/sop/cycles/${cycle.id}/${act}`, fx.users.national_manager.auth),
        403,
      );
    expectStatus(await api.call('DELETE', `/sop/cycles/${cycle.id}`, admin), 204);
  });

  it('counts stats, notifies reps who have not submitted by mail, reminds and auto-closes', async () => {
    const customer = await createCustomer(t, admin);
    const [p1, p2] = [await createProduct(t, admin), await createProduct(t, admin)];
    const agent = fx.users.agent;
    const leader = fx.users.team_leader;
    await createMatrixRow(t, admin, { customer_id: customer.id, product_id: p1.id, rep_id: agent.id });
    await createMatrixRow(t, admin, { customer_id: customer.id, product_id: p2.id, rep_id: agent.id });
    const other = await createCustomer(t, admin);
    await createMatrixRow(t, admin, { customer_id: other.id, product_id: p1.id, rep_id: leader.id });
    // An inactive row expects nothing.
    await createMatrixRow(t, admin, {
      customer_id: other.id,
      product_id: p2.id,
      rep_id: leader.id,
      is_active: false,
    });

    const today = new Date().toISOString().slice(0, 10);
    const addDays = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    // Deadline (end − 7) two days away: within the default reminder window of 3 days.
    const cycle = await create({ anchor_month: today.slice(0, 7), start_date: today, end_date: addDays(9) });
    expectStatus(await api.call('POST', `/sop/cycles/${cycle.id}/notify`, admin), 409, 'SOP_CYCLE_NOT_OPEN');
    await api.ok('POST', `/sop/cycles/${cycle.id}/open`, admin);

    // A submitted forecast of the leader (forecast routes come later: written directly).
    await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, (tx) =>
      tx.sql.query(
        `insert into forecasts (tenant_id, id, cycle_id, customer_id, product_id, rep_id, status, submitted_at)
         values ($1, gen_random_uuid(), $2, $3, $4, $5, 'submitted', now())`,
        [fx.tenantId, cycle.id, other.id, p1.id, leader.id],
      ),
    );
    const stats = await api.ok('GET', `/sop/cycles/${cycle.id}/stats`, admin);
    expect(stats).toEqual({
      cycle_id: cycle.id,
      forecasts_total: 3,
      forecasts_submitted: 1,
      reps_total: 2,
      reps_submitted: 1,
      completion_percent: 33.3,
      by_status: { draft: 0, submitted: 1, approved: 0, rejected: 0 },
    });

    const notified = await api.ok<{ notified: number; rep_ids: string[] }>(
      'POST',
      `/sop/cycles/${cycle.id}/notify`,
      admin,
    );
    expect(notified).toEqual({ notified: 1, rep_ids: [agent.id] });
    const mails = await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, to: agent.email });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('2 forecast(s) still to submit');
    expect(await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, to: leader.email })).toHaveLength(0);

    // The reminder job tells the same rep once; a second run sends nothing.
    expect(await runReminders(t.app.platform)).toBe(1);
    expect(await runReminders(t.app.platform)).toBe(0);
    expect(await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, to: agent.email })).toHaveLength(2);

    // Auto-close: nothing before the end date, the cycle once it has passed.
    expect(await runAutoClose(t.app.platform)).toBe(0);
    expect(await runAutoClose(t.app.platform, new Date(Date.parse(`${addDays(11)}T12:00:00Z`)))).toBe(1);
    expect(await api.ok<Cycle>('GET', `/sop/cycles/${cycle.id}`, admin)).toMatchObject({
      status: 'closed',
      closed_by: null,
    });
  });

  it('does not remind while the deadline is further away than reminder_days', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const inDays = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    // Deadline 10 days away; the default reminder window is 3 days, a changed one 12.
    const cycle = await create({ anchor_month: today.slice(0, 7), start_date: today, end_date: inDays(17) });
    await api.ok('POST', `/sop/cycles/${cycle.id}/open`, admin);
    const before = (await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, limit: 500 })).length;
    expect(await runReminders(t.app.platform)).toBe(0);
    await api.ok('PUT', '/settings', admin, { planning: { reminder_days: 12 } });
    // Both reps with matrix rows: nothing is submitted in this cycle.
    expect(await runReminders(t.app.platform)).toBe(2);
    expect((await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, limit: 500 })).length).toBe(
      before + 2,
    );
    await api.ok('PUT', '/settings', admin, { planning: { reminder_days: 3 } });
    await api.ok('POST', `/sop/cycles/${cycle.id}/close`, admin);
  });

  it('lists with a status filter and keyset paging', async () => {
    const list = await api.ok<{ sop_cycles: Cycle[]; next_cursor: string | null }>(
      'GET',
      '/sop/cycles?status=closed&limit=1',
      admin,
    );
    expect(list.sop_cycles).toHaveLength(1);
    expect(list.sop_cycles[0]!.status).toBe('closed');
    expect(list.next_cursor).toEqual(expect.any(String));
    expectStatus(await api.call('GET', '/sop/cycles?status=nope', admin), 422);
  });
});
