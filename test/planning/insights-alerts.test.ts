import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertChecks } from '../../src/modules/notify/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, createMatrixRow, createProduct, uniq } from './helpers.js';
import { addForecast, insightsApp } from './insights-world.js';

interface Alert {
  id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  title: string;
}

const DAY_MS = 86_400_000;
const dayFromToday = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

describe('planning alert checks', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let cycleId: string;
  let rejectedId: string;
  const run = (only: string[], now = new Date()) =>
    createAlertChecks(t.app.platform).runInTenant(fx.tenantId, now, only);
  const alerts = async (type: string, auth = fx.users.admin.auth) =>
    (await client(t).ok<{ alerts: Alert[] }>('GET', `/alerts?type=${type}&limit=100`, auth)).alerts;

  beforeAll(async () => {
    t = await insightsApp();
    fx = await identityFixture(t, 'palert');
    const admin = fx.users.admin.auth;
    const [a, b] = [(await createCustomer(t, admin)).id, (await createCustomer(t, admin)).id];
    const [x, y] = [(await createProduct(t, admin)).id, (await createProduct(t, admin)).id];
    await createMatrixRow(t, admin, { customer_id: a, product_id: x, rep_id: fx.users.agent.id });
    await createMatrixRow(t, admin, { customer_id: b, product_id: y, rep_id: fx.users.team_leader.id });
    // The deadline (end − 7 days, 23:59:59 UTC) is in 2 days.
    const cycle = await client(t).ok<{ id: string }>(
      'POST',
      '/sop/cycles',
      admin,
      {
        name: uniq('Cycle'),
        anchor_month: dayFromToday(0).slice(0, 7),
        start_date: dayFromToday(-1),
        end_date: dayFromToday(9),
      },
      201,
    );
    cycleId = cycle.id;
    await client(t).ok('POST', `/sop/cycles/${cycleId}/open`, admin, undefined);
    const w = { tenantId: fx.tenantId, cycleId };
    const month = dayFromToday(0).slice(0, 7);
    await addForecast(t, w, {
      customer: b,
      product: y,
      rep: fx.users.team_leader.id,
      status: 'submitted',
      lines: [[month, 5]],
    });
    rejectedId = await addForecast(t, w, {
      customer: a,
      product: x,
      rep: fx.users.agent.id,
      status: 'rejected',
      lines: [[month, 5]],
    });
  }, 120_000);
  afterAll(() => t.close());

  it('nothing while the deadline is more than 3 days away', async () => {
    expect(await run(['planning.submission-due'], new Date(Date.now() - 5 * DAY_MS))).toBe(0);
    expect(await alerts('forecast_submission_due')).toEqual([]);
  });

  it('a rep who has not submitted 3 days before the deadline: once per day, owned by the rep', async () => {
    await run(['planning.submission-due']);
    await run(['planning.submission-due']);
    const raised = await alerts('forecast_submission_due');
    // The team leader submitted; only the agent's matrix row is missing.
    expect(raised.map((r) => [r.entity_type, r.entity_id])).toEqual([['user', fx.users.agent.id]]);
    expect(raised[0]!.title).toContain('1 forecast(s)');
    expect((await alerts('forecast_submission_due', fx.users.agent.auth)).map((r) => r.id)).toEqual([
      raised[0]!.id,
    ]);
  });

  it('a rejected forecast: once, to its owner', async () => {
    await run(['planning.forecast-rejected']);
    await run(['planning.forecast-rejected']);
    const raised = await alerts('forecast_rejected');
    expect(raised.map((r) => r.entity_id)).toEqual([rejectedId]);
    expect((await alerts('forecast_rejected', fx.users.agent.auth)).map((r) => r.id)).toEqual([
      raised[0]!.id,
    ]);
  });

  it('a cycle closed with missing submissions: once per cycle', async () => {
    expect(await run(['planning.cycle-closed-incomplete'])).toBe(0); // still open
    await client(t).ok('POST', `/sop/cycles/${cycleId}/close`, fx.users.admin.auth, undefined);
    await run(['planning.cycle-closed-incomplete']);
    await run(['planning.cycle-closed-incomplete']);
    const raised = await alerts('cycle_closed_incomplete');
    expect(raised.map((r) => [r.entity_type, r.entity_id])).toEqual([['sop_cycle', cycleId]]);
    expect(raised[0]!.title).toContain('1 forecast(s) missing');
  });
});
