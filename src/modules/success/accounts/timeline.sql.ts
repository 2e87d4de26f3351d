import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate } from '../../../platform/resource/index.js';

/*
 * The customer timeline as one statement: each source gives rows of (kind, occurred_at, id,
 * ref_id, data) for one customer, read through its (tenant, customer…) index; the union is cut by
 * the keyset (occurred_at, kind, id), newest first. `id` is unique within a kind, so the key is a
 * total order and pages neither repeat nor skip a row.
 */

export interface TimelineScope {
  tenantId: string;
  customerId: string;
  timeZone: string;
  today: string;
  principal: Principal;
}

/**
 * Alerts as the alerts module shows them: the owner in the caller's scope, or assigned to the
 * caller; alerts about no one's record to tenant-wide scopes only.
 */
function alertVisible(principal: Principal): SQL {
  const byOwner = scopePredicate(principal, sql`a.owner_id`);
  return byOwner ? sql`(${byOwner} or a.assignee_id = ${principal.userId})` : sql`true`;
}

/** Every source of the timeline, unioned. */
export function timelineSources(s: TimelineScope): SQL {
  const customer = sql`tenant_id = ${s.tenantId} and customer_id = ${s.customerId}`;
  const contractDay = (column: SQL) => sql`(${column}::timestamp at time zone ${s.timeZone})`;
  return sql`
    select 'interaction'::text as kind, interaction_date as occurred_at, id, id as ref_id,
      jsonb_build_object('interaction_type', interaction_type, 'subject', subject,
        'description', description, 'sentiment', sentiment, 'performed_by', performed_by,
        'deployment_id', deployment_id, 'follow_up_required', follow_up_required,
        'follow_up_date', follow_up_date) as data
    from customer_interactions where ${customer}
    union all
    select 'csat_response', submitted_at, id, id,
      jsonb_build_object('survey_type', survey_type, 'score', score, 'feedback_text', feedback_text,
        'submitted_by_name', submitted_by_name, 'deployment_id', deployment_id,
        'ticket_reference', ticket_reference)
    from csat_responses where ${customer}
    union all
    select 'alert', a.created_at, a.id, a.id,
      jsonb_build_object('type', a.type, 'severity', a.severity, 'status', a.status,
        'title', a.title, 'description', a.description, 'source', a.source)
    from alerts a where a.tenant_id = ${s.tenantId} and a.customer_id = ${s.customerId}
      and ${alertVisible(s.principal)}
    union all
    select 'health_score', calculated_at, id, id,
      jsonb_build_object('overall_score', overall_score, 'adoption_score', adoption_score,
        'support_score', support_score, 'engagement_score', engagement_score,
        'financial_score', financial_score, 'risk_level', risk_level, 'trend', trend)
    from health_scores where ${customer} and deployment_id is null
    union all
    select 'deployment_created', created_at, id, id, ${deploymentFacts()}
    from deployments where ${customer}
    union all
    select 'deployment_deactivated', updated_at, id, id, ${deploymentFacts()}
    from deployments where ${customer} and not is_active
    union all
    select 'contract_start', ${contractDay(sql`contract_start`)}, id, id, ${contractFacts()}
    from customers where tenant_id = ${s.tenantId} and id = ${s.customerId}
      and contract_start <= ${s.today}::date
    union all
    select 'contract_end', ${contractDay(sql`contract_end`)}, id, id, ${contractFacts()}
    from customers where tenant_id = ${s.tenantId} and id = ${s.customerId}
      and contract_end <= ${s.today}::date`;
}

const deploymentFacts = () =>
  sql`jsonb_build_object('product_name', product_name, 'version', version, 'environment', environment,
    'deployment_date', deployment_date, 'licence_type', licence_type, 'licence_expiry', licence_expiry)`;

const contractFacts = () =>
  sql`jsonb_build_object('contract_start', contract_start, 'contract_end', contract_end,
    'contract_value', contract_value::text, 'currency', currency)`;

export interface TimelineKey {
  at: string;
  kind: string;
  id: string;
}

/** One page of the timeline after `after` (exclusive), `limit + 1` rows so the caller sees if more follow. */
export function timelinePage(
  s: TimelineScope,
  options: { after?: TimelineKey; kind?: string; limit: number },
): SQL {
  const conditions = [
    options.kind ? sql`e.kind = ${options.kind}` : undefined,
    options.after
      ? sql`(e.occurred_at, e.kind, e.id) < (${options.after.at}::timestamptz, ${options.after.kind}, ${options.after.id}::uuid)`
      : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const where = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  return sql`select e.kind, e.id, e.ref_id as "refId", e.data,
      to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "key"
    from (${timelineSources(s)}) e ${where}
    order by e.occurred_at desc, e.kind desc, e.id desc
    limit ${options.limit + 1}`;
}
