import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../../../platform/bulk/excel.js';
import { AppError, type FieldError } from '../../../platform/http/errors.js';
import { toCents } from '../common.js';
import { planningWindow } from '../cycles/window.js';
import { decimalsOf, MAX_QUANTITY, type LineDraft } from './lines.js';

export const SHEET = 'Forecast';
export const META_SHEET = 'meta';
export const FIXED_COLUMNS = ['customer_code', 'customer_name', 'product_code', 'product_name', 'price'];
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TemplateRow {
  customerCode: string;
  customerName: string;
  productCode: string;
  productName: string;
  price: string;
  /** The baseline quantity of each month column. */
  quantities: number[];
}

/**
 * The template: sheet "Forecast" with the fixed columns and one column per month, one row per
 * matrix pair; a very hidden sheet "meta" naming the cycle and the rep it was made for.
 */
export async function buildTemplate(
  meta: { cycleId: string; repId: string; cycleName: string },
  months: readonly string[],
  rows: readonly TemplateRow[],
): Promise<Buffer> {
  const Excel = await loadExcelJs();
  const workbook = new Excel.Workbook();
  const sheet = workbook.addWorksheet(SHEET);
  sheet.addRow([...FIXED_COLUMNS, ...months]);
  sheet.getRow(1).font = { bold: true };
  for (const row of rows)
    sheet.addRow([
      row.customerCode,
      row.customerName,
      row.productCode,
      row.productName,
      Number(row.price),
      ...row.quantities,
    ]);
  sheet.views = [{ state: 'frozen', xSplit: 5, ySplit: 1 }];
  const info = workbook.addWorksheet(META_SHEET);
  info.addRow(['cycle_id', meta.cycleId]);
  info.addRow(['rep_id', meta.repId]);
  info.addRow(['cycle_name', meta.cycleName]);
  info.state = 'veryHidden';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A parsed data row: the codes, the price cell (null when empty) and the lines given. */
export interface ParsedRow {
  rowNumber: number;
  customerCode: string;
  productCode: string;
  price: string | null;
  lines: LineDraft[];
}

const templateInvalid = (detail: string, errors: FieldError[] = []) =>
  new AppError(422, 'TEMPLATE_INVALID', detail, { errors });

/** The value of a cell: formulas give their result, rich text its text. */
function valueOf(cell: ExcelJS.Cell): unknown {
  const v = cell.value as unknown;
  if (v && typeof v === 'object') {
    if ('result' in v) return (v as { result: unknown }).result;
    if ('richText' in v)
      return (v as { richText: { text: string }[] }).richText.map((part) => part.text).join('');
    if ('text' in v) return (v as { text: unknown }).text;
  }
  return v;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A number cell (or numeric text); undefined when empty; a message when not a number. */
function numberIn(cell: ExcelJS.Cell): number | undefined | string {
  const v = valueOf(cell);
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && NUMBER.test(v.trim())) return Number(v.trim());
  return `must be a number, not "${String(v instanceof Date ? v.toISOString() : v).slice(0, 40)}"`;
}

const text = (cell: ExcelJS.Cell): string => {
  const v = valueOf(cell);
  return v === null || v === undefined ? '' : String(v).trim();
};

/**
 * Reads a filled template: the meta (cycle, rep: `anchorOf` checks them first and answers the
 * cycle's anchor), the month columns (each inside the window), and every row's cells, each checked: numbers only, not negative,
 * quantities with at most 3 decimals, prices with at most 2. Every failing cell is one error naming
 * it (`/file/Forecast/F3`, "row 3, column 2026-05: …"); any error refuses the whole file.
 */
export async function readTemplate(
  bytes: Buffer,
  anchorOf: (meta: { cycleId: string; repId: string }) => Promise<string>,
): Promise<{ cycleId: string; repId: string; rows: ParsedRow[] }> {
  const Excel = await loadExcelJs();
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw templateInvalid('The file is not an XLSX workbook.', [{ path: '/body/file', message: 'not XLSX' }]);
  }
  const sheet = workbook.getWorksheet(SHEET);
  const info = workbook.getWorksheet(META_SHEET);
  const metaValue = (name: string) => {
    for (let r = 1; r <= (info?.rowCount ?? 0); r++)
      if (text(info!.getCell(r, 1)) === name) return text(info!.getCell(r, 2));
    return '';
  };
  const cycleId = metaValue('cycle_id');
  const repId = metaValue('rep_id');
  if (!sheet || !cycleId || !repId)
    throw templateInvalid('The file is not a forecast template (GET /forecasts/template).', [
      { path: '/body/file', message: `needs the sheets "${SHEET}" and "${META_SHEET}" of the template` },
    ]);
  const anchor = await anchorOf({ cycleId, repId });
  const window = new Set(planningWindow(anchor));
  const errors: FieldError[] = [];
  const at = (cell: ExcelJS.Cell, message: string) =>
    errors.push({ path: `/file/${SHEET}/${cell.address}`, message });

  const header = sheet.getRow(1);
  FIXED_COLUMNS.forEach((name, i) => {
    const cell = header.getCell(i + 1);
    if (text(cell).toLowerCase() !== name) at(cell, `row 1: the column must be "${name}"`);
  });
  const months: { col: number; month: string }[] = [];
  for (let col = FIXED_COLUMNS.length + 1; col <= sheet.columnCount; col++) {
    const cell = header.getCell(col);
    const month = text(cell);
    if (!month) continue;
    if (!window.has(month))
      at(
        cell,
        `row 1: column "${month}" is not a month (YYYY-MM) of the cycle's window ${[...window][0]}–${[...window].at(-1)}`,
      );
    else if (months.some((m) => m.month === month)) at(cell, `row 1: month ${month} appears twice`);
    else months.push({ col, month });
  }

  const rows: ParsedRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const customerCode = text(row.getCell(1));
    const productCode = text(row.getCell(3));
    const lines: LineDraft[] = [];
    let price: string | null = null;
    const priceCell = row.getCell(5);
    const p = numberIn(priceCell);
    if (typeof p === 'string') at(priceCell, `row ${r}, column price: ${p}`);
    else if (p !== undefined) {
      if (p < 0) at(priceCell, `row ${r}, column price: must not be negative`);
      else if (decimalsOf(p) > 2) at(priceCell, `row ${r}, column price: at most two decimals`);
      else if (p >= 1e16) at(priceCell, `row ${r}, column price: too large`);
      else price = p.toFixed(2);
    }
    for (const { col, month } of months) {
      const cell = row.getCell(col);
      const q = numberIn(cell);
      if (q === undefined) continue;
      if (typeof q === 'string') at(cell, `row ${r}, column ${month}: ${q}`);
      else if (q < 0) at(cell, `row ${r}, column ${month}: must not be negative`);
      else if (decimalsOf(q) > 3) at(cell, `row ${r}, column ${month}: at most three decimals`);
      else if (q > MAX_QUANTITY) at(cell, `row ${r}, column ${month}: at most ${MAX_QUANTITY}`);
      else lines.push({ month, quantity: q });
    }
    if (!customerCode && !productCode && !lines.length) continue;
    if (!customerCode) at(row.getCell(1), `row ${r}, column customer_code: required`);
    if (!productCode) at(row.getCell(3), `row ${r}, column product_code: required`);
    rows.push({ rowNumber: r, customerCode, productCode, price, lines });
  }
  if (errors.length) throw cellErrors(errors);
  return { cycleId, repId, rows };
}

/** 422 listing each failing cell. */
export const cellErrors = (errors: FieldError[]) =>
  new AppError(
    422,
    'VALIDATION_FAILED',
    `The template has ${errors.length} invalid cell(s); nothing was imported.`,
    {
      errors,
    },
  );

/** The override a price cell means: none when it equals the matrix price (or is empty). */
export function overrideOf(cell: string | null, matrixPrice: string | null): string | null {
  if (cell === null) return null;
  return matrixPrice !== null && toCents(cell) === toCents(matrixPrice) ? null : cell;
}
