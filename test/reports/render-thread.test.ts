import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractText } from 'unpdf';
import {
  renderReport,
  stopRenderThread,
  type ReportData,
  type ReportRow,
  type ReportRowSource,
} from '../../src/platform/reports/index.js';

const header = { title: 'Paged', tenant: 'Test', period: 'p', generatedAt: new Date(), timeZone: 'UTC' };
const columns = [
  { key: 'n', label: 'N', kind: 'integer' as const },
  { key: 'name', label: 'Name', kind: 'text' as const },
];

/** A row source of `total` rows in pages of `size`, counting the pages read (as the server reads them). */
function source(total: number, size: number, failAtPage?: number) {
  const reads = { pages: 0 };
  const rows: ReportRowSource = {
    count: total,
    async *pages() {
      for (let start = 0; start < total; start += size) {
        reads.pages++;
        if (reads.pages === failAtPage) throw new PageReadFailed();
        await new Promise((resolve) => setImmediate(resolve)); // a read takes a turn of the loop
        const end = Math.min(total, start + size);
        yield Array.from({ length: end - start }, (_, i): ReportRow => ({
          n: start + i,
          name: `row ${start + i}`,
        }));
      }
    },
  };
  return { rows, reads };
}

class PageReadFailed extends Error {}

const data = (rows: ReportRowSource): ReportData => ({
  period: 'p',
  sections: [
    { key: 'held', title: 'Held', columns, rows: [{ n: 1, name: 'one' }] },
    { key: 'paged', title: 'Paged', columns, rows },
  ],
});

/** PDF and XLSX are drawn in the render thread; the rows of a page-by-page section are read here. */
describe('reports: the render thread', () => {
  afterAll(() => stopRenderThread());

  it('draws an XLSX of a paged section from pages read one at a time, every row in order', async () => {
    const { rows, reads } = source(12_000, 5000);
    const bytes = Buffer.concat(await renderReport('xlsx', header, data(rows)).toArray());
    expect(reads.pages).toBe(3);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as never);
    const sheet = workbook.getWorksheet('Paged')!;
    expect(sheet.rowCount).toBe(12_001);
    expect(sheet.getCell('A2').value).toBe(0);
    expect(sheet.getCell('A12001').value).toBe(11_999);
    expect(sheet.getCell('B6002').value).toBe('row 6000');
    expect(workbook.getWorksheet('Held')!.getCell('B2').value).toBe('one');
  });

  it('never keeps the process running: the thread holds no referenced handle once a file is drawn', async () => {
    const ports = () => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;
    const before = ports();
    await renderReport('pdf', header, data(source(10, 5).rows)).toArray();
    expect(ports()).toBe(before);
  });

  it('draws PDFs of several reports at once, each whole', async () => {
    const files = await Promise.all(
      [100, 400].map(async (total) => {
        const { rows } = source(total, 150);
        const pdf = Buffer.concat(await renderReport('pdf', header, data(rows)).toArray());
        return (await extractText(new Uint8Array(pdf), { mergePages: true })).text;
      }),
    );
    expect(files[0]).toContain('row 99');
    expect(files[0]).not.toContain('row 100');
    expect(files[1]).toContain('row 399');
  });

  it('fails the file with the error of a page read that fails, and stops drawing it', async () => {
    const { rows, reads } = source(20_000, 1000, 3);
    const file = renderReport('pdf', header, data(rows));
    await expect(file.toArray()).rejects.toBeInstanceOf(PageReadFailed);
    expect(reads.pages).toBe(3);
    // The thread still draws the next report.
    const next = await renderReport('xlsx', header, data(source(10, 5).rows)).toArray();
    expect(Buffer.concat(next).subarray(0, 2).toString()).toBe('PK');
  });

  it('stops reading pages when the file’s reader goes away', async () => {
    const { rows, reads } = source(200_000, 1000);
    const file = renderReport('xlsx', header, data(rows));
    for await (const chunk of file) {
      expect(chunk.length).toBeGreaterThan(0);
      break; // destroys the file
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const readSoFar = reads.pages;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reads.pages).toBe(readSoFar);
    expect(reads.pages).toBeLessThan(200);
  });

  it('fails files being drawn when the thread is stopped, and starts again for the next report', async () => {
    const file = renderReport('pdf', header, data(source(50_000, 1000).rows));
    const failed = expect(file.toArray()).rejects.toThrow('The report renderer was stopped.');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stopRenderThread();
    await failed;
    const next = await renderReport('pdf', header, data(source(10, 5).rows)).toArray();
    expect(Buffer.concat(next).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
