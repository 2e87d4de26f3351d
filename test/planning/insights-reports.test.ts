import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { csvReport, generateReport } from '../success/insights-report-helpers.js';
import { client, expectStatus } from './helpers.js';
import { accuracyWorld, insightsApp, type AccuracyWorld } from './insights-world.js';

const col = (rows: string[][], name: string) => {
  const i = rows[0]!.indexOf(name);
  expect(i, `${name} in ${rows[0]!.join(',')}`).toBeGreaterThanOrEqual(0);
  return rows.slice(1).map((r) => r[i]!);
};

describe('planning report types', () => {
  let t: TestApp;
  let w: AccuracyWorld;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await insightsApp(true);
    w = await accuracyWorld(t, 'rep');
    await accuracyWorld(t, 'rep2'); // another tenant's rows never show
    admin = w.fx.users.admin.auth;
  }, 120_000);
  afterAll(() => t.close());

  it('are listed among the report types', async () => {
    const types = await client(t).ok<{ report_types: { key: string }[] }>('GET', '/reports/types', admin);
    const keys = (types.report_types ?? (types as unknown as { key: string }[])).map((r) => r.key);
    for (const key of [
      'planning.consolidated_forecast',
      'planning.submission_status',
      'planning.forecast_vs_actual',
      'planning.sales_summary',
      'planning.gross_profit',
    ])
      expect(keys).toContain(key);
  });

  it('consolidated forecast: XLSX with a sheet per view, submitted and approved lines only', async () => {
    const { file } = await generateReport(t, admin, 'planning.consolidated_forecast', 'xlsx', {
      cycle_id: w.cycleId,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const names = book.worksheets.map((s) => s.name);
    expect(names.join('|')).toMatch(
      /By month.*By month and product.*By month and customer.*By month and rep/,
    );
    const csv = await csvReport(t, admin, 'planning.consolidated_forecast', { cycle_id: w.cycleId });
    const byMonth = csv['By month']!;
    // 2025-01: the agent's 12 (the draft's 99 is left out); 2025-03: 5 + 6.
    expect(col(byMonth, 'Month')).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
    expect(col(byMonth, 'Quantity').map(Number)).toEqual([12, 8, 11, 7]);
    expect(col(byMonth, 'Revenue').map(Number)).toEqual([120, 80, 110, 70]);
    expect(col(csv['By month and customer']!, 'Customer')).toContain('rep Beta');
  });

  it('submission status: per rep what is in and missing', async () => {
    const csv = await csvReport(t, admin, 'planning.submission_status', { cycle_id: w.cycleId });
    const reps = csv['By rep']!;
    expect(col(reps, 'Status')).toEqual(['complete', 'complete']);
    expect(col(reps, 'Approved').map(Number).sort()).toEqual([0, 1]);
    expect(col(reps, 'Draft').map(Number).sort()).toEqual([0, 1]);
    const summary = csv['Cycle']!;
    // Expected: the 2 matrix rows and the draft outside the matrix; 2 of 3 in.
    expect(Number(summary.find((r) => r[0] === 'Completion %')?.[1])).toBeCloseTo(66.7, 1);
    expect(summary.find((r) => r[0] === 'Forecasts expected')?.[1]).toBe('3.00');
  });

  it('forecast vs actual: the accuracy with the baseline and the monthly detail', async () => {
    const csv = await csvReport(t, admin, 'planning.forecast_vs_actual', {
      cycle_id: w.cycleId,
      group_by: 'customer',
    });
    const acc = csv['Accuracy by customer']!;
    expect(col(acc, 'Group')).toEqual(['rep Alpha', 'rep Beta', 'Total']);
    expect(col(acc, 'WAPE %').map(Number)).toEqual([45, 50, 45.83]);
    expect(col(acc, 'Baseline WAPE %').map(Number)[0]).toBe(50);
    expect(col(acc, 'Beat baseline')[0]).toBe('yes');
    const detail = csv['Forecast months with actuals']!;
    expect(detail).toHaveLength(5);
    expect(col(detail, 'Error').map(Number)).toEqual([2, -2, 5, 2]);
  });

  it('sales summary and gross profit: revenue − cost in the scope', async () => {
    const params = { from: '2025-01', to: '2025-03' };
    const summary = await csvReport(t, admin, 'planning.sales_summary', params);
    // 10 + 10 units of A×X, 4 of B×Y: revenue 10 a unit, cost 6.
    expect(col(summary['By month']!, 'Quantity').map(Number)).toEqual([10, 10, 4]);
    expect(col(summary['By customer']!, 'Gross profit').map(Number)).toEqual([80, 16]);
    expect(col(summary['By month']!, 'Margin %').map(Number)).toEqual([40, 40, 40]);
    const mine = await csvReport(t, w.fx.users.agent.auth, 'planning.sales_summary', params);
    expect(col(mine['By customer']!, 'Customer')).toEqual(['rep Alpha']);
    const gp = await csvReport(t, admin, 'planning.gross_profit', params);
    expect(col(gp['By product and month']!, 'Product')).toEqual(['rep Xylo', 'rep Xylo', 'rep Yarn']);
    expect(col(gp['By product and month']!, 'Revenue').map(Number)).toEqual([100, 100, 40]);
    const pdf = await generateReport(t, admin, 'planning.gross_profit', 'pdf', params);
    expect(pdf.file.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a reversed month range with 422 naming the parameter', async () => {
    const res = expectStatus(
      await client(t).call('POST', '/reports/generate', admin, {
        report_type: 'planning.sales_summary',
        format: 'csv',
        parameters: { from: '2025-05', to: '2025-01' },
      }),
      422,
    );
    expect(res.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/parameters/to');
  });
});
