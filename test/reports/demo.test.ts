import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { startSmtp } from '../identity/smtp.js';
import { client, type Headers } from '../field/helpers.js';
import { download, REPORT_MODULES, reportsApp, waitForRun, type Run } from './helpers.js';

const FIELD_REPORTS = [
  'field.visit_summary',
  'field.agent_performance',
  'field.shelf_share',
  'field.call_cycle_adherence',
];
const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

describe('reports demo data', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: Headers;

  // Seeding draws a month of shelf photos: about a minute on a busy machine.
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await reportsApp(smtp.port);
    await seedDemo(t.app.platform, REPORT_MODULES, quiet);
    admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
  }, 240_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('schedules the four field reports and has the workers generate one of each', async () => {
    const api = client(t);
    const scheduled = await api.ok<{ scheduled_reports: { report_type: string; next_run_at: string }[] }>(
      'GET',
      '/reports/scheduled',
      admin,
    );
    expect(scheduled.scheduled_reports.map((s) => s.report_type).sort()).toEqual([...FIELD_REPORTS].sort());
    const history = await api.ok<{ reports: Run[] }>('GET', '/reports/history', admin);
    expect(history.reports).toHaveLength(4);
    // Seeding only queues them; a worker generates each as it would a user's request.
    const done = await Promise.all(history.reports.map((r) => waitForRun(t, admin, r.id, 120_000)));
    expect(done.map((r) => [r.status, r.error])).toEqual(done.map(() => ['completed', null]));
    expect(done.every((r) => (r.row_count ?? 0) > 0)).toBe(true);
  }, 180_000);

  it('renders every field report of the demo data as a PDF (kept as samples when REPORT_SAMPLES_DIR is set)', async () => {
    const api = client(t);
    for (const type of FIELD_REPORTS) {
      const requested = await api.ok<Run>(
        'POST',
        '/reports/generate',
        admin,
        { report_type: type, format: 'pdf', parameters: { period: 'last_30_days' } },
        202,
      );
      const run = await waitForRun(t, admin, requested.id, 120_000);
      expect(run.status, run.error ?? '').toBe('completed');
      expect(run.row_count).toBeGreaterThan(0);
      const pdf = (await download(t, admin, run.id)).rawPayload;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      if (type === 'field.visit_summary') {
        // Check-in times in the tenant's wall clock to the minute, not cut-off database text.
        const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
        expect(text).toMatch(/completed \d{4}-\d{2}-\d{2} \d{2}:\d{2} /);
        expect(text).not.toMatch(/\d{2}:\d{2}:\d/);
      }
      const dir = process.env.REPORT_SAMPLES_DIR;
      if (dir) writeFileSync(path.join(dir, `${type.replace('field.', '').replace(/_/g, '-')}.pdf`), pdf);
    }
  }, 240_000);

  it('seeds them once: a second seed adds no schedule and no run', async () => {
    await seedDemo(t.app.platform, REPORT_MODULES, quiet);
    const api = client(t);
    const scheduled = await api.ok<{ scheduled_reports: unknown[] }>('GET', '/reports/scheduled', admin);
    const history = await api.ok<{ reports: { schedule_id: string | null }[] }>(
      'GET',
      '/reports/history',
      admin,
    );
    expect(scheduled.scheduled_reports).toHaveLength(4);
    expect(history.reports.filter((r) => r.schedule_id)).toHaveLength(4);
  }, 120_000);
});
