import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { Alert, AlertList } from '../notify/helpers.js';
import { logInteraction, ownedCustomer, type Row } from './accounts-helpers.js';
import { client, createTeam, expectStatus, successApp, type Headers } from './helpers.js';

const DAY = 86_400_000;

describe('escalation alerts', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let agent: Headers;

  const customerAlerts = async (auth: Headers, customerId: string) =>
    (await api.ok<AlertList>('GET', `/alerts/customer/${customerId}?limit=100`, auth)).alerts.filter(
      (a) => a.type === 'escalation',
    );
  const runChecks = () => api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'escal');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
  });
  afterAll(() => t?.close());

  it('raises one high alert per customer and day, owned by the account manager', async () => {
    const customer = await ownedCustomer(t, fx, fx.users.agent.id, { name: 'Angry Inc' });
    await logInteraction(t, agent, customer, {
      interaction_type: 'escalation',
      subject: 'Outage',
      description: 'Production down for two hours',
      sentiment: 'negative',
    });
    await logInteraction(t, agent, customer, { interaction_type: 'escalation', subject: 'Outage again' });
    await logInteraction(t, agent, customer, { interaction_type: 'call', subject: 'Calm call' });

    const seen = await customerAlerts(agent, customer);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject<Partial<Alert>>({
      type: 'escalation',
      severity: 'high',
      status: 'open',
      source: 'success.escalation',
      title: 'Escalation at Angry Inc: Outage',
      entity_type: 'customer',
      entity_id: customer,
      customer_id: customer,
      owner_id: fx.users.agent.id,
      assignee_id: null,
    });
    // Whoever's scope covers the account manager sees it too; the team leader was told.
    expect(await customerAlerts(fx.users.team_leader.auth, customer)).toHaveLength(1);
    const inbox = await api.ok<{ notifications: { alert_id?: string | null }[] }>(
      'GET',
      '/notifications?limit=100',
      fx.users.team_leader.auth,
    );
    expect(JSON.stringify(inbox)).toContain(seen[0]!.id);

    // The hourly checks find the escalations of today and yesterday but raise nothing twice.
    await runChecks();
    expect(await customerAlerts(admin, customer)).toHaveLength(1);
  });

  it('raises on a change to escalation, and the check raises what the log path missed', async () => {
    const customer = await ownedCustomer(t, fx, fx.users.agent.id);
    const call = await logInteraction(t, agent, customer, { subject: 'Complaint' });
    expect(await customerAlerts(admin, customer)).toHaveLength(0);
    await api.ok<Row>('PUT', `/interactions/${call.id}`, agent, { interaction_type: 'escalation' });
    expect(await customerAlerts(admin, customer)).toHaveLength(1);

    // An escalation written by another path (no alert yet), logged and dated yesterday.
    const missed = await ownedCustomer(t, fx, fx.users.agent.id, { name: 'Missed Ltd' });
    const yesterday = new Date(Date.now() - DAY);
    await t.database.db.query(
      `insert into customer_interactions (tenant_id, id, customer_id, interaction_type, subject,
         interaction_date, created_at, updated_at)
       values ($1, gen_random_uuid(), $2, 'escalation', 'Imported escalation', $3, $3, $3)`,
      [fx.tenantId, missed, yesterday],
    );
    // And one from last week: not the check's business.
    const old = await ownedCustomer(t, fx, fx.users.agent.id);
    const lastWeek = new Date(Date.now() - 7 * DAY);
    await t.database.db.query(
      `insert into customer_interactions (tenant_id, id, customer_id, interaction_type, subject,
         interaction_date, created_at, updated_at)
       values ($1, gen_random_uuid(), $2, 'escalation', 'Old', $3, $3, $3)`,
      [fx.tenantId, old, lastWeek],
    );
    await runChecks();
    const raised = await customerAlerts(agent, missed);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      title: 'Escalation at Missed Ltd: Imported escalation',
      severity: 'high',
    });
    expect(await customerAlerts(admin, old)).toHaveLength(0);
    await runChecks();
    expect(await customerAlerts(admin, missed)).toHaveLength(1);
  });

  it('keeps an escalation logged yesterday to the alert raised yesterday', async () => {
    const customer = await ownedCustomer(t, fx, fx.users.agent.id);
    await logInteraction(t, agent, customer, { interaction_type: 'escalation', subject: 'Late night' });
    // As if logged yesterday, with its alert raised then.
    const yesterday = new Date(Date.now() - DAY);
    await t.database.db.query(
      `update customer_interactions set created_at = $2, interaction_date = $2 where customer_id = $1`,
      [customer, yesterday],
    );
    await t.database.db.query(
      `update alerts set created_at = $2, dedup_key = dedup_key || '-y' where customer_id = $1`,
      [customer, yesterday],
    );
    await runChecks();
    expect(await customerAlerts(admin, customer)).toHaveLength(1);
  });

  it('shows a customer’s alerts only within the data scope', async () => {
    const customer = await ownedCustomer(t, fx, fx.users.agent.id);
    await logInteraction(t, admin, customer, { interaction_type: 'escalation', subject: 'Boom' });
    const stranger = await identityFixture(t, 'escal-other');
    expectStatus(await api.call('GET', `/alerts/customer/${customer}`, stranger.users.admin.auth), 200);
    expect(await customerAlerts(stranger.users.admin.auth, customer)).toHaveLength(0);
    expect(await customerAlerts(fx.users.area_manager.auth, customer)).toHaveLength(0);
    expect(await customerAlerts(fx.users.viewer.auth, customer)).toHaveLength(1);
  });
});
