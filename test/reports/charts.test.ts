import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { describe, expect, it } from 'vitest';
import { chartSvg } from '../../src/platform/reports/charts.js';
import type { ReportChart } from '../../src/platform/reports/types.js';

/** The chart drawn into an uncompressed PDF, as the report writer places it. */
async function chartPdf(chart: ReportChart): Promise<string> {
  const columns = [
    { key: 'brand', label: 'Brand' },
    { key: 'share', label: 'Share' },
  ];
  const rows = [
    { brand: 'Alpha', share: 3 },
    { brand: 'Beta', share: 5 },
  ];
  const doc = new PDFDocument({ compress: false });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  SVGtoPDF(doc, chartSvg(chart, columns as never, rows), 0, 0, {});
  doc.end();
  await ended;
  return Buffer.concat(chunks).toString('latin1');
}

/** Glyph strings of the page's text-showing operators, decoded from PDFKit's hex form. */
const drawnText = (pdf: string) =>
  [...pdf.matchAll(/<([0-9a-f]+)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1')).join('');

describe('report charts in PDFs', () => {
  it('draws pie labels as filled text, not covered by a stroked halo', async () => {
    const pdf = await chartPdf({ kind: 'pie', title: 'Shelf share', category: 'brand', series: ['share'] });
    const text = drawnText(pdf);
    expect(text).toContain('Alpha: 37.5%');
    expect(text).toContain('Beta: 62.5%');
    // Rendering mode 2 is fill then stroke: ECharts' white label halo painted over the glyphs.
    expect(pdf).toMatch(/\b0 Tr\b/);
    expect(pdf).not.toMatch(/\b[12] Tr\b/);
  });

  it('draws bar charts with their category labels', async () => {
    const pdf = await chartPdf({ kind: 'bar', title: 'Shares', category: 'brand', series: ['share'] });
    expect(drawnText(pdf)).toContain('Alpha');
    expect(pdf).not.toMatch(/\b[12] Tr\b/);
  });
});
