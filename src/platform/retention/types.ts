import type { Config } from '../../config.js';

/**
 * Rows a table no longer needs after some days: expired sessions, delivered mail, the rejected
 * rows of old imports. Modules declare theirs in `SalesOpsModule.retention`; the platform declares
 * its own (outbox, import errors). The daily `platform.retention` job deletes them in every tenant.
 */
export interface RetentionRule {
  /** Names the rule in logs and in the job's result, e.g. `identity.sessions`. */
  name: string;
  /** The table rows are deleted from (a trusted identifier, never user input). */
  table: string;
  /** How many days a row is kept past the moment its condition starts counting (a setting). */
  days: (config: Config) => number;
  /**
   * SQL condition over `table` that a row past retention meets; `$1` is the cutoff timestamp (now
   * minus `days`). Index the columns it reads: it runs over every tenant's rows.
   */
  expired: string;
}
