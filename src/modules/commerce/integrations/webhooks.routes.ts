import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../platform/http/errors.js';
import { failureLimit } from '../../../platform/http/route-limits.js';
import { WebhookAccepted, WebhookBody, WebhookParams, WebhookQuery } from './integrations.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

/**
 * Failed deliveries (unknown integration, wrong token or account) one client address may make to
 * one integration's URL per minute. Keyed by integration too: MoySklad delivers every account's
 * webhooks from the same addresses, so a stale URL of one tenant must not block the others.
 */
export const WEBHOOK_FAILURE_LIMIT = { max: 20, windowMs: 60_000 } as const;

export function webhookRoutes(app: FastifyInstance, service: WebhooksService): void {
  const failures = failureLimit(app.limitCounter, {
    name: 'commerce-webhook.failures',
    ...WEBHOOK_FAILURE_LIMIT,
    key: (r) => `${r.ip} ${(r.params as WebhookParams).integration_id}`,
  });
  app.post<{ Params: WebhookParams; Querystring: WebhookQuery }>(
    '/webhooks/moysklad/:integration_id/:token',
    {
      config: { public: true },
      preHandler: failures.check,
      schema: {
        summary: 'Receive a MoySklad webhook (public; the URL is the secret)',
        description:
          'The address `webhook_url` of an integration names. MoySklad signs nothing, so the path carries a secret ' +
          "token (compared in constant time) and every event must name the integration's MoySklad account: an unknown " +
          'integration, a wrong token or another account all answer 404 and store nothing. A body that is not a ' +
          'MoySklad notification is 422 `MALFORMED_WEBHOOK`. The delivery is stored and its processing queued ' +
          '(job `commerce.webhook`) before the answer; a repeated `requestId` answers 200 with `duplicate: true` ' +
          `and is not processed again. More than ${WEBHOOK_FAILURE_LIMIT.max} failed deliveries a minute from one ` +
          'address to one integration: 429.',
        tags: ['integrations'],
        params: WebhookParams,
        querystring: WebhookQuery,
        body: WebhookBody,
        response: { 200: WebhookAccepted },
      },
    },
    async (request) => {
      try {
        const { duplicate } = await service.receive({
          provider: 'moysklad',
          integrationId: request.params.integration_id,
          token: request.params.token,
          requestId: request.query.requestId,
          body: request.body,
        });
        return { received: true, duplicate };
      } catch (error) {
        if (error instanceof AppError && error.status === 404) await failures.record(request);
        throw error;
      }
    },
  );
}
