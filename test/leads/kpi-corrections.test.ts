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

  describe('with repeat sales, the lead counts as converted on the day of its first sale', () => {
    beforeAll(async () => {
      await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { lead_repeat_sales: true } });
    });

    const leadWithSale = async (name: string, phone: string, capturedAt: string, soldAt: string) => {
      const lead = await api.ok<{ id: string }>(
        'POST',
        '/leads',
        fx.users.agent.auth,
        { customer_name: name, phone, captured_at: capturedAt },
        201,
      );
      const sale = await recordSale(t, fx.users.agent.auth, {
        leadId: lead.id,
        amount: '10',
        convertedAt: new Date(soldAt),
      });
      return { lead: lead.id, sale };
    };

    it('a repeat sale dated before the first takes its place, and both days are refreshed', async () => {
      const { lead } = await leadWithSale(
        'Bobur',
        '901112233',
        '2025-07-01T08:00:00Z',
        '2025-07-25T08:00:00Z',
      );
      await runQueuedKpiRefreshes(t);
      expect(await agentDays('2025-07-01', '2025-07-31')).toEqual([
        ['2025-07-01', 1, 0, '0.00', null],
        ['2025-07-25', 0, 1, '10.00', 24 * 86_400],
      ]);

      await recordSale(t, fx.users.agent.auth, {
        leadId: lead,
        amount: '5',
        convertedAt: new Date('2025-07-10T08:00:00Z'),
      });
      await runQueuedKpiRefreshes(t);
      // The 25th keeps its revenue but no longer converts the lead; the 10th does, 9 days in.
      expect(await agentDays('2025-07-01', '2025-07-31')).toEqual([
        ['2025-07-01', 1, 0, '0.00', null],
        ['2025-07-10', 0, 1, '5.00', 9 * 86_400],
        ['2025-07-25', 0, 0, '10.00', null],
      ]);
      await expectKpisMatchRecomputation(t, fx.tenantId);
    });

    it('moving the first sale after another makes that one first, and its day is refreshed', async () => {
      const { lead, sale } = await leadWithSale(
        'Dilnoza',
        '901114455',
        '2025-08-01T08:00:00Z',
        '2025-08-10T08:00:00Z',
      );
      await recordSale(t, fx.users.agent.auth, {
        leadId: lead,
        amount: '5',
        convertedAt: new Date('2025-08-20T08:00:00Z'),
      });
      await runQueuedKpiRefreshes(t);
      expect(await agentDays('2025-08-01', '2025-08-31')).toEqual([
        ['2025-08-01', 1, 0, '0.00', null],
        ['2025-08-10', 0, 1, '10.00', 9 * 86_400],
        ['2025-08-20', 0, 0, '5.00', null],
      ]);

      await api.ok('PATCH', `/conversions/${sale}`, fx.users.agent.auth, {
        converted_at: '2025-08-25T08:00:00Z',
      });
      await runQueuedKpiRefreshes(t);
      // The sale of the 20th is now the lead's first: it counts the conversion, 19 days in.
      expect(await agentDays('2025-08-01', '2025-08-31')).toEqual([
        ['2025-08-01', 1, 0, '0.00', null],
        ['2025-08-20', 0, 1, '5.00', 19 * 86_400],
        ['2025-08-25', 0, 0, '10.00', null],
      ]);

      // And moved back before it, the first sale counts again on its new day.
      await api.ok('PATCH', `/conversions/${sale}`, fx.users.agent.auth, {
        converted_at: '2025-08-15T08:00:00Z',
      });
      await runQueuedKpiRefreshes(t);
      expect(await agentDays('2025-08-01', '2025-08-31')).toEqual([
        ['2025-08-01', 1, 0, '0.00', null],
        ['2025-08-15', 0, 1, '10.00', 14 * 86_400],
        ['2025-08-20', 0, 0, '5.00', null],
      ]);
      await expectKpisMatchRecomputation(t, fx.tenantId);
    });
  });
});
