import type { ReportColumn, ReportChart, ReportFormat, ReportHeader, ReportRow } from './types.js';

/** A section as it crosses to the render thread: held rows as they are, a row source as its count. */
export interface SectionMessage {
  key: string;
  title: string;
  columns: readonly ReportColumn[];
  rows: readonly ReportRow[] | { count: number };
  chart?: ReportChart;
}

/** The formats drawn in the render thread (CSV needs no library and is written in the server). */
export type ThreadFormat = Exclude<ReportFormat, 'csv'>;

/** Messages the server sends the render thread. */
export type ToRenderer =
  | {
      type: 'render';
      id: number;
      format: ThreadFormat;
      header: ReportHeader;
      period: string;
      sections: SectionMessage[];
    }
  /** The next page of a section's row source, or `rows: null` when it has no more. */
  | { type: 'page'; id: number; section: number; rows: readonly ReportRow[] | null }
  /** The last chunk was taken: send the next. */
  | { type: 'ack'; id: number }
  /** The file is no longer wanted (its reader failed or a page read failed). */
  | { type: 'cancel'; id: number };

/** Messages the render thread sends back. */
export type FromRenderer =
  | { type: 'page'; id: number; section: number }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string };
