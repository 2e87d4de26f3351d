import type { Static, TObject } from 'typebox';
import type { Tx } from '../db/types.js';
import type { Principal } from '../http/auth.js';

export const REPORT_FORMATS = ['pdf', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** How a column's values are typed in XLSX cells and aligned in PDF tables. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'percent' | 'money' | 'date' | 'datetime';

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Relative width in PDF tables (default 1). */
  width?: number;
}

/** A value of a row: numbers as numbers, money as a decimal string, dates as `YYYY-MM-DD`, times as Date. */
export type ReportValue = string | number | boolean | Date | null;
export type ReportRow = Record<string, ReportValue>;

export interface ReportChart {
  kind: 'line' | 'bar' | 'pie';
  title: string;
  /** The column giving the categories (x axis, or slice names). */
  category: string;
  /** The columns plotted as series (a pie uses the first). */
  series: readonly string[];
  /** Plot at most this many categories (the rows' first ones); default 30. */
  limit?: number;
}

/**
 * Rows read page by page while the file is written, so a table of any length never sits whole in
 * memory (a detail table of 100,000 visits). Build it with `keysetRows` (rows.ts).
 */
export interface ReportRowSource {
  /** How many rows the pages hold, counted by the query: the PDF numbers its pages "n of total" with it. */
  count: number;
  /** The rows in order, a page at a time; read through `ReportQueryContext.read`. */
  pages(): AsyncIterable<readonly ReportRow[]>;
}

/** One part of a report: a table (a sheet in XLSX), optionally with a chart over its rows. */
export interface ReportSection {
  key: string;
  title: string;
  columns: readonly ReportColumn[];
  /** Rows held whole (aggregates, a few thousand at most) or read page by page (detail tables). */
  rows: readonly ReportRow[] | ReportRowSource;
  /** Drawn over held rows only: a chart plots aggregates, never a page-by-page detail table. */
  chart?: ReportChart;
}

export interface ReportData {
  /** Shown on the title page under the report's title (e.g. the period "2026-11-01 – 2026-11-30"). */
  period: string;
  sections: readonly ReportSection[];
}

/** What a report type's data query runs with: the caller's transaction, tenant and data scope. */
export interface ReportQueryContext {
  tx: Tx;
  principal: Principal;
  tenantId: string;
  /** The tenant's IANA time zone (periods such as "last month" are computed in it). */
  timeZone: string;
  /** The moment the report is generated (its "today"). */
  now: Date;
  /**
   * Runs `fn` where the report's later pages are read (`tx` is over once `query` returns): on
   * PostgreSQL the snapshot `query` itself ran in, so every page sees the same data; on PGlite a
   * short transaction per page, so the one connection is not held while the file is written.
   */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * A report a module offers. `parameters` is the TypeBox schema the request's (or schedule's)
 * parameters are validated against; `query` loads the data inside the caller's tenant transaction,
 * limited to the caller's data scope. The same data renders as PDF, XLSX and CSV.
 */
export interface ReportType<P extends TObject = TObject> {
  /** Stable key, `<module>.<name>` (e.g. `field.visit_summary`). */
  key: string;
  title: string;
  description: string;
  /** The permission a caller needs (besides `reports:generate`) to run it, e.g. `visits:read`. */
  permission: string;
  parameters: P;
  /**
   * Rules across parameters the schema cannot state (a period's order and length), checked when the
   * report is requested or scheduled: throws 422 naming the parameter, before anything is queued.
   */
  checkParameters?: (parameters: Static<P>) => void;
  formats?: readonly ReportFormat[];
  query(ctx: ReportQueryContext, parameters: Static<P>): Promise<ReportData>;
}

/** Erases a report type's parameter type so types of different shapes fit one list. */
export function defineReportType<P extends TObject>(type: ReportType<P>): ReportType {
  return type as unknown as ReportType;
}

/** The facts printed on a report's title page. */
export interface ReportHeader {
  title: string;
  tenant: string;
  period: string;
  generatedAt: Date;
  timeZone: string;
}
