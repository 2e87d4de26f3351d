import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/field/formulas.js';
import { fieldModule } from '../../src/modules/field/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import { LEADS_MODULES } from '../leads/helpers.js';
import { adjustLedger, recordSale } from '../leads/kpi-helpers.js';
import { client, createTeam, extraUser, type Headers } from './helpers.js';

type Progress = {
  data_available: boolean;
  note: string | null;
  overall: { actual: number; target: string; progress_percent: number };
  assignees: { user_id: string | null; team_id: string | null; actual: number; progress_percent: number }[];
};

const today = new Date().toISOString().slice(0, 10);
const D = (days: number) => addDays(today, days);
const noon = (day: string) => new Date(`${day}T12:00:00Z`);
/** Noon of the day, or now when that is still ahead: sales and ledger entries cannot be in the future. */
const soldOn = (day: string) => new Date(Math.min(noon(day).getTime(), Date.now()));
let phoneSeq = 4_000_000;

describe('field goals: lead metrics from the leads module', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let member: FixtureUser;
  let team: string;
  let api: ReturnType<typeof client>;

  const capture = async (who: FixtureUser, day: string) =>
    (
      await api.ok<{ id: string }>(
        'POST',
        '/leads',
        who.auth,
        { customer_name: 'Lead', phone: `90${phoneSeq++}`, captured_at: noon(day).toISOString() },
        201,
      )
    ).id;
  const progressOf = async (metric: string, target: string) => {
    const g = await api.ok<{ id: string }>(
      'POST',
      '/goals',
      admin,
      {
        name: metric,
        metric,
        target,
        period_start: D(-10),
        period_end: D(10),
        assignees: [
          { type: 'user', id: agent.id },
          { type: 'team', id: team },
        ],
      },
      201,
    );
    const p = await api.ok<Progress>('GET', `/goals/${g.id}/progress`, admin);
    expect(p.data_available).toBe(true);
    expect(p.note).toBeNull();
    return Object.fromEntries(p.assignees.map((a) => [a.user_id ?? a.team_id, a.actual]));
  };

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [...LEADS_MODULES, fieldModule] } });
    fx = await identityFixture(t, 'goal-leads');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { default_phone_region: 'UZ', lead_repeat_sales: true },
    });
    member = await extraUser(t, fx, 'agent');
    team = (await createTeam(t, fx, fx.users.team_leader.id, [agent.id, member.id])).id;
    // In the period: the agent captures 3 (two sold, one twice), the member 1 (sold); before it: 1.
    const a1 = await capture(agent, D(-2));
    const a2 = await capture(agent, D(-1));
    await capture(agent, D(0));
    const m1 = await capture(member, D(-3));
    const old = await capture(agent, D(-20));
    await recordSale(t, agent.auth, { leadId: a1, amount: '100.00', convertedAt: soldOn(D(-1)) });
    await recordSale(t, agent.auth, { leadId: a1, amount: '50.00', convertedAt: soldOn(D(0)) });
    await recordSale(t, agent.auth, { leadId: a2, amount: '25.50', convertedAt: soldOn(D(0)) });
    await recordSale(t, member.auth, { leadId: m1, amount: '200.00', convertedAt: soldOn(D(-2)) });
    await recordSale(t, agent.auth, { leadId: old, amount: '999.00', convertedAt: soldOn(D(-15)) });
    // A revenue correction counts; a payout does not.
    await adjustLedger(t, admin, {
      agentId: agent.id,
      component: 'revenue',
      amount: '-5.50',
      occurredAt: soldOn(D(0)),
    });
    await adjustLedger(t, admin, {
      agentId: agent.id,
      component: 'payout',
      amount: '70.00',
      occurredAt: soldOn(D(0)),
    });
  });
  afterAll(() => t.close());

  it('leads_captured: the user’s leads captured in the period; a team sums its members', async () => {
    expect(await progressOf('leads_captured', '10')).toEqual({ [agent.id]: 3, [team]: 4 });
  });

  it('conversions: the user’s sales in the period (a repeat sale counts)', async () => {
    expect(await progressOf('conversions', '10')).toEqual({ [agent.id]: 3, [team]: 4 });
  });

  it('revenue: the user’s revenue ledger entries in the period, corrections included', async () => {
    // Agent 100 + 50 + 25.50 − 5.50 = 170; the member 200.
    expect(await progressOf('revenue', '1000')).toEqual({ [agent.id]: 170, [team]: 370 });
  });
});
