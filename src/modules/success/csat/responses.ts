import { and, eq, sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { defineResource } from '../../../platform/resource/index.js';
import { customerInScope, customerScope } from '../scope.js';
import { csatResponses, type SurveyType } from '../tables/csat.tables.js';
import { deployments } from '../tables/deployments.tables.js';
import type { CsatResponse } from './csat.schemas.js';
import { scoreRange, surveyInWords, type Tally } from './figures.js';

export type ResponseRow = typeof csatResponses.$inferSelect;

/** Responses are visible when their customer is (its account manager in the caller's scope). */
export const responseResource = defineResource({
  table: csatResponses,
  name: 'CSAT response',
  tenantId: csatResponses.tenantId,
  id: csatResponses.id,
  scope: (ctx) => customerScope(ctx.principal, csatResponses.customerId),
  sorts: {
    submitted_at: csatResponses.submittedAt,
    score: csatResponses.score,
    created_at: csatResponses.createdAt,
  },
});

/** The customer's name beside each response (one object: it keys the prepared by-id read). */
export const WITH_CUSTOMER_NAME = {
  customerName: sql<string>`(select c.name from customers c
    where c.tenant_id = ${csatResponses.tenantId} and c.id = ${csatResponses.customerId})`,
};

export function toResponseJson(row: ResponseRow & { customerName: string }): CsatResponse {
  return {
    id: row.id,
    customer_id: row.customerId,
    customer_name: row.customerName,
    deployment_id: row.deploymentId,
    survey_type: row.surveyType,
    score: row.score,
    feedback_text: row.feedbackText,
    submitted_by_name: row.submittedByName,
    submitted_by_email: row.submittedByEmail,
    submitted_by_user: row.submittedByUser,
    ticket_reference: row.ticketReference,
    link_id: row.linkId,
    submitted_at: row.submittedAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}

/** 422 at `pointer` unless the score is on the survey type's scale. */
export function checkScore(type: SurveyType, score: number, pointer: string): void {
  const { min, max } = scoreRange(type);
  if (score < min || score > max)
    throw validationFailed([
      { path: pointer, message: `must be between ${min} and ${max} for ${surveyInWords[type]}` },
    ]);
}

/**
 * The customer a body names: the tenant's and in the caller's scope, else 422 at the field (a
 * reference in a body, as a foreign key violation would answer).
 */
export async function referencedCustomer(tx: Tx, principal: Principal, customerId: string, pointer: string) {
  try {
    return await customerInScope(tx, principal, customerId);
  } catch (error) {
    if (error instanceof AppError && error.status === 404)
      throw validationFailed([{ path: pointer, message: 'no such customer' }]);
    throw error;
  }
}

/** 422 at `pointer` unless the deployment exists in the tenant and belongs to the customer. */
export async function checkDeployment(
  tx: Tx,
  tenantId: string,
  customerId: string,
  deploymentId: string,
  pointer: string,
): Promise<void> {
  const [row] = await tx.db
    .select({ customerId: deployments.customerId })
    .from(deployments)
    .where(and(eq(deployments.tenantId, tenantId), eq(deployments.id, deploymentId)));
  if (!row) throw validationFailed([{ path: pointer, message: 'no such deployment' }]);
  if (row.customerId !== customerId)
    throw validationFailed([{ path: pointer, message: 'is a deployment of another customer' }]);
}

/** Day `day` (YYYY-MM-DD) starting in the zone, as a timestamptz. */
export const dayStart = (day: string, timeZone: string): SQL =>
  sql`(${day}::date)::timestamp at time zone ${timeZone}`;
/** The moment after day `day` ends in the zone. */
export const dayEnd = (day: string, timeZone: string): SQL =>
  sql`(${day}::date + 1)::timestamp at time zone ${timeZone}`;

/**
 * Tallies (count, score sum, 9–10s, 0–6s) of the responses matching `where`, per survey type and,
 * with `group` (an expression over `csat_responses`), per its value too. Grouped by position: the
 * same expression with parameters would not match itself in GROUP BY.
 */
export async function tallies(
  tx: Tx,
  where: SQL,
  group?: SQL<string>,
): Promise<(Tally & { group: string })[]> {
  const r = csatResponses;
  return selectRows<Tally & { group: string }>(
    tx,
    sql`select ${r.surveyType} as "surveyType", ${group ?? sql`''`} as "group", count(*)::int as n,
        coalesce(sum(${r.score}), 0)::int as sum,
        (count(*) filter (where ${r.score} >= 9))::int as high,
        (count(*) filter (where ${r.score} <= 6))::int as low
      from ${r} where ${where} group by 1, 2`,
  );
}
