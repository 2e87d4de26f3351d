import type { CellKind, CellValue, ImportColumn, RowProblem } from './entity.js';
import { unescapeFormula } from './formula-escape.js';

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TRUE = new Set(['true', 'yes', 'y', '1', 'да']);
const FALSE = new Set(['false', 'no', 'n', '0', 'нет']);

/** Separates the items of a list cell (tags, barcodes). */
export const LIST_SEPARATOR = '|';

type Converted = { ok: true; value: CellValue } | { ok: false; message: string };

/**
 * Converts one cell by its column's kind. Empty text is null (a list is empty); a decimal comma is
 * accepted, since spreadsheets in many locales write one.
 */
export function convertCell(kind: CellKind, text: string): Converted {
  if (text === '') return { ok: true, value: kind === 'list' ? [] : null };
  switch (kind) {
    case 'text':
      return { ok: true, value: text };
    case 'integer': {
      const normalized = text.replace(/[.,]0+$/, '');
      return INTEGER.test(normalized)
        ? { ok: true, value: Number(normalized) }
        : { ok: false, message: 'must be a whole number' };
    }
    case 'number':
      return NUMBER.test(text)
        ? { ok: true, value: Number(text.replace(',', '.')) }
        : { ok: false, message: 'must be a number' };
    case 'decimal':
      return NUMBER.test(text) && !/[eE]/.test(text)
        ? { ok: true, value: text.replace(',', '.').replace(/^\+/, '') }
        : { ok: false, message: 'must be a decimal number such as 12.50' };
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, message: 'must be true or false' };
    }
    case 'date':
      return DATE.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: 'must be a date YYYY-MM-DD' };
    case 'list':
      return {
        ok: true,
        value: text
          .split(LIST_SEPARATOR)
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, message: 'must be valid JSON' };
      }
  }
}

/** Where each known column sits in the file, from its header row. */
export interface HeaderMap {
  /** File position → column, for the columns SalesOps knows. */
  positions: { index: number; column: ImportColumn }[];
  present: Set<string>;
  missing: string[];
  unknown: string[];
  duplicated: string[];
  /** How many cells the header row has; data cells beyond it belong to no column. */
  width: number;
}

export function mapHeader(header: string[], columns: ImportColumn[]): HeaderMap {
  const byName = new Map(columns.map((column) => [column.name.toLowerCase(), column]));
  const positions: HeaderMap['positions'] = [];
  const present = new Set<string>();
  const unknown: string[] = [];
  const duplicated: string[] = [];
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') return;
    const column = byName.get(name.toLowerCase());
    if (!column) unknown.push(name);
    else if (present.has(column.name)) duplicated.push(column.name);
    else {
      present.add(column.name);
      positions.push({ index, column });
    }
  });
  const missing = columns.filter((c) => c.required && !present.has(c.name)).map((c) => c.name);
  return { positions, present, missing, unknown, duplicated, width: header.length };
}

/**
 * Converts a data row by the header; problems name the column and keep the offending text. A
 * quote the exporters put before formula-like text is removed first, so exports re-import as they were.
 */
export function convertRow(
  rowNumber: number,
  cells: string[],
  header: HeaderMap,
): { record: Record<string, CellValue>; problems: RowProblem[] } {
  const record: Record<string, CellValue> = {};
  const problems: RowProblem[] = [];
  for (const { index, column } of header.positions) {
    const text = unescapeFormula(cells[index] ?? '');
    const converted = convertCell(column.kind, text);
    if (converted.ok) record[column.name] = converted.value;
    else
      problems.push({
        rowNumber,
        column: column.name,
        code: 'CELL_INVALID',
        message: converted.message,
        value: text,
      });
  }
  return { record, problems };
}
