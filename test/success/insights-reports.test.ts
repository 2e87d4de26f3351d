import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { type Headers } from './helpers.js';
import { addDays, insightsApp, monthDay } from './insights-fixtures.js';
import { csvReport } from './insights-report-helpers.js';
import { buildWorld, type World } from './insights-world.js';

/** The four success report types read back from CSV over the world of insights-world.ts. */
describe('success reports: contents', () => {
  let t: TestApp;
  let w: World;
  let admin: Headers;
  let am: string;

  beforeAll(async () => {
    t = await insightsApp(true);
    w = await buildWorld(t);
    admin = w.fx.users.admin.auth;
    am = `agent ${'insights'}`;
  }, 120_000);
  afterAll(() => t?.close());

  it('health summary: latest scores by bucket and risk, the trend of the period, at-risk customers with their weakest components', async () => {
    const report = await csvReport(t, admin, 'success.health_summary', {
      from: monthDay(2, 1),
      to: w.today,
      interval: 'month',
    });
    expect(report[`Latest scores on ${w.today}`]).toEqual([
      ['Score', 'Customers'],
      ['0-19', '0'],
      ['20-39', '1'],
      ['40-59', '1'],
      ['60-79', '0'],
      ['80-100', '1'],
      ['not scored', '1'],
    ]);
    expect(report['By risk level']).toEqual([
      ['Risk', 'Customers'],
      ['low', '1'],
      ['medium', '0'],
      ['high', '1'],
      ['critical', '1'],
    ]);
    const month = (back: number) => [monthDay(back, 1), addDays(monthDay(back - 1, 1), -1)];
    expect(report['Health trend']).toEqual([
      ['Period', 'To', 'Customers scored', 'Average score', 'Low', 'Medium', 'High', 'Critical'],
      // Each month's last snapshot day: M-2 the 20th (C1 60, C2 50; C4 is churned), M-1 the 20th
      // (C1 75, C2 50, C3 35), this month today.
      [...month(2), '2', '55.00', '0', '1', '1', '0'],
      [...month(1), '3', '53.33', '0', '1', '1', '1'],
      [...month(0), '3', '53.33', '1', '0', '1', '1'],
    ]);
    const atRisk = report['At-risk customers']!;
    expect(atRisk[0]).toEqual([
      'Code',
      'Customer',
      'Account manager',
      'Score',
      'Risk',
      'Trend',
      'Scored at',
      'Adoption',
      'Support',
      'Engagement',
      'Financial',
      'Factors',
    ]);
    // Lowest score first; components under 60, weakest first, with the counts their factors hold.
    expect(atRisk.slice(1).map((r) => [r[1], r[2], r[3], r[4], ...r.slice(7)])).toEqual([
      ['C3 Gamma', 'Zed Manager', '30', 'critical', '0', '60', '20', '80', 'adoption 0; engagement 20'],
      [
        'C2 Beta',
        am,
        '45',
        'high',
        '40',
        '70',
        '25',
        '50',
        'engagement 25 (calls 1, meetings 0); adoption 40 (active products 1); financial 50',
      ],
    ]);
    expect(atRisk[1]![6]).toMatch(new RegExp(`^${w.today} \\d\\d:\\d\\d$`));
  });

  it('CSAT analysis: months of the period, figures per survey type, low responses newest first', async () => {
    const report = await csvReport(t, admin, 'success.csat_analysis', {
      from: addDays(w.today, -89),
      to: w.today,
    });
    const months = report['CSAT by month']!;
    expect(months[0]).toEqual(['Month', 'Responses', 'CSAT responses', 'Average CSAT']);
    // 3 CSAT and 5 NPS responses in the 90 days, however the months split them.
    expect(months.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(8);
    expect(months.slice(1).reduce((n, r) => n + Number(r[2]), 0)).toBe(3);
    expect(report['NPS by month']![0]).toEqual([
      'Month',
      'NPS responses',
      'Promoters',
      'Passives',
      'Detractors',
      'NPS',
    ]);
    expect(report['By survey type']).toEqual([
      ['Survey type', 'Responses', 'Average score', 'NPS'],
      // 10, 9, 6, 7, 8: average 8, (2 − 1) ÷ 5 × 100.
      ['nps', '5', '8.00', '20'],
      ['onboarding', '1', '4.00', ''],
      ['post_ticket', '1', '2.00', ''],
      ['quarterly', '1', '5.00', ''],
    ]);
    const low = report['Low responses (CSAT ≤ 2, NPS ≤ 6)']!;
    expect(low[0]).toEqual([
      'Submitted',
      'Code',
      'Customer',
      'Account manager',
      'Survey type',
      'Score',
      'Feedback',
      'Submitted by',
      'Ticket',
    ]);
    expect(low.slice(1).map((r) => [r[2], r[3], r[4], r[5], r[6]])).toEqual([
      ['C3 Gamma', 'Zed Manager', 'nps', '6', 'Meh'],
      ['C2 Beta', am, 'post_ticket', '2', 'Slow support'],
    ]);
    expect(low[1]![0]).toBe(`${addDays(w.today, -7)} 12:00`);
  });

  it('customer overview: status summary and every customer with contract, health, CSAT, alerts and deployments', async () => {
    const report = await csvReport(t, admin, 'success.customer_overview');
    expect(report['Customers by status']).toEqual([
      ['Status', 'Customers', 'Scored', 'Average health'],
      ['onboarding', '1', '1', '30.00'],
      ['active', '2', '1', '85.00'],
      ['at_risk', '1', '1', '45.00'],
      ['churned', '1', '0', ''],
    ]);
    const customers = report['Customers']!;
    expect(customers[0]).toEqual([
      'Code',
      'Customer',
      'Status',
      'Account manager',
      'Industry',
      'Contract start',
      'Contract end',
      'Contract value',
      'Currency',
      'Health',
      'Risk',
      'Scored at',
      'CSAT (90 days)',
      'Open alerts',
      'Active deployments',
      'Products',
    ]);
    const picked = customers.slice(1).map((r) => [...r.slice(1, 5), ...r.slice(6, 11), ...r.slice(12)]);
    expect(picked).toEqual([
      [
        'C1 Alpha',
        'active',
        am,
        'Retail',
        addDays(w.today, 10),
        '1000.00',
        'UZS',
        '85',
        'low',
        '5.00',
        '1',
        '2',
        'MonetX, SupportX',
      ],
      [
        'C2 Beta',
        'at_risk',
        am,
        'Retail',
        addDays(w.today, 80),
        '20000.00',
        'USD',
        '45',
        'high',
        '2.00',
        '1',
        '1',
        'MonetX',
      ],
      [
        'C3 Gamma',
        'onboarding',
        'Zed Manager',
        'Banking',
        addDays(w.today, 120),
        '60000.00',
        'UZS',
        '30',
        'critical',
        '4.00',
        '0',
        '0',
        '',
      ],
      [
        'C4 Delta',
        'churned',
        'Zed Manager',
        '',
        addDays(w.today, 5),
        '500.00',
        'UZS',
        '90',
        'low',
        '',
        '1',
        '1',
        'SupportX',
      ],
      ['C5 Epsilon', 'active', '', 'Banking', '', '', 'UZS', '', '', '', '0', '0', ''],
    ]);
    const active = await csvReport(t, admin, 'success.customer_overview', { status: 'active' });
    expect(active['Customers']!.slice(1).map((r) => r[1])).toEqual(['C1 Alpha', 'C5 Epsilon']);
    const mine = await csvReport(t, w.fx.users.agent.auth, 'success.customer_overview');
    expect(mine['Customers']!.slice(1).map((r) => r[1])).toEqual(['C1 Alpha', 'C2 Beta']);
  });

  it('executive summary: headline figures, segments, renewals and the customers most at risk', async () => {
    const report = await csvReport(t, admin, 'success.executive_summary', { top: 1 });
    const headline = Object.fromEntries(report['Headline figures']!.slice(1));
    expect(headline).toMatchObject({
      Customers: '5',
      'Customers churned': '1',
      'Average health (served customers)': '53.33',
      'At-risk customers (risk high or critical)': '2',
      'Open alerts': '3',
      'Open alerts critical': '1',
      'CSAT average (90 days)': '3.67',
      'NPS (90 days)': '20',
      'Renewals due (90 days)': '2',
      'Renewal value (90 days)': '20000.00 USD; 1000.00 UZS',
      'Interactions (30 days)': '3',
      'Active deployments': '4',
    });
    expect(report['Customers by status']).toEqual([
      ['Segment', 'Customers', 'Average health', 'Contract value'],
      ['onboarding', '1', '30.00', '60000.00 UZS'],
      ['active', '2', '85.00', '1000.00 UZS'],
      ['at_risk', '1', '45.00', '20000.00 USD'],
      ['churned', '1', '', '500.00 UZS'],
    ]);
    expect(report['Customers by industry']!.slice(1).map((r) => r[0])).toEqual([
      'Banking',
      'Retail',
      '(none)',
    ]);
    const renewals = report['Upcoming renewals (90 days; the 100 soonest of 2)']!;
    expect(renewals.slice(1).map((r) => [r[1], r[3], r[4], r[5], r[6]])).toEqual([
      ['10', 'C1 Alpha', am, '1000.00', 'UZS'],
      ['80', 'C2 Beta', am, '20000.00', 'USD'],
    ]);
    expect(report['Customers most at risk']!.slice(1).map((r) => r[1])).toEqual(['C3 Gamma']);
    // The agent's own book only.
    const mine = await csvReport(t, w.fx.users.agent.auth, 'success.executive_summary', { renewal_days: 30 });
    expect(Object.fromEntries(mine['Headline figures']!.slice(1))).toMatchObject({
      Customers: '2',
      'Renewals due (30 days)': '1',
      'Renewal value (30 days)': '1000.00 UZS',
    });
  });
});
