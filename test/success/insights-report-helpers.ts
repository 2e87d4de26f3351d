import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { parseCsv } from '../catalog/imports.helpers.js';
import { download, waitForRun, type Run } from '../reports/helpers.js';
import { client, type Headers } from './helpers.js';

/** Generates a report through `POST /reports/generate`, waits for it and downloads the file. */
export async function generateReport(
  t: TestApp,
  auth: Headers,
  type: string,
  format: 'csv' | 'pdf' | 'xlsx',
  parameters: object = {},
): Promise<{ run: Run; file: Buffer; text: string }> {
  const queued = await client(t).ok(
    'POST',
    '/reports/generate',
    auth,
    { report_type: type, format, parameters },
    202,
  );
  const run = await waitForRun(t, auth, queued.id);
  expect(run.status, run.error ?? '').toBe('completed');
  const res = await download(t, auth, run.id);
  return { run, file: res.rawPayload, text: res.body };
}

/** A CSV report's sections, keyed by title: each an array of records, the header first. */
export function csvSections(text: string): Record<string, string[][]> {
  const sections: Record<string, string[][]> = {};
  let current: string[][] | null = null;
  for (const record of parseCsv(text)) {
    if (record.length <= 1 && (record[0] ?? '') === '') current = null;
    else if (!current && record.length === 1) sections[record[0]!] = current = [];
    else (current ??= sections[''] ??= []).push(record);
  }
  return sections;
}

/** Generates a CSV report and returns its sections. */
export async function csvReport(t: TestApp, auth: Headers, type: string, parameters: object = {}) {
  return csvSections((await generateReport(t, auth, type, 'csv', parameters)).text);
}
