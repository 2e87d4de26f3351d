import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, Platform, RaisedAlert } from '../../../platform/module.js';
import { raiseCheckAlert } from '../../notify/index.js';
import type { RiskLevel } from '../tables/health.tables.js';
import { currentAccountSql, localDayStartSql } from './clock.js';
import { healthDropOf, type HealthDrop, type ScoreFacts } from './drop-reasons.js';

export type AlertDeps = Pick<Platform, 'mailer' | 'realtime'>;

/** The account a customer alert is about: its account manager owns the alert (the data scope follows). */
export interface AlertedCustomer {
  id: string;
  name: string;
  ownerId: string | null;
}

export const HEALTH_DROP = { name: 'success.health-drop', type: 'health_drop' } as const;

export function healthDropAlert(
  customer: AlertedCustomer,
  score: { overall: number; risk: RiskLevel },
  drop: HealthDrop,
): RaisedAlert {
  return {
    severity: drop.severity,
    title: `Health drop: ${customer.name} scored ${score.overall} (${score.risk} risk)`,
    description: drop.reasons.join(' '),
    entityType: 'customer',
    entityId: customer.id,
    customerId: customer.id,
    ownerId: customer.ownerId,
  };
}

/**
 * Raises the health-drop alert a new customer-level score calls for, in the score's transaction,
 * under the check's per-day key: one `health_drop` alert per customer and tenant-local day.
 */
export async function raiseHealthDrop(
  deps: AlertDeps,
  tx: Tx,
  at: { tenantId: string; today: string },
  customer: AlertedCustomer,
  score: ScoreFacts & { risk: RiskLevel },
  previous: readonly ScoreFacts[],
): Promise<boolean> {
  const drop = healthDropOf(score, previous);
  if (!drop) return false;
  return (
    (await raiseCheckAlert(deps, tx, HEALTH_DROP, { ...healthDropAlert(customer, score, drop), ...at })) !==
    null
  );
}

/**
 * A JSON array of the three customer-level scores before `before` (all of them when null), newest
 * first, for the customer `customerId` (an SQL expression over the outer query).
 */
export function previousScoresSql(tenantId: string, customerId: SQL, before: SQL | null): SQL {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('overall', p.overall_score,
        'adoption', p.adoption_score, 'support', p.support_score, 'engagement', p.engagement_score,
        'financial', p.financial_score) order by p.calculated_at desc, p.id desc), '[]'::jsonb)
      from (select * from health_scores p
        where p.tenant_id = ${tenantId} and p.customer_id = ${customerId} and p.deployment_id is null
          ${before ? sql`and (p.calculated_at, p.id) < ${before}` : sql``}
        order by p.calculated_at desc, p.id desc limit 3) p)`;
}

interface StoredScore extends ScoreFacts, AlertedCustomer {
  risk: RiskLevel;
  previous: ScoreFacts[] | string;
}

/** JSON from a raw select: PGlite and node-postgres both parse jsonb, but be safe with text. */
export const parsedJson = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

/**
 * The same rules over stored scores: each current account's latest customer-level score of the
 * tenant-local day against the scores before it, so the hourly checks raise what a score's own
 * transaction did not (the dedup key makes a second raise a no-op).
 */
export const healthDropCheck: AlertCheck = {
  ...HEALTH_DROP,
  displayName: 'Customer health dropped',
  async run(tx, { tenantId, today, timeZone, now }) {
    const clock = { today, timeZone, now };
    const rows = await selectRows<StoredScore>(
      tx,
      sql`with latest as (
          select distinct on (h.customer_id) h.id as score_id, h.customer_id, h.calculated_at,
            h.overall_score as overall, h.adoption_score as adoption, h.support_score as support,
            h.engagement_score as engagement, h.financial_score as financial, h.risk_level as risk
          from health_scores h
          where h.tenant_id = ${tenantId} and h.deployment_id is null
            and h.calculated_at >= ${localDayStartSql(clock, 0)}
          order by h.customer_id, h.calculated_at desc, h.id desc)
        select l.*, c.id, c.name, c.owner_id as "ownerId",
          ${previousScoresSql(tenantId, sql`l.customer_id`, sql`(l.calculated_at, l.score_id)`)} as previous
        from latest l join customers c on c.tenant_id = ${tenantId} and c.id = l.customer_id
        where ${currentAccountSql('c')}`,
    );
    return rows.flatMap((row) => {
      const drop = healthDropOf(row, parsedJson(row.previous));
      return drop ? [healthDropAlert(row, row, drop)] : [];
    });
  },
};
