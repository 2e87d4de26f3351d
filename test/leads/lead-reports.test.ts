import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { reportsModule } from '../../src/modules/reports/index.js';
import { campaigns } from '../../src/modules/leads/tables/campaigns.tables.js';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { parseCsv } from '../catalog/imports.helpers.js';
import { download, waitForRun } from '../reports/helpers.js';
import { bonusApp } from './bonus-helpers.js';
import { client, createCampaign, createSource, expectStatus, type Headers } from './helpers.js';
import { localPhone, salesTenant } from './sales.helpers.js';

/**
 * Both lead reports generated through `POST /reports/generate` and read back from CSV, over June
 * 2026 in a Tashkent tenant:
 *
 * | lead | agent | campaign | source | captured   | then                                  |
 * | L1   | A     | C1       | S1     | 06-05      | sold 1000.00, cost 200.00             |
 * | L2   | A     | C1       | —      | 06-06      | qualified                             |
 * | L3   | A     | C2       | S1     | 06-07      | rejected                              |
 * | L4   | B     | C1       | S1     | 06-08      | sold 500.00, cost 100.00              |
 * | L5   | B     | —        | —      | 06-09      | new                                   |
 * | L6   | A     | C1       | —      | 07-02      | new (outside the period)              |
 *
 * Bonus adjustments on C1: A 150.00, B 50.00 (in June), A 999.00 (in July). C1 budget 1000.00,
 * spend 250.00; C2 has no budget.
 */

