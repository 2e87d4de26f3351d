import type { Tx } from '../db/types.js';

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What a check found: one alert about one entity. */
export interface RaisedAlert {
  severity: AlertSeverity;
  title: string;
  description?: string;
  /** The entity the alert is about (`call_cycle`, `user`, `customer`…) and its id. */
  entityType: string;
  entityId: string;
  customerId?: string | null;
  /** The user the entity belongs to (an agent): the alert is visible within data scopes covering them. */
  ownerId?: string | null;
  /** Who should act on it (a team leader); null leaves it to the users whose scope covers the owner. */
  assigneeId?: string | null;
}

/** When and where a check runs: one tenant, its transaction (RLS applies), its local day. */
export interface AlertCheckContext {
  tenantId: string;
  now: Date;
  /** The tenant's time zone (its setting) and today's date there, YYYY-MM-DD. */
  timeZone: string;
  today: string;
}

/**
 * A check a module registers (`SalesOpsModule.alertChecks`). The alerts service runs every check
 * in every tenant on a schedule (and on demand), and raises at most one alert per entity, type and
 * day, however often a check runs, so a check simply reports everything it finds each time.
 */
export interface AlertCheck {
  /** `module.what`, unique across modules; alerts it raises name it as their source. */
  name: string;
  /** The alert type it raises (`call_cycle_adherence`). */
  type: string;
  displayName: string;
  run(tx: Tx, context: AlertCheckContext): Promise<readonly RaisedAlert[]>;
}
