import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightContext, type InsightContext } from '../../src/modules/success/insights/insight-context.js';
import { lowPage, type LowRow } from '../../src/modules/success/insights/reports/csat-analysis.report.js';
import {
  customerPage,
  type CustomerRow,
} from '../../src/modules/success/insights/reports/customer-overview.report.js';
import { atRiskPage, type AtRiskRow } from '../../src/modules/success/insights/reports/report-kit.js';
import type { Principal } from '../../src/platform/http/auth.js';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import {
  addDays,
  customer,
  daysAgo,
  insightsApp,
  insightsTenant,
  successRows,
  today,
} from './insights-fixtures.js';

/**
 * The report detail tables are read in keyset pages of 5,000 rows. Walked here one row a page over
 * ties (same names, same scores, same instants): the pages hold exactly the rows of one big page,
 * in its order, none missing or repeated.
 */
describe('success reports: keyset pages', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let principal: Principal;

  beforeAll(async () => {
    t = await insightsApp();
    fx = await insightsTenant(t, 'pages');
    const admin = fx.users.admin.auth;
    const rows = successRows(t, fx.tenantId);
    const when = daysAgo(2);
    for (const [name, score, risk] of [
      ['Same', 41, 'high'],
      ['Same', 41, 'high'],
      ['Other', 41, 'high'],
      ['Alpha', 20, 'critical'],
      ['Same', 90, 'low'],
    ] as const) {
      const id = await customer(t, admin, { name, contract_end: addDays(today(), 30) });
      await rows.healthScore(id, score, risk, when);
      // Three low responses at the very same instant, one above the threshold.
      await rows.csat(id, 'post_ticket', score > 80 ? 5 : 1, when);
    }
    principal = {
      userId: fx.users.admin.id,
      tenantId: fx.tenantId,
      homeTenantId: fx.tenantId,
      roles: ['admin'],
      permissions: new Set(),
      isSuperAdmin: false,
      scope: 'tenant',
      impersonating: false,
    };
  }, 120_000);
  afterAll(() => t?.close());

  async function walk<T>(page: (insight: InsightContext, after: T | null, limit: number) => Promise<T[]>) {
    const read = (after: T | null, limit: number) =>
      t.database.db.withTenant({ tenantId: fx.tenantId }, async (tx) =>
        page(await insightContext(tx, fx.tenantId, principal, new Date()), after, limit),
      );
    const all = await read(null, 100);
    const walked: T[] = [];
    for (let after: T | null = null; ;) {
      const [row] = await read(after, 1);
      if (!row) break;
      walked.push(row);
      after = row;
    }
    expect(walked).toEqual(all);
    return all;
  }

  it('at-risk customers: by score, name, id', async () => {
    const rows = await walk<AtRiskRow>(atRiskPage);
    expect(rows.map((r) => [r.name, r.score])).toEqual([
      ['Alpha', 20],
      ['Other', 41],
      ['Same', 41],
      ['Same', 41],
    ]);
  });

  it('customer overview: by name, id', async () => {
    const rows = await walk<CustomerRow>((insight, after, limit) => customerPage(insight, {}, after, limit));
    expect(rows.map((r) => r.name)).toEqual(['Alpha', 'Other', 'Same', 'Same', 'Same']);
  });

  it('low responses: newest first, then by id', async () => {
    const period = { from: addDays(today(), -10), to: today() };
    const rows = await walk<LowRow>((insight, after, limit) => lowPage(insight, period, after, limit));
    expect(rows).toHaveLength(4);
  });
});
