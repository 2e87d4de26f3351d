import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { multipart } from '../harness/multipart.js';

export type ImportRun = {
  id: string;
  entity: string;
  status: string;
  mode: string;
  dry_run: boolean;
  progress: Record<string, number>;
  error: { code: string; message: string } | null;
  first_errors: ImportError[];
};
export type ImportError = {
  row_number: number;
  column: string | null;
  code: string;
  message: string;
  value: string | null;
};

/** An XLSX workbook with one sheet holding these rows. */
export async function xlsx(rows: (string | number | boolean | Date | null)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Data');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Parses the CSV the API writes (BOM, quoted cells). */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true }) as string[][];
}

/**
 * Uploads a file to POST /imports and, when accepted, runs its job in this process (the job the
 * worker would run) and returns the finished run as GET /imports/{id} shows it.
 */
export async function runImport(
  t: TestApp,
  who: { id: string; auth: Record<string, string> },
  tenantId: string,
  file: { bytes: Buffer | string; name?: string; type?: string },
  fields: Record<string, string>,
) {
  const bytes = typeof file.bytes === 'string' ? Buffer.from(file.bytes, 'utf8') : file.bytes;
  const { payload, contentType } = multipart(
    { name: file.name ?? 'data.csv', type: file.type ?? 'text/csv', bytes },
    fields,
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    headers: { ...who.auth, 'content-type': contentType },
    payload,
  });
  if (res.statusCode !== 202) return { res, run: null };
  const started = res.json<ImportRun>();
  expect(started.status).toBe('pending');
  await t.app.platform.imports.runner.run({ tenantId, importId: started.id, userId: who.id });
  const done = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${started.id}`, headers: who.auth });
  expect(done.statusCode, done.body).toBe(200);
  return { res, run: done.json<ImportRun>() };
}
