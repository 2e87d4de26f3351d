import type { TenantDatabase } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { API_PREFIX } from '../../../platform/http/openapi.js';
import type { TokenService } from '../../../platform/http/tokens.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { writeAudit } from '../../identity/index.js';
import { csatSurveyLinks } from '../tables/csat.tables.js';
import { MAX_LINK_DAYS, type CreateSurveyLinkBody, type SurveyLink } from './csat.schemas.js';
import { checkDeployment, referencedCustomer } from './responses.js';
import { surveyToken } from './survey-token.js';

const DAY_MS = 86_400_000;
const DEFAULT_LINK_DAYS = 7;

/** The public page a link opens (served by this API under PUBLIC_URL). */
export const SURVEY_PAGE_PATH = '/csat/public/survey';

export const surveyUrl = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}${API_PREFIX}${SURVEY_PAGE_PATH}/${token}`;

/**
 * When the link expires, in whole seconds (the token carries seconds): `expires_in_days` (default
 * 7) from now, or `expires_at`, which must be ahead and within the longest lifetime; not both.
 */
function expiryOf(body: CreateSurveyLinkBody, now: number): Date {
  if (body.expires_at !== undefined && body.expires_in_days !== undefined)
    throw validationFailed([
      { path: '/body/expires_at', message: 'give expires_in_days or expires_at, not both' },
    ]);
  const at =
    body.expires_at !== undefined
      ? Date.parse(body.expires_at)
      : now + (body.expires_in_days ?? DEFAULT_LINK_DAYS) * DAY_MS;
  if (at <= now) throw validationFailed([{ path: '/body/expires_at', message: 'must be in the future' }]);
  if (at > now + MAX_LINK_DAYS * DAY_MS)
    throw validationFailed([
      { path: '/body/expires_at', message: `must be at most ${MAX_LINK_DAYS} days ahead` },
    ]);
  return new Date(Math.floor(at / 1000) * 1000);
}

export function createSurveyLinksService(deps: {
  db: TenantDatabase;
  tokens: Pick<TokenService, 'signLink'>;
  publicUrl: string;
}) {
  const tenantTx = tenantTxOf(deps);

  return {
    /**
     * A single-use link for a customer in the caller's scope. The answer carries the token and the
     * page's URL; only the link's facts are stored (and audited), never the token.
     */
    create(ctx: CallContext, body: CreateSurveyLinkBody): Promise<SurveyLink> {
      const expiresAt = expiryOf(body, Date.now());
      return tenantTx(ctx, async (tx) => {
        const customer = await referencedCustomer(tx, ctx.principal, body.customer_id, '/body/customer_id');
        if (body.deployment_id)
          await checkDeployment(tx, ctx.tenantId, customer.id, body.deployment_id, '/body/deployment_id');
        const [row] = await tx.db
          .insert(csatSurveyLinks)
          .values({
            tenantId: ctx.tenantId,
            customerId: customer.id,
            deploymentId: body.deployment_id ?? null,
            surveyType: body.survey_type,
            recipientName: body.recipient_name ?? null,
            recipientEmail: body.recipient_email ?? null,
            ticketReference: body.ticket_reference ?? null,
            expiresAt,
            createdBy: ctx.principal.userId,
          })
          .returning();
        const link = row!;
        const facts = {
          id: link.id,
          expires_at: link.expiresAt.toISOString(),
          customer_id: link.customerId,
          deployment_id: link.deploymentId,
          survey_type: link.surveyType,
          recipient_name: link.recipientName,
          recipient_email: link.recipientEmail,
          ticket_reference: link.ticketReference,
          created_at: link.createdAt.toISOString(),
        };
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'csat_survey_link.create',
          entityType: 'csat_survey_link',
          entityId: link.id,
          changes: { after: facts },
        });
        const token = surveyToken(deps.tokens, {
          tenantId: ctx.tenantId,
          linkId: link.id,
          expiresAt: link.expiresAt,
        });
        return { ...facts, token, url: surveyUrl(deps.publicUrl, token) };
      });
    },
  };
}
