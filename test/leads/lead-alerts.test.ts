import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyModule } from '../../src/modules/notify/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { AlertList } from '../notify/helpers.js';
import { client, createCampaign, LEADS_MODULES, type Headers } from './helpers.js';

const DAY = 86_400_000;

describe('leads alert checks: stale qualified leads, campaign budgets', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: Headers;
  let api: ReturnType<typeof client>;
  let phone = 901_800_000;
  const ids = {} as Record<string, string>;

  const sql = (text: string, params: unknown[]) => t.database.db.query(text, params);
  const lead = async (status: string[], ageDays: number) => {
    const { id } = await api.ok(
      'POST',
      '/leads',
      agent,
      { customer_name: 'Stale?', phone: `+998${phone++}` },
      201,
    );
    for (const s of status) await api.ok('POST', `/leads/${id}/status`, agent, { status: s });
    await sql('update leads set status_changed_at = $2 where id = $1', [
      id,
      new Date(Date.now() - ageDays * DAY),
    ]);
    return id;
  };
  const campaign = async (budget: string | null, spend: string, body: object = {}) => {
    const id = await createCampaign(t, admin, { budget, start_date: '2020-01-01', ...body });
    await sql('update campaigns set spend = $2 where id = $1', [id, spend]);
    return id;
  };
  const runChecks = () => api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
  const alerts = async (auth: Headers, type: string) =>
    (await api.ok<AlertList>('GET', `/alerts?limit=500&type=${type}`, auth)).alerts;

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [...LEADS_MODULES, notifyModule] } });
    api = client(t);
    fx = await identityFixture(t, 'lalert');
    other = await identityFixture(t, 'lalert-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    ids.stale = await lead(['qualified'], 10);
    ids.touched = await lead(['qualified'], 10);
    await api.ok('POST', `/leads/${ids.touched}/interactions`, agent, { type: 'call' }, 201);
    ids.oldInteraction = await lead(['qualified'], 10);
    await api.ok(
      'POST',
      `/leads/${ids.oldInteraction}/interactions`,
      agent,
      { type: 'call', occurred_at: new Date(Date.now() - 9 * DAY).toISOString() },
      201,
    );
    ids.fresh = await lead(['qualified'], 3);
    ids.contacted = await lead(['contacted'], 10);
    ids.near = await campaign('1000.00', '950.00');
    ids.over = await campaign('1000.00', '1000.00');
    ids.under = await campaign('1000.00', '899.99');
    ids.ended = await campaign('1000.00', '2000.00', { end_date: '2020-12-31' });
    ids.noBudget = await campaign(null, '50.00');
    const theirs = await createCampaign(t, other.users.admin.auth, {
      budget: '10.00',
      start_date: '2020-01-01',
    });
    await sql('update campaigns set spend = $2 where id = $1', [theirs, '10.00']);
    ids.theirs = theirs;
  }, 300_000);
  afterAll(() => t.close());

  it('raises one stale-lead alert per qualified lead untouched for lead_stale_days, to its agent', async () => {
    await runChecks();
    await runChecks();
    const found = await alerts(admin, 'stale_lead');
    expect(found.map((a) => a.entity_id).sort()).toEqual([ids.stale, ids.oldInteraction].sort());
    for (const a of found)
      expect(a).toMatchObject({
        source: 'leads.stale-lead',
        entity_type: 'lead',
        owner_id: fx.users.agent.id,
        assignee_id: fx.users.agent.id,
        severity: 'medium',
      });
    expect((await alerts(agent, 'stale_lead')).length).toBe(2);
    // A team leader who does not lead the agent's team has no scope over them.
    expect(await alerts(fx.users.team_leader.auth, 'stale_lead')).toEqual([]);
  });

  it('follows lead_stale_days', async () => {
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { lead_stale_days: 2 } });
    await runChecks();
    expect((await alerts(admin, 'stale_lead')).map((a) => a.entity_id)).toContain(ids.fresh);
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { lead_stale_days: 7 } });
  });

  it('raises campaign-budget alerts at the threshold: high from 100 %, medium before', async () => {
    await runChecks();
    const found = await alerts(admin, 'campaign_budget');
    const byId = new Map(found.map((a) => [a.entity_id, a]));
    expect([...byId.keys()].sort()).toEqual([ids.near, ids.over].sort());
    expect(found).toHaveLength(2);
    expect(byId.get(ids.near!)).toMatchObject({ severity: 'medium', source: 'leads.campaign-budget' });
    expect(byId.get(ids.over!)).toMatchObject({ severity: 'high', owner_id: null, assignee_id: null });
    expect(byId.get(ids.near!)!.title).toContain('95.0%');
    expect(await alerts(fx.users.national_manager.auth, 'campaign_budget')).toHaveLength(2);
  });

  it('keeps tenants apart', async () => {
    const theirs = await alerts(other.users.admin.auth, 'campaign_budget');
    expect(theirs.map((a) => a.entity_id)).toEqual([ids.theirs]);
    expect(await alerts(other.users.admin.auth, 'stale_lead')).toEqual([]);
  });
});
