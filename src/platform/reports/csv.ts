import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { escapeFormula } from '../bulk/formula-escape.js';
import { formatValue } from './format.js';
import { rowBatches } from './rows.js';
import type { ReportData, ReportHeader } from './types.js';

async function* records(header: ReportHeader, data: ReportData): AsyncGenerator<string[]> {
  const many = data.sections.length > 1;
  for (const [index, section] of data.sections.entries()) {
    if (many) {
      if (index > 0) yield [];
      yield [escapeFormula(section.title)];
    }
    const { columns } = section;
    yield columns.map((column) => escapeFormula(column.label));
    for await (const batch of rowBatches(section))
      for (const row of batch)
        yield columns.map((column) =>
          escapeFormula(formatValue(column.kind, row[column.key] ?? null, header.timeZone)),
        );
  }
}

/**
 * CSV (UTF-8 with BOM), streamed as rows are read. One section is a plain table; several follow one
 * another, each introduced by a line with its title and separated by an empty line. Text is escaped
 * against formula injection.
 */
export function renderCsv(header: ReportHeader, data: ReportData): Readable {
  const csv = stringify({ bom: true });
  const source = Readable.from(records(header, data));
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv);
}
