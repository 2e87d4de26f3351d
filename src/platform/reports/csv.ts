import { stringify } from 'csv-stringify/sync';
import { escapeFormula } from '../bulk/formula-escape.js';
import { formatValue } from './format.js';
import type { ReportData, ReportHeader } from './types.js';

/**
 * CSV (UTF-8 with BOM). One section is a plain table; several follow one another, each introduced
 * by a line with its title and separated by an empty line. Text is escaped against formula injection.
 */
export function renderCsv(header: ReportHeader, data: ReportData): Buffer {
  const many = data.sections.length > 1;
  const records: string[][] = [];
  data.sections.forEach((section, index) => {
    if (many) {
      if (index > 0) records.push([]);
      records.push([escapeFormula(section.title)]);
    }
    records.push(section.columns.map((column) => escapeFormula(column.label)));
    for (const row of section.rows)
      records.push(
        section.columns.map((column) =>
          escapeFormula(formatValue(column.kind, row[column.key] ?? null, header.timeZone)),
        ),
      );
  });
  return Buffer.from(stringify(records, { bom: true }), 'utf8');
}
