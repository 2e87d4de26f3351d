import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCommerceScale } from '../../src/modules/commerce/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { csvReport, generateReport } from '../success/insights-report-helpers.js';
import { client, expectStatus } from '../field/helpers.js';
import { analyticsApp } from './analytics-world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sqlRows = <T>(t: TestApp, text: string, params: unknown[] = []) =>
  t.database.db.withSystem(async (tx) => (await tx.sql.query<T>(text, params)).rows);

describe('commerce scale seed and report types', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await analyticsApp(true);
    fx = await identityFixture(t, 'scale');
    const result = await seedCommerceScale(t.app.platform.system, { positions: 1000, tenant: fx.slug });
    expect(result.positions).toBe(1000);
    admin = fx.users.admin.auth;
  }, 120_000);
  afterAll(() => t?.close());

  it('writes consistent documents: positions copy their header, sums add up', async () => {
    const [facts] = await sqlRows<Json>(
      t,
      `select (select count(*) from commerce_document_positions where tenant_id = $1)::int as positions,
         (select count(*) from commerce_documents where tenant_id = $1)::int as documents,
         (select count(*) from commerce_document_positions p join commerce_documents d on d.tenant_id = p.tenant_id and d.id = p.document_id
           where p.tenant_id = $1 and (p.kind <> d.kind or p.moment <> d.moment or p.customer_id is distinct from d.customer_id
             or p.warehouse_id is distinct from d.warehouse_id or p.owner_id is distinct from d.owner_id
             or p.active <> (d.applicable and d.deleted_at is null)))::int as mismatched,
         (select count(*) from commerce_documents d where d.tenant_id = $1 and d.sum <> (select sum(sum) from commerce_document_positions p
           where p.tenant_id = d.tenant_id and p.document_id = d.id))::int as wrong_sums,
         (select count(distinct kind) from commerce_documents where tenant_id = $1)::int as kinds,
         (select min(moment) > now() - interval '366 days' and max(moment) <= now() from commerce_documents where tenant_id = $1) as within_year`,
      [fx.tenantId],
    );
    expect(facts).toEqual({
      positions: 1000,
      documents: 202, // 22 blocks of nine documents (990 positions), then four of 1 + 2 + 3 + 4 lines

      mismatched: 0,
      wrong_sums: 0,
      kinds: 6,
      within_year: true,
    });
    // A second run refuses: the tenant already holds scale data.
    await expect(
      seedCommerceScale(t.app.platform.system, { positions: 10, tenant: fx.slug }),
    ).rejects.toThrow(/already holds/);
  });

  it('the dashboard and sales report agree with the positions', async () => {
    const [expected] = await sqlRows<{ revenue: string }>(
      t,
      `select sum(case when kind = 'sales_return' then -sum else sum end)::numeric(18, 2)::text as revenue
       from commerce_document_positions where tenant_id = $1 and active and kind in ('shipment', 'sales_return')`,
      [fx.tenantId],
    );
    const from = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const dash = expectStatus(
      await client(t).call('GET', `/analytics/dashboard?from=${from}&to=${to}`, admin),
      200,
    ).json<Json>();
    expect(dash.revenue.value).toBe(expected!.revenue);
    const report = expectStatus(
      await client(t).call('GET', `/analytics/sales/report?from=${from}&to=${to}&group_by=manager`, admin),
      200,
    ).json<Json>();
    expect(report.totals.revenue).toBe(expected!.revenue);
    const agent = expectStatus(
      await client(t).call(
        'GET',
        `/analytics/sales/report?from=${from}&to=${to}&group_by=manager`,
        fx.users.agent.auth,
      ),
      200,
    ).json<Json>();
    expect(agent.groups.map((g: Json) => g.key)).toEqual([fx.users.agent.id]);
  });

  it('lists the three report types', async () => {
    const types = await client(t).ok<{ report_types: { key: string }[] }>('GET', '/reports/types', admin);
    const keys = types.report_types.map((r) => r.key);
    for (const key of ['commerce.sales_report', 'commerce.inventory_report', 'commerce.customer_segments'])
      expect(keys).toContain(key);
  });

  it('generates each report type as CSV, XLSX and PDF', async () => {
    for (const [type, params] of [
      ['commerce.sales_report', { period: 'last_30_days', group_by: 'manager' }],
      ['commerce.inventory_report', {}],
      ['commerce.customer_segments', { window_days: 365 }],
    ] as const) {
      const csv = await csvReport(t, admin, type, params);
      expect(Object.keys(csv).length, type).toBeGreaterThanOrEqual(2);
      const xlsx = await generateReport(t, admin, type, 'xlsx', params);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.file as unknown as ArrayBuffer);
      expect(book.worksheets.length, type).toBeGreaterThanOrEqual(2);
      const pdf = await generateReport(t, admin, type, 'pdf', params);
      expect(pdf.file.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const segments = await csvReport(t, admin, 'commerce.customer_segments');
    const rows = segments['Segments']!;
    expect(rows[0]).toContain('Segment');
    expect(rows.length).toBe(12); // header + 11 segments
  });

  it('refuses bad report parameters with 422', async () => {
    const res = await client(t).call('POST', '/reports/generate', admin, {
      report_type: 'commerce.sales_report',
      format: 'csv',
      parameters: { group_by: 'team' },
    });
    expectStatus(res, 422);
  });
});
