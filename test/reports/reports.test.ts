import ExcelJS from 'exceljs';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { startSmtp } from '../identity/smtp.js';
import { client, createOutlet, expectStatus, type Headers } from '../field/helpers.js';
import { completedVisit, download, reportsApp, waitForRun, type Run } from './helpers.js';

const today = new Date().toISOString().slice(0, 10);
type Problem = { code: string; errors?: { path: string; message: string }[] };

describe('reports: generation, history, downloads', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let outlet: string;
  let adminRun: Run;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await reportsApp(smtp.port);
    api = client(t);
    fx = await identityFixture(t, 'reports');
    other = await identityFixture(t, 'otherco');
    admin = fx.users.admin.auth;
    outlet = await createOutlet(t, admin, { name: 'Main Street Shop' });
    // The agent: 3 visits, 2 inside the geofence; the national manager (another owner): 1, outside.
    await completedVisit(t, fx.users.agent.auth, outlet, today);
    await completedVisit(t, fx.users.agent.auth, outlet, today);
    await completedVisit(t, fx.users.agent.auth, outlet, today, false);
    await completedVisit(t, fx.users.national_manager.auth, outlet, today, false);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const generate = (auth: Headers, body: object) => api.call('POST', '/reports/generate', auth, body);

  it('lists the registered report types with their parameter schema and formats', async () => {
    const { report_types } = await api.ok<{
      report_types: { key: string; formats: string[]; parameters: { properties: object } }[];
    }>('GET', '/reports/types', fx.users.agent.auth);
    expect(report_types.map((r) => r.key)).toEqual([
      'field.visit_summary',
      'field.agent_performance',
      'field.shelf_share',
      'field.call_cycle_adherence',
    ]);
    expect(report_types[0]!.formats).toEqual(['pdf', 'xlsx', 'csv']);
    expect(Object.keys(report_types[0]!.parameters.properties)).toContain('period');
  });

  it('generates a PDF whose tables hold the numbers of the data', async () => {
    const res = expectStatus(
      await generate(admin, {
        report_type: 'field.visit_summary',
        format: 'pdf',
        parameters: { period: 'last_7_days' },
      }),
      202,
    );
    expect(res.json<Run>().status).toBe('pending');
    adminRun = await waitForRun(t, admin, res.json<Run>().id);
    expect(adminRun.status, adminRun.error ?? '').toBe('completed');
    const file = await download(t, admin, adminRun.id);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(String(file.headers['content-disposition'])).toContain('.pdf');
    const { text, totalPages } = await extractText(new Uint8Array(file.rawPayload), { mergePages: true });
    expect(totalPages).toBeGreaterThanOrEqual(5);
    expect(text).toContain('Visit summary');
    expect(text).toContain(`reports `); // the tenant's name on the title page
    // By outlet: 4 visits, 4 completed, 0 cancelled, 0 missed, 100.00 %, 4 checked in, 2 in the geofence, 50.00 %.
    expect(text.replace(/\s+/g, ' ')).toMatch(/Main Street Shop \S+ 4 4 0 0 100\.00 4 2 50\.00/);
  });

  it('renders XLSX with typed cells and a sheet per section, and CSV from the same data', async () => {
    const xlsxRun = await waitForRun(
      t,
      admin,
      (
        await api.ok<Run>(
          'POST',
          '/reports/generate',
          admin,
          { report_type: 'field.visit_summary', format: 'xlsx' },
          202,
        )
      ).id,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(t, admin, xlsxRun.id)).rawPayload as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['By agent', 'By outlet', 'By day', 'Visits']);
    const byDay = workbook.getWorksheet('By day')!;
    expect(byDay.getCell('A2').value).toBeInstanceOf(Date);
    expect(byDay.getCell('B2').value).toBe(4);
    expect(byDay.getCell('F2').value).toBe(100);
    const visitsSheet = workbook.getWorksheet('Visits')!;
    expect(visitsSheet.rowCount).toBe(5);
    expect(visitsSheet.getCell('E2').value).toBeInstanceOf(Date);
    expect(typeof visitsSheet.getCell('F2').value).toBe('number');

    const csvRun = await waitForRun(
      t,
      admin,
      (
        await api.ok<Run>(
          'POST',
          '/reports/generate',
          admin,
          { report_type: 'field.agent_performance', format: 'csv' },
          202,
        )
      ).id,
    );
    const csv = (await download(t, admin, csvRun.id)).body;
    expect(csv.split('\n')[0]).toContain('Agent,Visits,Completed');
  });

  it('limits the data to the caller’s scope and the history to their own reports', async () => {
    const agent = fx.users.agent.auth;
    const run = await waitForRun(
      t,
      agent,
      (
        await api.ok<Run>(
          'POST',
          '/reports/generate',
          agent,
          { report_type: 'field.visit_summary', format: 'csv' },
          202,
        )
      ).id,
    );
    const csv = (await download(t, agent, run.id)).body;
    // Only the agent's 3 visits (2 in the geofence), not the manager's.
    expect(csv).toMatch(/Main Street Shop,\S+,3,3,0,0,100\.00,3,2,66\.67/);
    const history = await api.ok<{ reports: Run[] }>('GET', '/reports/history', agent);
    expect(history.reports.map((r) => r.id)).toEqual([run.id]);
    expectStatus(await api.call('GET', `/reports/history/${adminRun.id}`, agent), 404);
    expectStatus(await api.call('GET', `/reports/history/${adminRun.id}/download`, agent), 404);
    const dashboard = await api.ok<{ total: number; by_status: Record<string, number> }>(
      'GET',
      '/reports/dashboard',
      agent,
    );
    expect(dashboard.total).toBe(1);
    expect(dashboard.by_status.completed).toBe(1);
  });

  it('refuses unknown types and formats, bad parameters and missing permissions; writes nothing', async () => {
    const before = (await api.ok<{ total: number }>('GET', '/reports/history', admin)).total;
    const unknown = expectStatus(
      await generate(admin, { report_type: 'nope', format: 'pdf' }),
      422,
      'UNKNOWN_REPORT_TYPE',
    );
    expect(unknown.json<Problem>().errors![0]!.path).toBe('/body/report_type');
    expectStatus(
      await generate(admin, { report_type: 'field.visit_summary', format: 'docx' }),
      422,
      'UNSUPPORTED_REPORT_FORMAT',
    );
    const bad = expectStatus(
      await generate(admin, {
        report_type: 'field.visit_summary',
        format: 'pdf',
        parameters: { period: 'forever', colour: 1 },
      }),
      422,
      'VALIDATION_FAILED',
    );
    const paths = bad.json<Problem>().errors!.map((e) => e.path);
    expect(paths).toContain('/body/parameters/period');
    expect(paths).toContain('/body/parameters/colour');
    // Explicit dates that can never form a period are refused before anything is queued.
    const reversed = await generate(admin, {
      report_type: 'field.visit_summary',
      format: 'pdf',
      parameters: { from: '2026-02-10', to: '2026-01-01' },
    });
    expectStatus(reversed, 422, 'VALIDATION_FAILED');
    expect(reversed.json<Problem>().errors!.map((e) => e.path)).toEqual(['/body/parameters/from']);
    // A start in the future is only reversed on the day the report runs (its end is "today").
    expectStatus(
      await generate(admin, {
        report_type: 'field.visit_summary',
        format: 'pdf',
        parameters: { from: '2099-02-10' },
      }),
      202,
    );
    expectStatus(
      await api.call('POST', '/reports/generate', {}, { report_type: 'field.visit_summary', format: 'pdf' }),
      401,
    );
    // The failed one (from after today) fails with its reason, it does not crash.
    const failed = (await api.ok<{ reports: Run[] }>('GET', '/reports/history?limit=1', admin)).reports[0]!;
    const done = await waitForRun(t, admin, failed.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('must not be after to');
    expectStatus(
      await api.call('GET', `/reports/history/${done.id}/download`, admin),
      409,
      'REPORT_NOT_READY',
    );
    expect((await api.ok<{ total: number }>('GET', '/reports/history', admin)).total).toBe(before + 1);
  });

  it('keeps tenants apart', async () => {
    const stranger = other.users.admin.auth;
    expectStatus(await api.call('GET', `/reports/history/${adminRun.id}`, stranger), 404);
    expectStatus(await api.call('GET', `/reports/history/${adminRun.id}/download`, stranger), 404);
    expect((await api.ok<{ total: number }>('GET', '/reports/history', stranger)).total).toBe(0);
  });
});
