import { sql, type SQL } from 'drizzle-orm';
import type { RiskLevel } from '../tables/health.tables.js';

/** A customer's lifecycle status (the catalogue's `customers.status`). */
export type CustomerStatus = 'onboarding' | 'active' | 'at_risk' | 'churned';

/**
 * What a new customer-level score does to the customer's lifecycle status: high or critical risk
 * makes an active or onboarding customer `at_risk`; an `at_risk` customer whose risk is low or
 * medium again is `active`; an onboarding customer with a low or medium risk stays onboarding; a
 * churned customer is never changed (a lost account is not won back by a score).
 */
export function statusAfterScore(status: CustomerStatus, risk: RiskLevel): CustomerStatus {
  if (status === 'churned') return status;
  if (risk === 'high' || risk === 'critical') return 'at_risk';
  if (status === 'at_risk') return 'active';
  return status;
}

/** `statusAfterScore` as SQL over a status column and a risk expression. */
export function statusAfterScoreSql(status: SQL, risk: SQL): SQL {
  return sql`case when ${status} = 'churned' then ${status}
    when ${risk} in ('high', 'critical') then 'at_risk'
    when ${status} = 'at_risk' then 'active'
    else ${status} end`;
}

/** `riskOf` as SQL over an overall-score expression. */
export function riskSql(overall: SQL): SQL {
  return sql`case when ${overall} >= 80 then 'low' when ${overall} >= 60 then 'medium'
    when ${overall} >= 40 then 'high' else 'critical' end`;
}
