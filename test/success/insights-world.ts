import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { replayHealthSnapshots } from './health-fixtures.js';
import {
  addDays,
  at,
  customer,
  daysAgo,
  insightsTenant,
  justNow,
  monthDay,
  namedUser,
  successRows,
  today,
} from './insights-fixtures.js';

/**
 * The world every dashboard test reads, in a UZS tenant on Tashkent time ("d" = today there;
 * M-2 / M-1 = the months before the current one). AM = the fixture agent, Zed = a second agent.
 *
 * | customer | owner | industry | status     | contract end | value     | latest score         |
 * | C1       | AM    | Retail   | active     | d+10         | 1000 UZS  | 85 low (just now)    |
 * | C2       | AM    | Retail   | at_risk    | d+80         | 20000 USD | 45 high (just now)   |
 * | C3       | Zed   | Banking  | onboarding | d+120        | 60000 UZS | 30 critical (now)    |
 * | C4       | Zed   | —        | churned    | d+5          | 500 UZS   | 90 low (M-2 12th)    |
 * | C5       | —     | Banking  | active     | —            | —         | never scored         |
 *
 * Score history: C1 70 medium (M-2 10th), 60 medium (M-2 20th), 75 medium (M-1 10th); C2 50 high
 * (M-2 15th); C3 30 critical (M-1 5th), 35 critical (M-1 20th); a deployment score of C1 (10,
 * M-1 12th) that no customer figure uses.
 *
 * Deployments: C1 MonetX + SupportX, C2 MonetX (active), C3 GreenX (inactive), C4 SupportX.
 * CSAT (days ago): C1 quarterly 5 (10), C2 post_ticket 2 on its MonetX (20), C3 onboarding 4 on
 * its GreenX (3), C1 post_ticket 3 (100, outside 90 days); NPS C1 10 (5), C2 9 (6), C3 6 (7),
 * C4 7 (8), C5 8 (9), C1 0 (95, outside).
 * Interactions: C1 meeting (2 days ago), C1 call (29), C2 email (31, outside 30), C3 training (1),
 * C5 support ticket in two days (future: not counted).
 * Alerts: C1 open high (1 h ago), C2 open critical (2 h), C3 resolved medium (10 days), C4 open low
 * (11 days), C2 snoozed medium (12 days).
 *
 * Tenant B has one customer with a score, a response, an interaction, a deployment and an open
 * alert: none of it may count in A.
 */
export interface World {
  fx: IdentityFixture;
  zed: { id: string; auth: { authorization: string } };
  ids: Record<'c1' | 'c2' | 'c3' | 'c4' | 'c5', string>;
  b: IdentityFixture;
  today: string;
}

