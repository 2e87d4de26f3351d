import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg } from './charts.js';
import { formatValue, isNumeric, localDateTime } from './format.js';
import { isRowSource, rowBatches, rowCountOf } from './rows.js';
import type { ReportColumn, ReportData, ReportHeader, ReportSection } from './types.js';

const MARGIN = 40;
const ROW_HEIGHT = 16;
const HEADER_HEIGHT = 20;
const FONT_SIZE = 8;
const PAD = 3;
/** Bytes the document may hold unread before writing waits for its reader. */
const BACKLOG_BYTES = 4 << 20;
/** Measured cell texts kept per column; a table's texts repeat (names, statuses, numbers). */
const MAX_CACHED_TEXTS = 20_000;

type Doc = PDFKit.PDFDocument;
/** pdfkit skips measuring a line again when given its width (`_fragment`'s `textWidth`). */
type LineOptions = PDFKit.Mixins.TextOptions & { textWidth: number; wordCount: number };

/** Cuts text to fit `width` (with an ellipsis), so a row stays one line and rows keep their height. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width)
    cut = cut.slice(0, Math.ceil(cut.length * 0.8));
  return `${cut}…`;
}

/** What of pdfkit's current font a row needs to write its text operators itself. */
interface FontInternals {
  id: string;
  ascender: number;
  ref(): unknown;
  encode(text: string): [string[], { xAdvance: number; advanceWidth: number }[]];
}
const internals = (doc: Doc) =>
  doc as unknown as { _font: FontInternals; page: { fonts: Record<string, unknown> } };

const num = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The text-showing operator for `text`, as pdfkit's `_fragment` writes it (glyph runs split where a
 * kerning pair moves the next glyph).
 */
function showText(font: FontInternals, text: string): { show: string; units: number } {
  const [encoded, positions] = font.encode(text);
  const commands: string[] = [];
  let last = 0;
  let units = 0;
  const segment = (cur: number) => {
    if (last < cur) {
      const pos = positions[cur - 1]!;
      commands.push(`<${encoded.slice(last, cur).join('')}> ${num(-(pos.xAdvance - pos.advanceWidth))}`);
    }
    last = cur;
  };
  positions.forEach((pos, i) => {
    units += pos.xAdvance;
    if (pos.xAdvance - pos.advanceWidth !== 0) segment(i + 1);
  });
  segment(positions.length);
  // `units`: the advance in thousandths of the font size, what pdfkit's widthOfString adds up.
  return { show: `[${commands.join(' ')}] TJ`, units };
}

interface Fitted {
  text: string;
  width: number;
  show: string;
}

/**
 * A table's geometry and its cells' fitted texts. Rows are one line of a fixed height, so a cell is
 * measured, cut and encoded once per distinct text, and a row is written as one text object (pdfkit's
 * `text()` lays out, measures and kerns every call, which was most of a large report's time); the
 * number of pages is known before the first row is drawn.
 */
class Table {
  readonly widths: number[];
  readonly xs: number[];
  readonly usable: number;
  private readonly caches: Map<string, Fitted>[];

  constructor(
    private readonly doc: Doc,
    readonly columns: readonly ReportColumn[],
  ) {
    this.usable = doc.page.width - 2 * MARGIN;
    const weights = columns.map((c) => c.width ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    this.widths = weights.map((w) => (w / total) * this.usable);
    this.xs = this.widths.map((_, i) => MARGIN + this.widths.slice(0, i).reduce((a, b) => a + b, 0));
    this.caches = columns.map(() => new Map());
  }

  /** `value` fitted to column `i` in the current font (which must stay the one of this table). */
  private fitted(i: number, value: string): Fitted {
    const cache = this.caches[i]!;
    let fitted = cache.get(value);
    if (!fitted) {
      // Encoded once: the encoding gives the width, and most texts fit as they are.
      const font = internals(this.doc)._font;
      const room = this.widths[i]! - 2 * PAD;
      let shown = showText(font, value);
      let text = value;
      if ((shown.units / 1000) * this.fontSize() > room) {
        text = fit(this.doc, value, room);
        shown = showText(font, text);
      }
      fitted = { text, width: (shown.units / 1000) * this.fontSize(), show: shown.show };
      if (cache.size >= MAX_CACHED_TEXTS) cache.clear();
      cache.set(value, fitted);
    }
    return fitted;
  }

  private fontSize() {
    return (this.doc as unknown as { _fontSize: number })._fontSize;
  }

  private xOf(i: number, fitted: Fitted) {
    return isNumeric(this.columns[i]!.kind)
      ? this.xs[i]! + this.widths[i]! - PAD - fitted.width
      : this.xs[i]! + PAD;
  }

  /** One cell through pdfkit's own text layout (header labels, a few per page). */
  cell(i: number, value: string, y: number) {
    if (value === '') return;
    const fitted = this.fitted(i, value);
    const options: LineOptions = { lineBreak: false, textWidth: fitted.width, wordCount: 1 };
    this.doc.text(fitted.text, this.xOf(i, fitted), y, options);
  }

  /** A row's texts as one text object in the current font and fill colour, top at `y`. */
  row(values: string[], y: number) {
    const doc = this.doc;
    const { _font: font, page } = internals(doc);
    if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref();
    // pdfkit's pages are drawn top-down (a flipped matrix); text is set in the PDF's own orientation.
    const baseline = num(doc.page.height - y - (font.ascender / 1000) * FONT_SIZE);
    const parts = [`q 1 0 0 -1 0 ${num(doc.page.height)} cm BT /${font.id} ${FONT_SIZE} Tf`];
    values.forEach((value, i) => {
      if (value === '') return;
      const fitted = this.fitted(i, value);
      parts.push(`1 0 0 1 ${num(this.xOf(i, fitted))} ${baseline} Tm ${fitted.show}`);
    });
    parts.push('ET Q');
    doc.addContent(parts.join('\n'));
  }
}

const bottomOf = (doc: Doc) => doc.page.height - MARGIN - 14;

/** Rows that fit below `top` when a header row is drawn there. */
const rowsBelow = (doc: Doc, top: number) => Math.floor((bottomOf(doc) - top - HEADER_HEIGHT) / ROW_HEIGHT);

/** Where a section's table starts on its first page: below its title and, when drawn, its chart. */
const hasChart = (section: ReportSection) =>
  Boolean(section.chart) && !isRowSource(section.rows) && rowCountOf(section) > 0;
const tableTop = (section: ReportSection) => MARGIN + 26 + (hasChart(section) ? CHART_HEIGHT + 10 : 0);

/** Pages a section takes: its first page, then as many more as its rows need. */
function sectionPages(doc: Doc, section: ReportSection): number {
  const rows = rowCountOf(section);
  const first = Math.max(0, rowsBelow(doc, tableTop(section)));
  return rows <= first ? 1 : 1 + Math.ceil((rows - first) / rowsBelow(doc, MARGIN));
}

/** Page numbering, drawn as each page opens (pages are written out as they fill, never revisited). */
class Pages {
  private current = 1;
  constructor(
    private readonly doc: Doc,
    private readonly header: ReportHeader,
    private readonly total: number,
  ) {
    this.footer();
  }

