import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { localToday } from '../../../platform/reports/period.js';
import { scopePredicate } from '../../../platform/resource/index.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { customerScope } from '../scope.js';

/**
 * What every dashboard figure and success report is computed with: the caller's tenant and data
 * scope, the tenant's time zone (days, weeks and months are the tenant's calendar) and currency
 * (contracts without their own currency are in it), and the moment that counts as "now".
 */
export interface InsightContext {
  tx: Tx;
  tenantId: string;
  principal: Principal;
  timeZone: string;
  currency: string;
  now: Date;
  /** Today in the tenant's time zone, YYYY-MM-DD. */
  today: string;
}

export async function insightContext(
  tx: Tx,
  tenantId: string,
  principal: Principal,
  now: Date,
): Promise<InsightContext> {
  const settings = await tenantSettingsOf(tx, tenantId);
  const timeZone = settings.time_zone;
  return {
    tx,
    tenantId,
    principal,
    timeZone,
    currency: settings.currency,
    now,
    today: localToday(now, timeZone),
  };
}

/** Windows the dashboard uses: CSAT/NPS and product CSAT, renewals, recent interactions. */
export const CSAT_WINDOW_DAYS = 90;
export const RENEWAL_WINDOW_DAYS = 90;
export const INTERACTION_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The instant a tenant-local calendar day begins. */
export const localStart = (ctx: InsightContext, day: string): SQL =>
  sql`((${day}::date)::timestamp at time zone ${ctx.timeZone})`;

/**
 * `column` within the last `days` tenant-local days, today included: from the start of the first
 * day up to now (a row dated in the future has not happened yet).
 */
export const lastDays = (ctx: InsightContext, column: SQL, days: number): SQL =>
  sql`${column} >= ${localStart(ctx, addDays(ctx.today, -(days - 1)))} and ${column} <= ${ctx.now.toISOString()}::timestamptz`;

/**
 * The success customers of the caller's scope, as alias `c`: catalogue customers flagged
 * `is_customer` (a supplier-only counterparty is no success customer) whose account manager
 * (`owner_id`) is in the scope; tenant-wide roles see every one.
 */
export function customersInScope(ctx: InsightContext): SQL {
  const owned = scopePredicate(ctx.principal, sql`c.owner_id`);
  return sql`c.tenant_id = ${ctx.tenantId} and c.is_customer${owned ? sql` and ${owned}` : sql``}`;
}

/**
 * Rows of a success table (alias `alias`, column `customer_id`) whose customer is in the scope
 * (`customerScope`): deployments, interactions, scores, responses, alerts.
 */
export function rowsInScope(ctx: InsightContext, alias: string): SQL {
  const a = sql.raw(alias);
  const scoped = customerScope(ctx.principal, sql`${a}.customer_id`);
  return sql`${a}.tenant_id = ${ctx.tenantId}${scoped ? sql` and ${scoped}` : sql``}`;
}

/** A deleted customer is churned and archived: archived customers count as churned whatever else. */
export const STATUS = sql`(case when c.archived_at is not null then 'churned' else c.status end)`;
/** Health, risk and renewals are about the customers still served: not churned. */
export const SERVED = sql`(c.archived_at is null and c.status <> 'churned')`;
/** At risk: served, and the latest health score's risk is high or critical (DESIGN §6). */
export const AT_RISK = sql`(${SERVED} and c.health_risk in ('high', 'critical'))`;
/** The latest score of a served customer (null otherwise): what every health average is over. */
export const SERVED_SCORE = sql`(case when ${SERVED} then c.health_score end)`;
/** The contract's currency, or the tenant's when the contract names none. */
export const contractCurrency = (ctx: InsightContext): SQL => sql`coalesce(c.currency, ${ctx.currency})`;

/** An account manager's display name (alias `u`). */
export const USER_NAME = sql`trim(u.first_name || ' ' || u.last_name)`;

/**
 * Counts for CSAT and NPS over response alias `r`: CSAT is every response of a non-`nps` survey
 * (1–5), NPS the `nps` responses (0–10; promoters 9–10, passives 7–8, detractors 0–6).
 */
export const SURVEY_MEASURES = sql`count(*) filter (where r.survey_type <> 'nps')::int as csat_responses,
  coalesce(sum(r.score) filter (where r.survey_type <> 'nps'), 0)::int as csat_sum,
  count(*) filter (where r.survey_type = 'nps')::int as nps_responses,
  count(*) filter (where r.survey_type = 'nps' and r.score >= 9)::int as promoters,
  count(*) filter (where r.survey_type = 'nps' and r.score between 7 and 8)::int as passives,
  count(*) filter (where r.survey_type = 'nps' and r.score <= 6)::int as detractors`;

export interface SurveyCounts {
  csat_responses: number;
  csat_sum: number;
  nps_responses: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** Half away from zero, as SQL `round` does (Math.round takes −12.5 to −12). */
export const roundHalfAway = (value: number, decimals = 0): number => {
  const f = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * f)) / f;
};

/** NPS = round((promoters − detractors) ÷ responses × 100); null without responses. */
export const npsOf = (s: Pick<SurveyCounts, 'promoters' | 'detractors' | 'nps_responses'>): number | null =>
  s.nps_responses > 0 ? roundHalfAway(((s.promoters - s.detractors) / s.nps_responses) * 100) : null;

/** Σ score ÷ responses, two decimals; null without responses. */
export const averageOf = (sum: number, n: number): number | null =>
  n > 0 ? roundHalfAway(sum / n, 2) : null;

/** The survey figures of a group: CSAT average and NPS with their counts. */
export function surveyFigures(s: SurveyCounts) {
  return {
    csat_responses: s.csat_responses,
    average_csat: averageOf(s.csat_sum, s.csat_responses),
    nps_responses: s.nps_responses,
    promoters: s.promoters,
    passives: s.passives,
    detractors: s.detractors,
    nps: npsOf(s),
  };
}

/** `{currency, amount}` rows folded per currency, amounts as decimal strings, by currency. */
export interface CurrencyAmount {
  currency: string;
  amount: string;
}
export const byCurrency = (rows: readonly CurrencyAmount[]): CurrencyAmount[] =>
  [...rows]
    .filter((r) => r.amount !== null)
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
