import { and, eq, gte, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { defineResource, iso, likeEscape, type PageQuery } from '../../../platform/resource/index.js';
import { userFacts } from '../../identity/index.js';
import { localDate } from '../../notify/index.js';
import { customerScope } from '../scope.js';
import { deployments } from '../tables/deployments.tables.js';
import { customerInteractions } from '../tables/interactions.tables.js';
import { customerNameOf } from './common.js';
import type {
  CreateInteractionBody,
  Interaction,
  InteractionListQuery,
  UpdateInteractionBody,
} from './interactions.schemas.js';

/*
 * What the interaction routes share: the resource (scoped by the customer's account manager), the
 * JSON mapping, the list filters and the rules a write must keep.
 */

export type InteractionRow = typeof customerInteractions.$inferSelect;
export type NamedInteraction = InteractionRow & { customerName: string };
type Values = Partial<typeof customerInteractions.$inferInsert>;

/** Selected with every interaction: its customer's name, in the same statement. */
export const INTERACTION_FIELDS = {
  customerName: customerNameOf(customerInteractions.tenantId, customerInteractions.customerId),
};

export const interactionResource = defineResource({
  table: customerInteractions,
  name: 'Interaction',
  tenantId: customerInteractions.tenantId,
  id: customerInteractions.id,
  scope: (ctx) => customerScope(ctx.principal, customerInteractions.customerId),
  sorts: {
    interaction_date: customerInteractions.interactionDate,
    created_at: customerInteractions.createdAt,
    follow_up_date: customerInteractions.followUpDate,
  },
});

export function toInteractionJson(row: NamedInteraction): Interaction {
  return {
    id: row.id,
    customer_id: row.customerId,
    customer_name: row.customerName,
    deployment_id: row.deploymentId,
    interaction_type: row.interactionType,
    subject: row.subject,
    description: row.description,
    sentiment: row.sentiment,
    performed_by: row.performedBy,
    interaction_date: row.interactionDate.toISOString(),
    follow_up_required: row.followUpRequired,
    follow_up_date: row.followUpDate,
    follow_up_completed_at: iso(row.followUpCompletedAt),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The start of a tenant-local calendar day as a timestamp. */
export const localDayStart = (day: string, timeZone: string): SQL =>
  sql`(${day}::date::timestamp at time zone ${timeZone})`;

export type InteractionFilters = Omit<InteractionListQuery, keyof PageQuery>;

/** The filters of the interaction lists; days are the tenant's (`timeZone`). */
export function interactionConditions(query: Partial<InteractionFilters>, timeZone: string) {
  const t = customerInteractions;
  const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
  return [
    pattern ? or(ilike(t.subject, pattern), ilike(t.description, pattern)) : undefined,
    query.customer_id ? eq(t.customerId, query.customer_id) : undefined,
    query.deployment_id ? eq(t.deploymentId, query.deployment_id) : undefined,
    query.interaction_type ? eq(t.interactionType, query.interaction_type) : undefined,
    query.sentiment ? eq(t.sentiment, query.sentiment) : undefined,
    query.performed_by ? eq(t.performedBy, query.performed_by) : undefined,
    query.follow_up_required !== undefined ? eq(t.followUpRequired, query.follow_up_required) : undefined,
    query.date_from ? gte(t.interactionDate, localDayStart(query.date_from, timeZone)) : undefined,
    query.date_to
      ? sql`${t.interactionDate} < ${localDayStart(query.date_to, timeZone)} + interval '1 day'`
      : undefined,
  ];
}

type Body = Partial<CreateInteractionBody> & UpdateInteractionBody;

/** Interactions more than this far ahead are a client's clock or a typo, not a plan. */
const MAX_AHEAD_MS = 86_400_000;

/**
 * The columns a create or update writes, checked against the record as it will be: the performer
 * is a user of the tenant, the deployment one of the customer's, the date at most a day ahead, and
 * the follow-up consistent — a date alone makes it required, a date with `follow_up_required: false`
 * is refused, no longer requiring one clears its date and completion, and its date is not before
 * the interaction's day. Every broken rule is reported in one 422.
 */
export async function checkedValues(
  tx: Tx,
  context: { tenantId: string; customerId: string; timeZone: string; now: Date },
  body: Body,
  before?: InteractionRow,
): Promise<Values> {
  const errors: FieldError[] = [];
  const v: Values = {};
  if (body.interaction_type !== undefined) v.interactionType = body.interaction_type;
  if (body.subject !== undefined) v.subject = body.subject.trim();
  if (body.description !== undefined) v.description = body.description;
  if (body.sentiment !== undefined) v.sentiment = body.sentiment;
  if (body.interaction_date !== undefined) {
    v.interactionDate = new Date(body.interaction_date);
    if (v.interactionDate.getTime() > context.now.getTime() + MAX_AHEAD_MS)
      errors.push({ path: '/body/interaction_date', message: 'must not be more than a day ahead' });
  }
  if (body.performed_by !== undefined) {
    v.performedBy = body.performed_by;
    if (!(await userFacts(tx, context.tenantId, [body.performed_by])).has(body.performed_by))
      errors.push({ path: '/body/performed_by', message: 'no such user' });
  }
  if (body.deployment_id !== undefined) {
    v.deploymentId = body.deployment_id;
    if (body.deployment_id && !(await isCustomersDeployment(tx, context, body.deployment_id)))
      errors.push({ path: '/body/deployment_id', message: 'no such deployment of this customer' });
  }
  errors.push(...followUp(v, body, before, context));
  if (errors.length) throw validationFailed(errors);
  return v;
}

function followUp(
  v: Values,
  body: Body,
  before: InteractionRow | undefined,
  context: { timeZone: string; now: Date },
): FieldError[] {
  const errors: FieldError[] = [];
  if (body.follow_up_date && body.follow_up_required === false)
    errors.push({ path: '/body/follow_up_date', message: 'needs follow_up_required' });
  const required =
    body.follow_up_required ?? (body.follow_up_date ? true : (before?.followUpRequired ?? false));
  v.followUpRequired = required;
  const date = !required
    ? null
    : body.follow_up_date !== undefined
      ? body.follow_up_date
      : (before?.followUpDate ?? null);
  v.followUpDate = date;
  const interactionDay = localDate(
    v.interactionDate ?? before?.interactionDate ?? context.now,
    context.timeZone,
  );
  if (date && date < interactionDay)
    errors.push({
      path: '/body/follow_up_date',
      message: `must not be before the interaction's day (${interactionDay})`,
    });
  if (body.follow_up_completed && !required)
    errors.push({ path: '/body/follow_up_completed', message: 'no follow-up is required' });
  v.followUpCompletedAt = !required
    ? null
    : body.follow_up_completed === undefined
      ? (before?.followUpCompletedAt ?? null)
      : body.follow_up_completed
        ? (before?.followUpCompletedAt ?? context.now)
        : null;
  return errors;
}

async function isCustomersDeployment(tx: Tx, context: { tenantId: string; customerId: string }, id: string) {
  const [row] = await tx.db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      and(
        eq(deployments.tenantId, context.tenantId),
        eq(deployments.id, id),
        eq(deployments.customerId, context.customerId),
      ),
    );
  return row !== undefined;
}