  add() {
    this.doc.addPage();
    this.current += 1;
    this.footer();
  }

  private footer() {
    const doc = this.doc;
    // Writing into the bottom margin would otherwise make pdfkit open a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    // Rows beyond those counted (data written meanwhile, read a page at a time) get no "of" total.
    const of = this.current <= this.total ? ` of ${this.total}` : '';
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#777')
      .text(
        `${this.header.title} · ${this.header.tenant} · page ${this.current}${of}`,
        MARGIN,
        doc.page.height - MARGIN + 10,
        { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false },
      )
      .fillColor('black');
    doc.page.margins.bottom = bottomMargin;
  }
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

function tableHeader(doc: Doc, table: Table, labels: Table, y: number) {
  doc.rect(MARGIN, y, table.usable, HEADER_HEIGHT).fill('#e8edf3').fillColor('black');
  doc.font('Helvetica-Bold').fontSize(FONT_SIZE);
  table.columns.forEach((column, i) => labels.cell(i, column.label, y + 6));
  doc.font('Helvetica').fontSize(FONT_SIZE);
  return y + HEADER_HEIGHT;
}

/** Waits while the reader is behind, so a long table is not held whole in the document's buffer. */
async function drained(doc: Doc) {
  while (doc.readableLength > BACKLOG_BYTES && !doc.destroyed)
    await new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * The section's rows as a table that continues over as many pages as it needs, the column headers
 * repeated at the top of every page; rows are drawn as their pages are read.
 */
async function table(doc: Doc, pages: Pages, section: ReportSection, startY: number, timeZone: string) {
  // Separate measurements for the bold header labels and the regular cells.
  const cells = new Table(doc, section.columns);
  const labels = new Table(doc, section.columns);
  const bottom = bottomOf(doc);
  let y = tableHeader(doc, cells, labels, startY);
  let index = 0;
  for await (const batch of rowBatches(section)) {
    for (const row of batch) {
      if (y + ROW_HEIGHT > bottom) {
        pages.add();
        y = tableHeader(doc, cells, labels, MARGIN);
      }
      if (index % 2 === 1) doc.rect(MARGIN, y, cells.usable, ROW_HEIGHT).fill('#f7f7f7').fillColor('black');
      cells.row(
        section.columns.map((column) => formatValue(column.kind, row[column.key] ?? null, timeZone)),
        y + 4,
      );
      y += ROW_HEIGHT;
      index += 1;
    }
    await drained(doc);
  }
  if (index === 0) doc.text('No data for this period.', MARGIN + PAD, y + 5, { lineBreak: false });
}

async function write(doc: Doc, header: ReportHeader, data: ReportData) {
  const total = 1 + data.sections.reduce((sum, section) => sum + sectionPages(doc, section), 0);
  const pages = new Pages(doc, header, total);
  titlePage(doc, header);
  for (const section of data.sections) {
    pages.add();
    doc.font('Helvetica-Bold').fontSize(15).text(section.title, MARGIN, MARGIN);
    if (hasChart(section) && !isRowSource(section.rows)) {
      const svg = chartSvg(section.chart!, section.columns, section.rows);
      SVGtoPDF(doc, svg, (doc.page.width - CHART_WIDTH) / 2, MARGIN + 26, {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        assumePt: true,
      });
    }
    await table(doc, pages, section, tableTop(section), header.timeZone);
  }
  doc.end();
}

/**
 * A PDF document, streamed as it is drawn: a title page (report, tenant, period, generation time in
 * the tenant's zone), then per section its title, its chart (ECharts SVG drawn as vectors by
 * svg-to-pdfkit) and its table. Pages are not buffered: each is written out once the next opens.
 */
export function renderPdf(header: ReportHeader, data: ReportData): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    // The creation date is the report's own generation time, so the same report gives the same bytes.
    info: {
      Title: header.title,
      Author: header.tenant,
      Creator: 'SalesOps',
      CreationDate: header.generatedAt,
    },
  });
  write(doc, header, data).catch((error: unknown) => doc.destroy(error as Error));
  return doc;
}
