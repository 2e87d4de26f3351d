import { and, eq, isNull, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError } from '../../../platform/http/errors.js';
import type { TokenService } from '../../../platform/http/tokens.js';
import type { AuditSource } from '../../../platform/resource/index.js';
import { tenantFacts, writeAudit } from '../../identity/index.js';
import { csatResponses, csatSurveyLinks } from '../tables/csat.tables.js';
import type { PublicSubmitBody, PublicSurveyInfo } from './csat.schemas.js';
import { questionOf } from './figures.js';
import { raiseLowScoreAlert, type AlertDeps } from './low-score-alert.js';
import { checkScore } from './responses.js';
import { readSurveyToken } from './survey-token.js';

type LinkRow = typeof csatSurveyLinks.$inferSelect;

/**
 * One answer for every link that is not a live link of a live tenant — forged, altered, malformed,
 * unknown, another tenant's, a suspended tenant's — so the answer tells a guesser nothing.
 */
export const linkNotFound = () =>
  new AppError(404, 'SURVEY_LINK_NOT_FOUND', 'This survey link is not valid.');
export const linkUsed = () =>
  new AppError(410, 'SURVEY_LINK_USED', 'This survey has already been answered. Thank you.');
export const linkExpired = () => new AppError(410, 'SURVEY_LINK_EXPIRED', 'This survey link has expired.');

export interface OpenLink {
  tenantName: string;
  link: LinkRow;
}

export function createPublicSurveyService(
  deps: AlertDeps & { db: TenantDatabase; tokens: Pick<TokenService, 'verifyLink'> },
) {
  /**
   * The link a token names, read in the tenant the token names (its transaction, row-level
   * security bound to it: no owner access). Used links answer 410 before expired ones: "already
   * answered" is the truer answer for a link that is both.
   */
  async function openLink(tx: Tx, tenantId: string, linkId: string, expiresAt: Date): Promise<OpenLink> {
    const tenant = await tenantFacts(tx, tenantId);
    if (!tenant?.active) throw linkNotFound();
    const [link] = await tx.db
      .select()
      .from(csatSurveyLinks)
      .where(and(eq(csatSurveyLinks.tenantId, tenantId), eq(csatSurveyLinks.id, linkId)));
    if (!link || link.expiresAt.getTime() !== expiresAt.getTime()) throw linkNotFound();
    if (link.usedAt) throw linkUsed();
    if (link.expiresAt.getTime() <= Date.now()) throw linkExpired();
    return { tenantName: tenant.name, link };
  }

  /** Runs `fn` in the token's tenant with its open link; 404/410 as `openLink` says. */
  function withLink<T>(token: string, fn: (tx: Tx, open: OpenLink) => Promise<T>): Promise<T> {
    const claims = readSurveyToken(deps.tokens, token);
    if (!claims) return Promise.reject(linkNotFound());
    return deps.db.withTenant({ tenantId: claims.tenantId }, async (tx) =>
      fn(tx, await openLink(tx, claims.tenantId, claims.linkId, claims.expiresAt)),
    );
  }

  /**
   * Claims the link for this answer: only one transaction can turn `used_at` from null, so of two
   * concurrent submits one stores its response and the other answers 410 (on PostgreSQL it waits
   * for the first to commit, then finds the link used; PGlite runs them one after the other).
   */
  async function claim(tx: Tx, link: LinkRow): Promise<void> {
    const claimed = await tx.db
      .update(csatSurveyLinks)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(csatSurveyLinks.tenantId, link.tenantId),
          eq(csatSurveyLinks.id, link.id),
          isNull(csatSurveyLinks.usedAt),
          sql`${csatSurveyLinks.expiresAt} > now()`,
        ),
      )
      .returning({ id: csatSurveyLinks.id });
    if (!claimed.length) throw link.expiresAt.getTime() <= Date.now() ? linkExpired() : linkUsed();
  }

  return {
    /** The tenant's name, the question and its scale: nothing about the customer or the link. */
    info(token: string): Promise<PublicSurveyInfo> {
      return withLink(token, async (_tx, { tenantName, link }) => ({
        tenant_name: tenantName,
        ...questionOf(link.surveyType),
      }));
    },

    /** Stores the answer and uses the link up, in one transaction; a low score raises the alert. */
    submit(token: string, body: PublicSubmitBody, audit: AuditSource): Promise<void> {
      return withLink(token, async (tx, { link }) => {
        checkScore(link.surveyType, body.score, '/body/score');
        await claim(tx, link);
        const [row] = await tx.db
          .insert(csatResponses)
          .values({
            tenantId: link.tenantId,
            customerId: link.customerId,
            deploymentId: link.deploymentId,
            surveyType: link.surveyType,
            score: body.score,
            feedbackText: body.feedback_text || null,
            submittedByName: body.submitted_by_name || link.recipientName,
            submittedByEmail: body.submitted_by_email || link.recipientEmail,
            ticketReference: link.ticketReference,
            linkId: link.id,
          })
          .returning();
        const response = row!;
        await writeAudit(tx, audit, {
          tenantId: link.tenantId,
          action: 'csat_response.submit',
          entityType: 'csat_response',
          entityId: response.id,
          changes: {
            after: {
              link_id: link.id,
              customer_id: link.customerId,
              survey_type: link.surveyType,
              score: body.score,
            },
          },
        });
        const [customer] = await selectRows<{ name: string; ownerId: string | null }>(
          tx,
          sql`select name, owner_id as "ownerId" from customers
            where tenant_id = ${link.tenantId} and id = ${link.customerId}`,
        );
        await raiseLowScoreAlert(deps, tx, link.tenantId, {
          customerId: link.customerId,
          customerName: customer?.name ?? '',
          ownerId: customer?.ownerId ?? null,
          surveyType: response.surveyType,
          score: response.score,
          feedbackText: response.feedbackText,
        });
      });
    },
  };
}

export type PublicSurveyService = ReturnType<typeof createPublicSurveyService>;
