import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, leadsApp, type Headers } from './helpers.js';
import { expectKpisMatchRecomputation, recordSale, runQueuedKpiRefreshes } from './kpi-helpers.js';

type Row = {
  period: string;
  agent_id: string;
  leads_captured: number;
  leads_converted: number;
  revenue: string;
  avg_time_to_convert_seconds: number | null;
};

/** KPI days follow a corrected conversion (`PATCH /conversions/{id}`) to its new time. */
describe('daily lead KPIs after a conversion is corrected', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'kpifix');
    admin = fx.users.admin.auth;
    api = client(t);
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { default_phone_region: 'UZ' } });
  });
  afterAll(() => t.close());

  const agentDays = async (from: string, to: string) =>
    (await api.ok<{ rows: Row[] }>('GET', `/kpi/agents?from=${from}&to=${to}`, admin)).rows.map((r) => [
      r.period,
      r.leads_captured,
      r.leads_converted,
      r.revenue,
      r.avg_time_to_convert_seconds,
    ]);

  it('moves the conversion of a zero-amount sale moved 20 days earlier, refreshing both days', async () => {
    const agent = fx.users.agent;
    const lead = await api.ok<{ id: string }>(
      'POST',
      '/leads',
      agent.auth,
      { customer_name: 'Aziza', phone: '901234567', captured_at: '2025-05-01T08:00:00Z' },
      201,
    );
    const sale = await recordSale(t, agent.auth, {
      leadId: lead.id,
      amount: '0',
      convertedAt: new Date('2025-05-25T08:00:00Z'),
    });
    await runQueuedKpiRefreshes(t);
    expect(await agentDays('2025-05-01', '2025-05-31')).toEqual([
      ['2025-05-01', 1, 0, '0.00', null],
      ['2025-05-25', 0, 1, '0.00', 24 * 86_400],
    ]);

    await api.ok('PATCH', `/conversions/${sale}`, agent.auth, { converted_at: '2025-05-05T08:00:00Z' });
    await runQueuedKpiRefreshes(t);
    // The 25th has nothing left; the 5th has the conversion, 4 days after the capture.
    expect(await agentDays('2025-05-01', '2025-05-31')).toEqual([
      ['2025-05-01', 1, 0, '0.00', null],
      ['2025-05-05', 0, 1, '0.00', 4 * 86_400],
    ]);
    await expectKpisMatchRecomputation(t, fx.tenantId);
  });
});
