import type { AlertSeverity } from '../../../platform/module.js';
import type { RiskLevel } from '../tables/health.tables.js';
import { COMPONENTS, type Component } from './score.js';

/** A component falling at least this many points since the previous score raises a health drop. */
export const COMPONENT_DROP_POINTS = 15;
/** This many declines in a row (each score lower than the one before) raise a health drop. */
export const DECLINES_IN_A_ROW = 3;

export type ScoreFacts = Record<Component, number> & { overall: number };

export interface HealthDrop {
  severity: AlertSeverity;
  /** Every reason, in the order risk, components, declines. */
  reasons: string[];
}

const RANK: Record<AlertSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Why a new customer-level score is a health drop, if it is: high or critical risk (severity high
 * or critical), a component at least 15 points below the previous score's (medium), or the third
 * decline in a row (medium). The alert's severity is the highest of its reasons'. `previous` holds
 * the customer's earlier scores, newest first (three are enough).
 */
export function healthDropOf(
  current: ScoreFacts & { risk: RiskLevel },
  previous: readonly ScoreFacts[],
): HealthDrop | null {
  const found: { severity: AlertSeverity; reason: string }[] = [];
  if (current.risk === 'critical' || current.risk === 'high')
    found.push({ severity: current.risk, reason: `Risk is ${current.risk} (score ${current.overall}).` });
  const last = previous[0];
  if (last)
    for (const component of COMPONENTS) {
      const fall = last[component] - current[component];
      if (fall >= COMPONENT_DROP_POINTS)
        found.push({
          severity: 'medium',
          reason: `${component[0]!.toUpperCase()}${component.slice(1)} fell ${fall} points (${last[component]} → ${current[component]}).`,
        });
    }
  const chain = [current, ...previous.slice(0, DECLINES_IN_A_ROW)].map((s) => s.overall);
  if (chain.length > DECLINES_IN_A_ROW && chain.every((score, i) => i === 0 || chain[i - 1]! < score))
    found.push({
      severity: 'medium',
      reason: `Third decline in a row (${[...chain].reverse().join(' → ')}).`,
    });
  if (!found.length) return null;
  const severity = found.reduce<AlertSeverity>(
    (worst, f) => (RANK[f.severity] > RANK[worst] ? f.severity : worst),
    'low',
  );
  return { severity, reasons: found.map((f) => f.reason) };
}
