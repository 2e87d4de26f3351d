import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { customerInScope } from '../scope.js';
import { csatResponses } from '../tables/csat.tables.js';
import type { CreateCsatBody, CsatListQuery, CsatResponse, CsatSummary } from './csat.schemas.js';
import { figuresOf } from './figures.js';
import { raiseLowScoreAlert, type AlertDeps } from './low-score-alert.js';
import {
  checkDeployment,
  checkScore,
  dayEnd,
  dayStart,
  referencedCustomer,
  responseResource,
  tallies,
  toResponseJson,
  WITH_CUSTOMER_NAME,
} from './responses.js';

/** How far ahead of the server's clock a recorded answer may be dated (clock skew). */
const FUTURE_SKEW_MS = 5 * 60_000;
const LATEST_IN_SUMMARY = 5;

type Deps = AlertDeps & { db: TenantDatabase };

/** Periods are the tenant's calendar days. */
export async function timeZoneOf(tx: Tx, tenantId: string): Promise<string> {
  return (await tenantSettingsOf(tx, tenantId)).time_zone;
}

function checkRanges(query: CsatListQuery): void {
  if (query.min_score !== undefined && query.max_score !== undefined && query.min_score > query.max_score)
    throw validationFailed([{ path: '/query/min_score', message: 'must not be above max_score' }]);
  if (query.from && query.to && query.from > query.to)
    throw validationFailed([{ path: '/query/from', message: 'must not be after to' }]);
}

export function createCsatService(deps: Deps) {
  const tenantTx = tenantTxOf(deps);

  return {
    list(ctx: CallContext, query: CsatListQuery) {
      checkRanges(query);
      const r = csatResponses;
      return tenantTx(ctx, async (tx) => {
        const timeZone = query.from || query.to ? await timeZoneOf(tx, ctx.tenantId) : 'UTC';
        const page = await responseResource.list<{ customerName: string }>(tx, ctx, query, {
          fields: WITH_CUSTOMER_NAME,
          where: [
            query.customer_id ? eq(r.customerId, query.customer_id) : undefined,
            query.survey_type ? eq(r.surveyType, query.survey_type) : undefined,
            query.deployment_id ? eq(r.deploymentId, query.deployment_id) : undefined,
            query.min_score !== undefined ? gte(r.score, query.min_score) : undefined,
            query.max_score !== undefined ? lte(r.score, query.max_score) : undefined,
            query.from ? sql`${r.submittedAt} >= ${dayStart(query.from, timeZone)}` : undefined,
            query.to ? sql`${r.submittedAt} < ${dayEnd(query.to, timeZone)}` : undefined,
          ],
        });
        return envelope('responses', page, toResponseJson);
      });
    },

    get(ctx: CallContext, id: string): Promise<CsatResponse> {
      return tenantTx(ctx, async (tx) =>
        toResponseJson(
          await responseResource.read<{ customerName: string }>(tx, ctx, id, WITH_CUSTOMER_NAME),
        ),
      );
    },

    /** A response recorded by a user on the customer's behalf; a low one raises the alert at once. */
    create(ctx: CallContext, body: CreateCsatBody): Promise<CsatResponse> {
      checkScore(body.survey_type, body.score, '/body/score');
      const submittedAt = body.submitted_at ? new Date(body.submitted_at) : undefined;
      if (submittedAt && submittedAt.getTime() > Date.now() + FUTURE_SKEW_MS)
        throw validationFailed([{ path: '/body/submitted_at', message: 'must not be in the future' }]);
      return tenantTx(ctx, async (tx) => {
        const customer = await referencedCustomer(tx, ctx.principal, body.customer_id, '/body/customer_id');
        if (body.deployment_id)
          await checkDeployment(tx, ctx.tenantId, customer.id, body.deployment_id, '/body/deployment_id');
        const [row] = await tx.db
          .insert(csatResponses)
          .values({
            tenantId: ctx.tenantId,
            customerId: customer.id,
            deploymentId: body.deployment_id ?? null,
            surveyType: body.survey_type,
            score: body.score,
            feedbackText: body.feedback_text ?? null,
            submittedByName: body.submitted_by_name ?? null,
            submittedByEmail: body.submitted_by_email ?? null,
            submittedByUser: ctx.principal.userId,
            ticketReference: body.ticket_reference ?? null,
            ...(submittedAt ? { submittedAt } : {}),
          })
          .returning();
        const json = toResponseJson({ ...row!, customerName: customer.name });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'csat_response.create',
          entityType: 'csat_response',
          entityId: json.id,
          changes: { after: json },
        });
        await raiseLowScoreAlert(deps, tx, ctx.tenantId, {
          customerId: customer.id,
          customerName: customer.name,
          ownerId: customer.ownerId,
          surveyType: row!.surveyType,
          score: row!.score,
          feedbackText: row!.feedbackText,
        });
        return json;
      });
    },

    /** One customer's responses of all time: counts, CSAT average, NPS, by type, the newest five. */
    summary(ctx: CallContext, customerId: string): Promise<CsatSummary> {
      const r = csatResponses;
      return tenantTx(ctx, async (tx) => {
        const customer = await customerInScope(tx, ctx.principal, customerId);
        const ofCustomer = and(eq(r.tenantId, ctx.tenantId), eq(r.customerId, customer.id))!;
        const counts = await tallies(tx, ofCustomer);
        const latest = await tx.db
          .select()
          .from(r)
          .where(ofCustomer)
          .orderBy(sql`${r.submittedAt} desc`, sql`${r.id} desc`)
          .limit(LATEST_IN_SUMMARY);
        return {
          customer_id: customer.id,
          customer_name: customer.name,
          ...figuresOf(counts),
          last_response_at: latest[0]?.submittedAt.toISOString() ?? null,
          latest: latest.map((row) => toResponseJson({ ...row, customerName: customer.name })),
        };
      });
    },
  };
}