export async function buildWorld(t: TestApp): Promise<World> {
  const fx = await insightsTenant(t, 'insights');
  const admin = fx.users.admin.auth;
  const am = fx.users.agent.id;
  const zed = await namedUser(t, fx, 'agent', 'Zed');
  const d = today();
  const ids = {
    c1: await customer(t, admin, {
      name: 'C1 Alpha',
      owner_id: am,
      industry: 'Retail',
      status: 'active',
      contract_end: addDays(d, 10),
      contract_value: '1000.00',
    }),
    c2: await customer(t, admin, {
      name: 'C2 Beta',
      owner_id: am,
      industry: 'Retail',
      status: 'at_risk',
      contract_end: addDays(d, 80),
      contract_value: '20000.00',
      currency: 'USD',
    }),
    c3: await customer(t, admin, {
      name: 'C3 Gamma',
      owner_id: zed.id,
      industry: 'Banking',
      status: 'onboarding',
      contract_end: addDays(d, 120),
      contract_value: '60000.00',
    }),
    c4: await customer(t, admin, {
      name: 'C4 Delta',
      owner_id: zed.id,
      status: 'churned',
      contract_end: addDays(d, 5),
      contract_value: '500.00',
    }),
    c5: await customer(t, admin, { name: 'C5 Epsilon', industry: 'Banking', status: 'active' }),
  };
  const rows = successRows(t, fx.tenantId);
  const { c1, c2, c3, c4, c5 } = ids;

  const monetC1 = await rows.deployment(c1, 'MonetX');
  await rows.deployment(c1, 'SupportX');
  const monetC2 = await rows.deployment(c2, 'MonetX');
  const greenC3 = await rows.deployment(c3, 'GreenX', false);
  await rows.deployment(c4, 'SupportX');

  await rows.healthScore(c1, 70, 'medium', at(monthDay(2, 10)));
  await rows.healthScore(c1, 60, 'medium', at(monthDay(2, 20)));
  await rows.healthScore(c1, 75, 'medium', at(monthDay(1, 10)));
  await rows.healthScore(c1, 10, 'critical', at(monthDay(1, 12)), { deploymentId: monetC1 });
  await rows.healthScore(c2, 50, 'high', at(monthDay(2, 15)));
  await rows.healthScore(c3, 30, 'critical', at(monthDay(1, 5)));
  await rows.healthScore(c3, 35, 'critical', at(monthDay(1, 20)));
  await rows.healthScore(c4, 90, 'low', at(monthDay(2, 12)));
  const now = justNow();
  await rows.healthScore(c1, 85, 'low', now, {
    adoptionScore: 100,
    supportScore: 100,
    engagementScore: 40,
    financialScore: 100,
  });
  await rows.healthScore(c2, 45, 'high', now, {
    adoptionScore: 40,
    supportScore: 70,
    engagementScore: 25,
    financialScore: 50,
    factors: { engagement: { score: 25, meetings: 0, calls: 1 }, adoption: { active_products: 1 } },
  });
  await rows.healthScore(c3, 30, 'critical', now, {
    adoptionScore: 0,
    supportScore: 60,
    engagementScore: 20,
    financialScore: 80,
  });

  await rows.csat(c1, 'quarterly', 5, daysAgo(10));
  await rows.csat(c2, 'post_ticket', 2, daysAgo(20), { deploymentId: monetC2, feedbackText: 'Slow support' });
  await rows.csat(c3, 'onboarding', 4, daysAgo(3), { deploymentId: greenC3 });
  await rows.csat(c1, 'post_ticket', 3, daysAgo(100));
  await rows.csat(c1, 'nps', 10, daysAgo(5));
  await rows.csat(c2, 'nps', 9, daysAgo(6));
  await rows.csat(c3, 'nps', 6, daysAgo(7), { feedbackText: 'Meh' });
  await rows.csat(c4, 'nps', 7, daysAgo(8));
  await rows.csat(c5, 'nps', 8, daysAgo(9));
  await rows.csat(c1, 'nps', 0, daysAgo(95));

  await rows.interaction(c1, 'meeting', daysAgo(2));
  await rows.interaction(c1, 'call', daysAgo(29));
  await rows.interaction(c2, 'email', daysAgo(31));
  await rows.interaction(c3, 'training', daysAgo(1));
  await rows.interaction(c5, 'support_ticket', daysAgo(-2));

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
  await rows.alert(c1, 'high', 'open', hoursAgo(1));
  await rows.alert(c2, 'critical', 'open', hoursAgo(2));
  await rows.alert(c3, 'medium', 'resolved', daysAgo(10));
  await rows.alert(c4, 'low', 'open', daysAgo(11));
  await rows.alert(c2, 'medium', 'snoozed', daysAgo(12));

  // Tenant B: rows on every table, so a leak would change A's numbers.
  const b = await insightsTenant(t, 'insightsb');
  const bRows = successRows(t, b.tenantId);
  const bc = await customer(t, b.users.admin.auth, {
    name: 'B One',
    owner_id: b.users.agent.id,
    industry: 'Retail',
    contract_end: addDays(d, 20),
    contract_value: '7.00',
  });
  await bRows.deployment(bc, 'MonetX');
  await bRows.healthScore(bc, 20, 'critical', now);
  await bRows.csat(bc, 'nps', 0, daysAgo(4));
  await bRows.csat(bc, 'quarterly', 1, daysAgo(4));
  await bRows.interaction(bc, 'escalation', daysAgo(1));
  await bRows.alert(bc, 'critical', 'open', hoursAgo(0.5));
  await replayHealthSnapshots(t, fx.tenantId);
  await replayHealthSnapshots(t, b.tenantId);

  return { fx, zed, ids, b, today: d };
}
