import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createTeam, expectStatus, extraUser, type Headers } from '../field/helpers.js';
import { notifyApp, type Alert, type AlertList } from './helpers.js';

describe('notify: alerts', { timeout: 120_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let peerId: string;

  const manual = (body: object = {}) => ({
    type: 'customer_risk',
    severity: 'high',
    title: 'Customer at risk',
    entity_type: 'customer',
    entity_id: randomUUID(),
    ...body,
  });

  beforeAll(async () => {
    t = await notifyApp();
    fx = await identityFixture(t, 'alerts');
    other = await identityFixture(t, 'rival');
    admin = fx.users.admin.auth;
    api = client(t);
    peerId = (await extraUser(t, fx, 'agent')).id;
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
  }, 300_000);
  afterAll(() => t.close());

  it('raises a manual alert, reads, lists with filters, updates, resolves', async () => {
    const created = await api.ok<Alert>(
      'POST',
      '/alerts',
      admin,
      manual({ owner_id: fx.users.agent.id, description: 'Three late invoices' }),
      201,
    );
    expect(created).toMatchObject({ status: 'open', source: 'manual', owner_id: fx.users.agent.id });
    expect(await api.ok<Alert>('GET', `/alerts/${created.id}`, admin)).toMatchObject({ id: created.id });

    const list = await api.ok<AlertList>(
      'GET',
      '/alerts?severity=high&status=open&type=customer_risk',
      admin,
    );
    expect(list.alerts.map((a) => a.id)).toContain(created.id);
    const none = await api.ok<AlertList>('GET', '/alerts?severity=low', admin);
    expect(none.alerts.map((a) => a.id)).not.toContain(created.id);
    const byEntity = await api.ok<AlertList>(
      'GET',
      `/alerts?entity_type=customer&entity_id=${created.entity_id}`,
      admin,
    );
    expect(byEntity.alerts.map((a) => a.id)).toEqual([created.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (await api.ok<AlertList>('GET', `/alerts?from=${today}&to=${today}`, admin)).total,
    ).toBeGreaterThan(0);
    expect((await api.ok<AlertList>('GET', '/alerts?to=2000-01-01', admin)).total).toBe(0);

    const updated = await api.ok<Alert>('PUT', `/alerts/${created.id}`, admin, {
      assignee_id: fx.users.team_leader.id,
      notes: 'Call them',
    });
    expect(updated).toMatchObject({ assignee_id: fx.users.team_leader.id, notes: 'Call them' });
    expect(
      (await api.ok<AlertList>('GET', `/alerts?assignee_id=${fx.users.team_leader.id}`, admin)).alerts.map(
        (a) => a.id,
      ),
    ).toContain(created.id);

    const resolved = await api.ok<Alert>('PUT', `/alerts/${created.id}/resolve`, admin, {
      resolution_note: 'Paid',
    });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution_note: 'Paid',
      resolved_by: fx.users.admin.id,
    });
    expect(resolved.resolved_at).toEqual(expect.any(String));

    // A resolved alert: resolving or snoozing again is 409 and changes nothing.
    expectStatus(
      await api.call('PUT', `/alerts/${created.id}/resolve`, admin, {}),
      409,
      'ALERT_ALREADY_RESOLVED',
    );
    const until = new Date(Date.now() + 3600_000).toISOString();
    expectStatus(
      await api.call('PUT', `/alerts/${created.id}/snooze`, admin, { until }),
      409,
      'ALERT_ALREADY_RESOLVED',
    );
    expect(await api.ok<Alert>('GET', `/alerts/${created.id}`, admin)).toMatchObject({
      status: 'resolved',
      resolution_note: 'Paid',
    });
  });

  it('refuses invalid input with 422 and a pointer, changing nothing', async () => {
    const bad = async (body: object, path: string) => {
      const res = expectStatus(await api.call('POST', '/alerts', admin, body), 422);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    };
    await bad(manual({ severity: 'urgent' }), '/body/severity');
    await bad(manual({ title: '' }), '/body/title');
    await bad(manual({ entity_id: 'nope' }), '/body/entity_id');
    await bad(manual({ customer_id: randomUUID() }), '/body/customer_id');
    await bad(manual({ assignee_id: randomUUID() }), '/body/assignee_id');
    await bad(manual({ colour: 'red' }), '/body/colour');

    const alert = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    const past = new Date(Date.now() - 60_000).toISOString();
    const res = expectStatus(
      await api.call('PUT', `/alerts/${alert.id}/snooze`, admin, { until: past }),
      422,
    );
    expect(res.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/until');
    expect((await api.ok<Alert>('GET', `/alerts/${alert.id}`, admin)).status).toBe('open');
    expectStatus(await api.call('PUT', `/alerts/${alert.id}`, admin, {}), 422);
    expectStatus(await api.call('GET', '/alerts?severity=urgent', admin), 422);
    expectStatus(await api.call('GET', '/alerts?from=yesterday', admin), 422);
  });

  it('snoozes, and a snoozed alert reopens by itself when its time has passed', async () => {
    const alert = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    const until = new Date(Date.now() + 1500).toISOString();
    const snoozed = await api.ok<Alert>('PUT', `/alerts/${alert.id}/snooze`, admin, { until });
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozed_until: until });
    expect(
      (await api.ok<AlertList>('GET', '/alerts?status=snoozed', admin)).alerts.map((a) => a.id),
    ).toContain(alert.id);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const run = await api.ok<{ status: string }>('POST', '/scheduler/jobs/notify.reopen-snoozed/run', admin);
    expect(run.status).toBe('succeeded');
    expect(await api.ok<Alert>('GET', `/alerts/${alert.id}`, admin)).toMatchObject({
      status: 'open',
      snoozed_until: null,
    });
  });

  it('bulk-resolves all or nothing, reporting the already resolved ones', async () => {
    const a = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    const b = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    await api.ok('PUT', `/alerts/${b.id}/resolve`, admin, {});
    const missing = randomUUID();
    const refused = expectStatus(
      await api.call('POST', '/alerts/bulk-resolve', admin, { ids: [a.id, missing] }),
      422,
    );
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['/body/ids/1']);
    expect((await api.ok<Alert>('GET', `/alerts/${a.id}`, admin)).status).toBe('open');
    const done = await api.ok('POST', '/alerts/bulk-resolve', admin, {
      ids: [a.id, b.id],
      resolution_note: 'Batch',
    });
    expect(done).toEqual({ resolved: [a.id], already_resolved: [b.id] });
    expect(await api.ok<Alert>('GET', `/alerts/${a.id}`, admin)).toMatchObject({
      status: 'resolved',
      resolution_note: 'Batch',
    });
    expectStatus(await api.call('POST', '/alerts/bulk-resolve', admin, { ids: [] }), 422);
  });

  it('dashboard, stats and the customer view count what the scope covers', async () => {
    const customer = await api.ok(
      'POST',
      '/customers',
      admin,
      { code: `C-${Date.now()}`, name: 'Acme' },
      201,
    );
    const critical = await api.ok<Alert>(
      'POST',
      '/alerts',
      admin,
      manual({ severity: 'critical', type: 'contract_expiry', customer_id: customer.id }),
      201,
    );
    const dash = await api.ok<{
      open_total: number;
      open_by_severity: Record<string, number>;
      open_by_type: Record<string, number>;
      newest_critical: Alert[];
      trend: { date: string; raised: number; resolved: number }[];
    }>('GET', '/alerts/dashboard', admin);
    expect(dash.open_by_severity.critical).toBeGreaterThanOrEqual(1);
    expect(dash.open_by_type.contract_expiry).toBe(1);
    expect(dash.newest_critical[0]!.id).toBe(critical.id);
    expect(dash.trend).toHaveLength(30);
    expect(dash.trend.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
    expect(dash.trend.at(-1)!.raised).toBeGreaterThan(0);

    const stats = await api.ok<{
      total: number;
      by_status: Record<string, number>;
      by_source: Record<string, number>;
    }>('GET', '/alerts/stats', admin);
    expect(stats.total).toBe(stats.by_status.open! + stats.by_status.resolved! + stats.by_status.snoozed!);
    expect(stats.by_source.manual).toBe(stats.total);

    const forCustomer = await api.ok<AlertList>('GET', `/alerts/customer/${customer.id}`, admin);
    expect(forCustomer.alerts.map((a) => a.id)).toEqual([critical.id]);
    // The agent's scope does not cover the admin's alert about no one's record.
    expect(
      (await api.ok<AlertList>('GET', `/alerts/customer/${customer.id}`, fx.users.agent.auth)).total,
    ).toBe(0);
    const agentDash = await api.ok<{ open_by_type: Record<string, number> }>(
      'GET',
      '/alerts/dashboard',
      fx.users.agent.auth,
    );
    expect(agentDash.open_by_type.contract_expiry).toBeUndefined();
  });

  it('applies the data scope: an agent sees their own alerts, a team leader their team’s', async () => {
    const mine = await api.ok<Alert>('POST', '/alerts', admin, manual({ owner_id: fx.users.agent.id }), 201);
    const peers = await api.ok<Alert>('POST', '/alerts', admin, manual({ owner_id: peerId }), 201);
    const agent = fx.users.agent.auth;
    const seen = (await api.ok<AlertList>('GET', '/alerts?limit=500', agent)).alerts.map((a) => a.id);
    expect(seen).toContain(mine.id);
    expect(seen).not.toContain(peers.id);
    expectStatus(await api.call('GET', `/alerts/${peers.id}`, agent), 404, 'NOT_FOUND');
    expectStatus(await api.call('PUT', `/alerts/${peers.id}/resolve`, agent, {}), 404);
    const leaderSees = (
      await api.ok<AlertList>('GET', '/alerts?limit=500', fx.users.team_leader.auth)
    ).alerts.map((a) => a.id);
    expect(leaderSees).toContain(mine.id);
    expect(leaderSees).not.toContain(peers.id);
    // Assigned to the peer: now they see it.
    await api.ok('PUT', `/alerts/${mine.id}`, admin, { assignee_id: peerId });
    // An agent raises an alert about their own record; it stays theirs.
    const own = await api.ok<Alert>('POST', '/alerts', agent, manual(), 201);
    expect(own.owner_id).toBe(fx.users.agent.id);
    expect(await api.ok<Alert>('GET', `/alerts/${own.id}`, agent)).toMatchObject({ id: own.id });
    await api.ok('PUT', `/alerts/${own.id}/resolve`, agent, {});
    // An alert about a record of someone outside the agent's scope (a peer, the admin) is refused:
    // it would tell people the agent cannot see, about something the agent could not read again.
    for (const owner of [peerId, fx.users.admin.id]) {
      const refused = expectStatus(
        await api.call('POST', '/alerts', agent, manual({ owner_id: owner })),
        422,
      );
      expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
        '/body/owner_id',
      ]);
    }
    // The team leader may raise one about their team member.
    await api.ok('POST', '/alerts', fx.users.team_leader.auth, manual({ owner_id: fx.users.agent.id }), 201);
  });

  it('checks permissions per role', async () => {
    const alert = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    const viewer = fx.users.viewer.auth;
    expect((await api.ok<AlertList>('GET', '/alerts', viewer)).alerts.map((a) => a.id)).toContain(alert.id);
    expectStatus(await api.call('POST', '/alerts', viewer, manual()), 403);
    expectStatus(await api.call('PUT', `/alerts/${alert.id}/resolve`, viewer, {}), 403);
    expectStatus(await api.call('POST', '/alerts/bulk-resolve', viewer, { ids: [alert.id] }), 403);
    for (const role of ['agent', 'team_leader', 'national_manager', 'viewer'] as const) {
      expectStatus(await api.call('POST', '/alerts/run-checks', fx.users[role].auth), 403);
      expectStatus(await api.call('GET', '/scheduler/jobs', fx.users[role].auth), 403);
    }
    expectStatus(await api.call('GET', '/alerts'), 401);
  });

  it('keeps tenants apart', async () => {
    const alert = await api.ok<Alert>('POST', '/alerts', admin, manual(), 201);
    const rival = other.users.admin.auth;
    expectStatus(await api.call('GET', `/alerts/${alert.id}`, rival), 404);
    expectStatus(await api.call('PUT', `/alerts/${alert.id}`, rival, { notes: 'x' }), 404);
    expectStatus(await api.call('PUT', `/alerts/${alert.id}/resolve`, rival, {}), 404);
    expectStatus(
      await api.call('PUT', `/alerts/${alert.id}/snooze`, rival, {
        until: new Date(Date.now() + 60_000).toISOString(),
      }),
      404,
    );
    expectStatus(await api.call('POST', '/alerts/bulk-resolve', rival, { ids: [alert.id] }), 422);
    expect(
      (await api.ok<AlertList>('GET', '/alerts?limit=500', rival)).alerts.map((a) => a.id),
    ).not.toContain(alert.id);
    // An assignee from another tenant is refused.
    expectStatus(
      await api.call('PUT', `/alerts/${alert.id}`, admin, { assignee_id: other.users.agent.id }),
      422,
    );
    expect((await api.ok<Alert>('GET', `/alerts/${alert.id}`, admin)).status).toBe('open');
  });
});