describe('lead reports', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const parameters = { from: '2026-06-01', to: '2026-06-30' };

  /** The report as CSV, one array of records per section, keyed by the section's title. */
  async function generate(auth: Headers, type: string, params: object = parameters) {
    const queued = await api.ok(
      'POST',
      '/reports/generate',
      auth,
      { report_type: type, format: 'csv', parameters: params },
      202,
    );
    const run = await waitForRun(t, auth, queued.id);
    expect(run.status, run.error ?? '').toBe('completed');
    const records = parseCsv((await download(t, auth, run.id)).body);
    const sections: Record<string, string[][]> = {};
    let current: string[][] | null = null;
    for (const record of records) {
      if (record.length <= 1 && (record[0] ?? '') === '') current = null;
      else if (!current && record.length === 1) sections[record[0]!] = current = [];
      else (current ??= sections[''] ??= []).push(record);
    }
    return sections;
  }

  beforeAll(async () => {
    t = await bonusApp([reportsModule]);
    api = client(t);
    ({ fx, admin } = await salesTenant(t, 'leadrep'));
    const a = fx.users.agent.id;
    const b = (
      await api.ok(
        'POST',
        '/users',
        admin,
        { email: 'b-leadrep@extra.test', password: 'Secret-12345!', first_name: 'B', roles: ['agent'] },
        201,
      )
    ).id as string;
    const c1 = await createCampaign(t, admin, { code: 'C1', name: 'Spring', budget: '1000.00' });
    const c2 = await createCampaign(t, admin, { code: 'C2', name: 'Summer' });
    const s1 = await createSource(t, admin, { code: 'S1', name: 'Street' });
    const lead = async (agent: string, day: string, extra: object) =>
      (
        await api.ok(
          'POST',
          '/leads',
          admin,
          {
            customer_name: 'X',
            phone: localPhone(),
            agent_id: agent,
            captured_at: `2026-${day}T06:00:00Z`,
            ...extra,
          },
          201,
        )
      ).id as string;
    const l1 = await lead(a, '06-05', { campaign_id: c1, source_id: s1 });
    const l2 = await lead(a, '06-06', { campaign_id: c1 });
    const l3 = await lead(a, '06-07', { campaign_id: c2, source_id: s1 });
    const l4 = await lead(b, '06-08', { campaign_id: c1, source_id: s1 });
    await lead(b, '06-09', {});
    await lead(a, '07-02', { campaign_id: c1 });
    await api.ok(
      'POST',
      '/conversions',
      admin,
      { lead_id: l1, amount: '1000.00', cost: '200.00', converted_at: '2026-06-10T10:00:00Z' },
      201,
    );
    await api.ok(
      'POST',
      '/conversions',
      admin,
      { lead_id: l4, amount: '500.00', cost: '100.00', converted_at: '2026-06-11T10:00:00Z' },
      201,
    );
    await api.ok('POST', `/leads/${l2}/status`, admin, { status: 'qualified' });
    await api.ok('POST', `/leads/${l3}/status`, admin, { status: 'rejected' });
    const bonus = (agent: string, amount: string, at: string) =>
      api.ok(
        'POST',
        '/ledger/adjustments',
        admin,
        { component: 'bonus', amount, occurred_at: at, agent_id: agent, campaign_id: c1, reason: 'bonus' },
        201,
      );
    await bonus(a, '150.00', '2026-06-15T10:00:00Z');
    await bonus(b, '50.00', '2026-06-16T10:00:00Z');
    await bonus(a, '999.00', '2026-07-05T10:00:00Z');
    // Approved bonus runs raise a campaign's spend; set here directly.
    await t.database.db.withSystem((tx) =>
      tx.db
        .update(campaigns)
        .set({ spend: '250.00' })
        .where(and(eq(campaigns.tenantId, fx.tenantId), eq(campaigns.id, c1))),
    );
  }, 180_000);
  afterAll(() => t?.close());

  const FUNNEL_HEADER = [
    'Code',
    'Campaign',
    'Captured',
    'New',
    'Contacted',
    'Qualified',
    'Converted',
    'Rejected',
    'Expired',
    'Conversion %',
  ];

  it('lead funnel: leads by status per campaign and per source, conversion rate converted ÷ captured', async () => {
    const report = await generate(admin, 'leads.lead_funnel');
    expect(report['Leads by status']).toEqual([
      ['Status', 'Leads'],
      ['new', '1'],
      ['contacted', '0'],
      ['qualified', '1'],
      ['converted', '2'],
      ['rejected', '1'],
      ['expired', '0'],
    ]);
    expect(report['By campaign']).toEqual([
      FUNNEL_HEADER,
      ['C1', 'Spring', '3', '0', '0', '1', '2', '0', '0', '66.67'],
      ['C2', 'Summer', '1', '0', '0', '0', '0', '1', '0', '0.00'],
      ['', '(none)', '1', '1', '0', '0', '0', '0', '0', '0.00'],
    ]);
    expect(report['By source']!.slice(1)).toEqual([
      ['S1', 'Street', '3', '0', '0', '0', '2', '1', '0', '66.67'],
      ['', '(none)', '2', '1', '0', '1', '0', '0', '0', '0.00'],
    ]);
  });

  it('campaign ROI: ledger components of the period, net profit, ROI over cost + bonus, spend against budget', async () => {
    const report = await generate(admin, 'leads.campaign_roi');
    expect(report['']).toEqual([
      [
        'Code',
        'Campaign',
        'Currency',
        'Leads',
        'Conversions',
        'Revenue',
        'Cost',
        'Bonus',
        'Net profit',
        'ROI %',
        'Budget',
        'Spend',
        'Spend % of budget',
      ],
      // net 1500 − 300 − 200 = 1000; ROI 1000 ÷ 500 × 100; spend 250 ÷ 1000 × 100.
      [
        'C1',
        'Spring',
        'UZS',
        '3',
        '2',
        '1500.00',
        '300.00',
        '200.00',
        '1000.00',
        '200.00',
        '1000.00',
        '250.00',
        '25.00',
      ],
      // No cost nor bonus: no ROI; no budget: no spend share.
      ['C2', 'Summer', 'UZS', '1', '0', '0.00', '0.00', '0.00', '0.00', '', '', '0.00', ''],
    ]);
  });

  it('holds only the rows of the caller’s data scope: an agent’s reports count their own leads, sales and entries', async () => {
    const agent = fx.users.agent.auth;
    const funnel = await generate(agent, 'leads.lead_funnel');
    expect(funnel['By campaign']!.slice(1)).toEqual([
      ['C1', 'Spring', '2', '0', '0', '1', '1', '0', '0', '50.00'],
      ['C2', 'Summer', '1', '0', '0', '0', '0', '1', '0', '0.00'],
    ]);
    expect(funnel['By source']!.slice(1)).toEqual([
      ['S1', 'Street', '2', '0', '0', '0', '1', '1', '0', '50.00'],
      ['', '(none)', '1', '0', '0', '1', '0', '0', '0', '0.00'],
    ]);
    const roi = await generate(agent, 'leads.campaign_roi');
    // net 1000 − 200 − 150 = 650; ROI 650 ÷ 350 × 100 = 185.71.
    expect(roi['']!.slice(1)).toEqual([
      [
        'C1',
        'Spring',
        'UZS',
        '2',
        '1',
        '1000.00',
        '200.00',
        '150.00',
        '650.00',
        '185.71',
        '1000.00',
        '250.00',
        '25.00',
      ],
      ['C2', 'Summer', 'UZS', '1', '0', '0.00', '0.00', '0.00', '0.00', '', '', '0.00', ''],
    ]);
  });

  it('refuses a period reversed or longer than 400 days before queueing (422 naming the parameter); renders PDF and XLSX too', async () => {
    for (const params of [
      { from: '2026-06-30', to: '2026-06-01' },
      { from: '2025-01-01', to: '2026-06-01' },
    ]) {
      const refused = await api.call('POST', '/reports/generate', admin, {
        report_type: 'leads.campaign_roi',
        format: 'csv',
        parameters: params,
      });
      expectStatus(refused, 422);
      expect(refused.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/body/parameters/from');
    }
    // A relative period (what a schedule uses) is resolved on the day the report runs.
    const relative = await api.ok(
      'POST',
      '/reports/generate',
      admin,
      { report_type: 'leads.lead_funnel', format: 'csv', parameters: { period: 'previous_month' } },
      202,
    );
    expect((await waitForRun(t, admin, relative.id)).status).toBe('completed');
    expectStatus(
      await api.call('POST', '/reports/generate', admin, {
        report_type: 'leads.lead_funnel',
        format: 'csv',
        parameters: { from: '2026-06-01', days: 3 },
      }),
      422,
    );
    for (const format of ['pdf', 'xlsx'] as const)
      for (const type of ['leads.lead_funnel', 'leads.campaign_roi']) {
        const queued = await api.ok(
          'POST',
          '/reports/generate',
          admin,
          { report_type: type, format, parameters },
          202,
        );
        expect((await waitForRun(t, admin, queued.id)).status).toBe('completed');
      }
  });
});
