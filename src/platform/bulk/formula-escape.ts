/**
 * Spreadsheet formula injection (CSV injection): a cell whose text begins with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets when a
 * person opens the file, so a customer named `=HYPERLINK("http://x","y")` would become a live link
 * (or worse, a DDE command). Every sheet SalesOps writes prefixes such text with a single quote, as
 * OWASP recommends, so it shows as text; the importers remove that quote again, so an exported file
 * re-imports to the same values.
 */

/** Text already beginning with quotes before a formula character gets one more, so unescaping is exact. */
const ESCAPABLE = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;
/** A plain number (`-12.50`, `+3`) is a value to every spreadsheet, never a formula: left as it is. */
const PLAIN_NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** The text to write for a cell so that no spreadsheet runs it as a formula. */
export function escapeFormula(text: string): string {
  if (!ESCAPABLE.test(text) || PLAIN_NUMBER.test(text)) return text;
  return `'${text}`;
}

/** Undoes `escapeFormula` on a cell read from an uploaded sheet. */
export function unescapeFormula(text: string): string {
  return ESCAPED.test(text) ? text.slice(1) : text;
}
