import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg } from './charts.js';
import { formatValue, isNumeric, localDateTime } from './format.js';
import type { ReportData, ReportHeader, ReportSection } from './types.js';

const MARGIN = 40;
const ROW_HEIGHT = 16;
const HEADER_HEIGHT = 20;
const FONT_SIZE = 8;

type Doc = PDFKit.PDFDocument;

/** Cuts text to fit `width` (with an ellipsis), so a row stays one line and rows keep their height. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width)
    cut = cut.slice(0, Math.ceil(cut.length * 0.8));
  return `${cut}…`;
}

function titlePage(doc: Doc, header: ReportHeader) {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(26).text(header.title, MARGIN, 170, { width, align: 'center' });
  doc.moveDown(1.5).font('Helvetica').fontSize(14);
  doc.text(header.tenant, { width, align: 'center' });
  doc.moveDown(0.5).text(`Period: ${header.period}`, { width, align: 'center' });
  doc
    .moveDown(0.5)
    .fontSize(11)
    .fillColor('#555')
    .text(`Generated ${localDateTime(header.generatedAt, header.timeZone)} (${header.timeZone})`, {
      width,
      align: 'center',
    })
    .fillColor('black');
}

function tableHeader(doc: Doc, section: ReportSection, widths: number[], y: number) {
  doc
    .rect(
      MARGIN,
      y,
      widths.reduce((a, b) => a + b, 0),
      HEADER_HEIGHT,
    )
    .fill('#e8edf3')
    .fillColor('black');
  doc.font('Helvetica-Bold').fontSize(FONT_SIZE);
  let x = MARGIN;
  section.columns.forEach((column, i) => {
    const w = widths[i]!;
    doc.text(fit(doc, column.label, w - 6), x + 3, y + 6, {
      width: w - 6,
      align: isNumeric(column.kind) ? 'right' : 'left',
      lineBreak: false,
    });
    x += w;
  });
  doc.font('Helvetica');
  return y + HEADER_HEIGHT;
}

/**
 * The section's rows as a table that continues over as many pages as it needs, the column headers
 * repeated at the top of every page.
 */
function table(doc: Doc, section: ReportSection, startY: number, timeZone: string) {
  const usable = doc.page.width - 2 * MARGIN;
  const weights = section.columns.map((c) => c.width ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * usable);
  const bottom = doc.page.height - MARGIN - 14;
  let y = tableHeader(doc, section, widths, startY);
  if (section.rows.length === 0) {
    doc.fontSize(FONT_SIZE).text('No data for this period.', MARGIN + 3, y + 5, { lineBreak: false });
    return;
  }
  section.rows.forEach((row, index) => {
    if (y + ROW_HEIGHT > bottom) {
      doc.addPage();
      y = tableHeader(doc, section, widths, MARGIN);
    }
    if (index % 2 === 1) doc.rect(MARGIN, y, usable, ROW_HEIGHT).fill('#f7f7f7').fillColor('black');
    doc.fontSize(FONT_SIZE);
    let x = MARGIN;
    section.columns.forEach((column, i) => {
      const w = widths[i]!;
      const text = formatValue(column.kind, row[column.key] ?? null, timeZone);
      doc.text(fit(doc, text, w - 6), x + 3, y + 4, {
        width: w - 6,
        align: isNumeric(column.kind) ? 'right' : 'left',
        lineBreak: false,
      });
      x += w;
    });
    y += ROW_HEIGHT;
  });
}

function footers(doc: Doc, header: ReportHeader) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing into the bottom margin would otherwise make pdfkit open a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#777')
      .text(
        `${header.title} · ${header.tenant} · page ${i + 1} of ${range.count}`,
        MARGIN,
        doc.page.height - MARGIN + 10,
        { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false },
      )
      .fillColor('black');
    doc.page.margins.bottom = bottomMargin;
  }
}

/**
 * A PDF document: a title page (report, tenant, period, generation time in the tenant's zone), then
 * per section its title, its chart (ECharts SVG drawn as vectors by svg-to-pdfkit) and its table.
 */
export async function renderPdf(header: ReportHeader, data: ReportData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: header.title, Author: header.tenant, Creator: 'SalesOps' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  titlePage(doc, header);
  for (const section of data.sections) {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(15).text(section.title, MARGIN, MARGIN);
    let y = MARGIN + 26;
    if (section.chart && section.rows.length > 0) {
      const svg = chartSvg(section.chart, section.columns, section.rows);
      SVGtoPDF(doc, svg, (doc.page.width - CHART_WIDTH) / 2, y, {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        assumePt: true,
      });
      y += CHART_HEIGHT + 10;
    }
    table(doc, section, y, header.timeZone);
  }
  footers(doc, header);
  doc.end();
  return done;
}
