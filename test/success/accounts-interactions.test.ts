import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { walkTwoCursorPages } from '../field/helpers.js';
import {
  createDeployment,
  dayIn,
  idsOf,
  logInteraction,
  ownedCustomer,
  pathsOf,
  type Listed,
  type Problem,
  type Row,
} from './accounts-helpers.js';
import { client, createTeam, expectStatus, successApp, type Headers } from './helpers.js';

const DAY = 86_400_000;

describe('interactions', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let agent: Headers;
  let customer: string;

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'talk');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
    customer = await ownedCustomer(t, fx, fx.users.agent.id, { name: 'Talk Co' });
  });
  afterAll(() => t?.close());

  it('logs, reads, changes and deletes an interaction, auditing each write', async () => {
    const deployment = await createDeployment(t, admin, customer);
    const at = new Date(Date.now() - 2 * DAY).toISOString();
    const logged = await logInteraction(t, agent, customer, {
      interaction_type: 'meeting',
      subject: '  Quarterly review ',
      description: 'Went well',
      sentiment: 'positive',
      interaction_date: at,
      deployment_id: deployment.id,
    });
    expect(logged).toMatchObject({
      customer_id: customer,
      customer_name: 'Talk Co',
      deployment_id: deployment.id,
      interaction_type: 'meeting',
      subject: 'Quarterly review',
      sentiment: 'positive',
      performed_by: fx.users.agent.id,
      created_by: fx.users.agent.id,
      interaction_date: at,
      follow_up_required: false,
      follow_up_date: null,
      follow_up_completed_at: null,
    });
    expect(await api.ok('GET', `/interactions/${logged.id}`, fx.users.viewer.auth)).toEqual(logged);

    const defaults = await logInteraction(t, agent, customer);
    expect(defaults).toMatchObject({ sentiment: 'neutral', interaction_type: 'call', deployment_id: null });
    expect(Math.abs(Date.parse(defaults.interaction_date as string) - Date.now())).toBeLessThan(60_000);

    const changed = await api.ok<Row>('PUT', `/interactions/${logged.id}`, agent, {
      sentiment: 'negative',
      performed_by: fx.users.team_leader.id,
      deployment_id: null,
    });
    expect(changed).toMatchObject({
      sentiment: 'negative',
      performed_by: fx.users.team_leader.id,
      deployment_id: null,
    });

    expectStatus(await api.call('DELETE', `/interactions/${logged.id}`, agent), 403, 'FORBIDDEN');
    expectStatus(await api.call('DELETE', `/interactions/${logged.id}`, fx.users.team_leader.auth), 204);
    expectStatus(await api.call('GET', `/interactions/${logged.id}`, admin), 404);
    const { rows } = await t.database.db.query<{ action: string }>(
      'select action from audit_log where entity_id = $1 order by at, id',
      [logged.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'interaction.create',
      'interaction.update',
      'interaction.delete',
    ]);
  });

  it('refuses bad input with 422 naming the field', async () => {
    const other = await ownedCustomer(t, fx, null);
    const foreign = await createDeployment(t, admin, other);
    const bad = async (body: object, path: string, auth = admin) => {
      const res = await api.call('POST', '/interactions', auth, {
        customer_id: customer,
        interaction_type: 'call',
        subject: 'S',
        ...body,
      });
      expectStatus(res, 422);
      expect(pathsOf(res.json<Problem>()), res.body).toContain(path);
    };
    await bad({ interaction_type: 'fax' }, '/body/interaction_type');
    await bad({ sentiment: 'ecstatic' }, '/body/sentiment');
    await bad({ subject: '' }, '/body/subject');
    await bad({ subject: 'a\u0000b' }, '/body/subject');
    await bad({ description: 'x'.repeat(5001) }, '/body/description');
    await bad({ customer_id: 'c'.repeat(5000) }, '/body/customer_id');
    await bad({ performed_by: crypto.randomUUID() }, '/body/performed_by');
    await bad({ deployment_id: foreign.id }, '/body/deployment_id');
    await bad({ interaction_date: '2025-01-01' }, '/body/interaction_date');
    await bad({ interaction_date: new Date(Date.now() + 3 * DAY).toISOString() }, '/body/interaction_date');
    await bad(
      { interaction_date: '2025-03-10T10:00:00Z', follow_up_date: '2025-03-09' },
      '/body/follow_up_date',
    );
    await bad({ follow_up_required: false, follow_up_date: dayIn('UTC', 3) }, '/body/follow_up_date');
    const i = await logInteraction(t, admin, customer);
    const put = async (body: object, path: string) => {
      const res = expectStatus(await api.call('PUT', `/interactions/${i.id}`, admin, body), 422);
      expect(pathsOf(res.json<Problem>())).toContain(path);
    };
    await put({ follow_up_completed: true }, '/body/follow_up_completed');
    await put({ follow_up_date: dayIn('UTC', -5) }, '/body/follow_up_date');
    await put({ customer_id: other }, '/body/customer_id');
    expectStatus(await api.call('PUT', `/interactions/${i.id}`, admin, {}), 422);
    expectStatus(await api.call('GET', '/interactions?date_from=2025-02-01&date_to=2025-01-01', admin), 422);
    expectStatus(await api.call('GET', '/interactions?interaction_type=fax', admin), 422);
    expectStatus(
      await api.call('GET', '/interactions/summary?date_from=2025-02-01&date_to=2025-01-01', admin),
      422,
    );
    expectStatus(await api.call('GET', '/interactions/pending-followups?status=late', admin), 422);
    expectStatus(await api.call('GET', '/interactions/customer/not-a-uuid', admin), 422);
    expectStatus(await api.call('GET', `/interactions/customer/${crypto.randomUUID()}`, admin), 404);
  });

  it('lets account managers log and change, managers delete, viewers only read', async () => {
    const i = await logInteraction(t, agent, customer);
    const viewer = fx.users.viewer.auth;
    expectStatus(
      await api.call('POST', '/interactions', viewer, {
        customer_id: customer,
        interaction_type: 'call',
        subject: 'x',
      }),
      403,
    );
    expectStatus(await api.call('PUT', `/interactions/${i.id}`, viewer, { subject: 'x' }), 403);
    expectStatus(await api.call('DELETE', `/interactions/${i.id}`, viewer), 403);
    await api.ok('PUT', `/interactions/${i.id}`, agent, { subject: 'Renamed' });
    await api.ok('GET', '/interactions/summary', viewer);
    await api.ok('GET', '/interactions/pending-followups', viewer);
    expectStatus(await api.call('DELETE', `/interactions/${i.id}`, fx.users.national_manager.auth), 204);
  });

  it('keeps the follow-up consistent and marks it done', async () => {
    const day = dayIn('UTC', 2);
    const implied = await logInteraction(t, agent, customer, { follow_up_date: day });
    expect(implied).toMatchObject({ follow_up_required: true, follow_up_date: day });
    const done = await api.ok<Row>('PUT', `/interactions/${implied.id}`, agent, {
      follow_up_completed: true,
    });
    expect(done.follow_up_completed_at).toEqual(expect.any(String));
    const again = await api.ok<Row>('PUT', `/interactions/${implied.id}`, agent, {
      follow_up_completed: true,
    });
    expect(again.follow_up_completed_at).toBe(done.follow_up_completed_at);
    const reopened = await api.ok<Row>('PUT', `/interactions/${implied.id}`, agent, {
      follow_up_completed: false,
    });
    expect(reopened.follow_up_completed_at).toBeNull();
    const dropped = await api.ok<Row>('PUT', `/interactions/${implied.id}`, agent, {
      follow_up_required: false,
    });
    expect(dropped).toMatchObject({
      follow_up_required: false,
      follow_up_date: null,
      follow_up_completed_at: null,
    });
    const undated = await logInteraction(t, agent, customer, { follow_up_required: true });
    expect(undated).toMatchObject({ follow_up_required: true, follow_up_date: null });
  });

  it('filters, sorts and pages the list and a customer’s interactions', async () => {
    const own = await ownedCustomer(t, fx, fx.users.agent.id);
    const d = await createDeployment(t, admin, own);
    const old = await logInteraction(t, agent, own, {
      interaction_type: 'email',
      sentiment: 'negative',
      interaction_date: '2025-01-15T23:30:00Z',
      subject: 'Invoice question',
    });
    const mid = await logInteraction(t, agent, own, {
      interaction_type: 'training',
      interaction_date: '2025-02-01T08:00:00Z',
      deployment_id: d.id,
      performed_by: fx.users.team_leader.id,
      follow_up_date: '2025-02-10',
    });
    const recent = await logInteraction(t, agent, own, { description: 'About the invoice, again' });
    const list = async (q: string) =>
      idsOf(await api.ok<Listed>('GET', `/interactions?customer_id=${own}&${q}`, admin), 'interactions');
    expect(await list('limit=10')).toEqual([recent.id, mid.id, old.id]);
    expect(await list('sort=interaction_date')).toEqual([old.id, mid.id, recent.id]);
    expect(await list('interaction_type=email')).toEqual([old.id]);
    expect(await list('sentiment=negative')).toEqual([old.id]);
    expect(await list(`performed_by=${fx.users.team_leader.id}`)).toEqual([mid.id]);
    expect(await list(`deployment_id=${d.id}`)).toEqual([mid.id]);
    expect(await list('follow_up_required=true')).toEqual([mid.id]);
    expect(await list('q=INVOICE')).toEqual([recent.id, old.id]);
    expect(await list('date_from=2025-01-16&date_to=2025-02-01')).toEqual([mid.id]);
    expect(await list('date_to=2025-01-15')).toEqual([old.id]);
    await walkTwoCursorPages(t, admin, `/interactions?customer_id=${own}&sort=created_at`, 'interactions');

    const page = await api.ok<Listed>(
      'GET',
      `/interactions/customer/${own}?interaction_type=training`,
      agent,
    );
    expect(idsOf(page, 'interactions')).toEqual([mid.id]);
    expect(page.total).toBe(1);
  });

  it('summarises a period by type and sentiment (default: the last 30 days)', async () => {
    const own = await ownedCustomer(t, fx, null);
    await logInteraction(t, admin, own, { interaction_type: 'meeting', sentiment: 'positive' });
    await logInteraction(t, admin, own, { interaction_type: 'meeting', follow_up_required: true });
    await logInteraction(t, admin, own, { interaction_type: 'support_ticket', sentiment: 'negative' });
    await logInteraction(t, admin, own, { interaction_date: new Date(Date.now() - 40 * DAY).toISOString() });
    const summary = await api.ok('GET', `/interactions/summary?customer_id=${own}`, admin);
    expect(summary).toEqual({
      date_from: dayIn('UTC', -29),
      date_to: dayIn('UTC'),
      total: 3,
      by_type: { support_ticket: 1, meeting: 2, email: 0, call: 0, escalation: 0, training: 0 },
      by_sentiment: { positive: 1, neutral: 1, negative: 1 },
      follow_ups_pending: 1,
    });
    const wide = await api.ok<{ total: number; date_from: string }>(
      'GET',
      `/interactions/summary?customer_id=${own}&date_from=${dayIn('UTC', -60)}`,
      admin,
    );
    expect(wide).toMatchObject({ total: 4, date_from: dayIn('UTC', -60) });
  });

  it('lists pending follow-ups by date, classified against the tenant’s today', async () => {
    const own = await ownedCustomer(t, fx, null);
    // Far east: the tenant's today is often not UTC's.
    const zone = 'Pacific/Kiritimati';
    await t.database.db.query(
      `update tenants set settings = settings || jsonb_build_object('time_zone', $2::text) where id = $1`,
      [fx.tenantId, zone],
    );
    const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    const mk = (days: number | null, interactionDays = -10) =>
      logInteraction(t, admin, own, {
        interaction_date: at(interactionDays),
        ...(days === null ? { follow_up_required: true } : { follow_up_date: dayIn(zone, days) }),
      });
    const overdue = await mk(-2);
    const due = await mk(0);
    const upcoming = await mk(3);
    const unscheduled = await mk(null);
    const done = await mk(-1);
    await api.ok('PUT', `/interactions/${done.id}`, admin, { follow_up_completed: true });
    await logInteraction(t, admin, own);
    try {
      const page = await api.ok<Listed>('GET', `/interactions/pending-followups?customer_id=${own}`, admin);
      const items = page.interactions as Row[];
      expect(items.map((i) => [i.id, i.follow_up_status, i.days_overdue])).toEqual([
        [overdue.id, 'overdue', 2],
        [due.id, 'due', 0],
        [upcoming.id, 'upcoming', -3],
        [unscheduled.id, 'unscheduled', null],
      ]);
      const late = await api.ok<Listed>(
        'GET',
        `/interactions/pending-followups?customer_id=${own}&status=overdue`,
        admin,
      );
      expect(idsOf(late, 'interactions')).toEqual([overdue.id]);
      await walkTwoCursorPages(
        t,
        admin,
        `/interactions/pending-followups?customer_id=${own}`,
        'interactions',
      );
    } finally {
      await t.database.db.query(`update tenants set settings = settings - 'time_zone' where id = $1`, [
        fx.tenantId,
      ]);
    }
  });
});
