import { createHash, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { SystemAccess } from '../../../platform/db/system.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { AppError } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/index.js';
import { integrations, webhookReceipts } from '../tables/integrations.tables.js';
import { webhookTokenOf } from './connection.js';
import { ProviderError, type WebhookEvent } from './provider.js';
import { providerNamed } from './providers.js';
import { webhookReceivedJob } from './webhook-job.js';

/** One answer for an unknown integration, a wrong token and a foreign account: it tells a guesser nothing. */
export const webhookNotFound = () => new AppError(404, 'NOT_FOUND', 'Webhook endpoint not found.');

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares two tokens in time independent of where they differ (digests have equal length). */
export const sameToken = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export interface WebhookDelivery {
  provider: string;
  integrationId: string;
  token: string;
  requestId: string;
  body: unknown;
}

export function createWebhooksService(deps: {
  db: TenantDatabase;
  system: SystemAccess;
  jobs: Pick<JobQueue, 'send'>;
}) {
  /** The integration a webhook URL names, before its tenant is known: one query by id. */
  async function integrationOf(id: string) {
    const [row] = await deps.system.beforeTenantKnown('commerce.webhook-integration', (tx) =>
      tx.db
        .select({
          tenantId: integrations.tenantId,
          id: integrations.id,
          provider: integrations.provider,
          accountId: integrations.accountId,
          webhookTokenCipher: integrations.webhookTokenCipher,
          credentialsKeyId: integrations.credentialsKeyId,
        })
        .from(integrations)
        .where(eq(integrations.id, id))
        .limit(1),
    );
    return row;
  }

  function tokenMatches(row: Parameters<typeof webhookTokenOf>[0], token: string): boolean {
    try {
      return sameToken(webhookTokenOf(row), token);
    } catch {
      return false; // sealed with a key no longer configured: no token can match
    }
  }

  function parse(provider: string, body: unknown): WebhookEvent[] {
    try {
      return providerNamed(provider, '/params/provider').parseWebhook(body);
    } catch (error) {
      if (error instanceof ProviderError) throw new AppError(422, 'MALFORMED_WEBHOOK', error.message);
      throw error;
    }
  }

  return {
    /**
     * Checks a delivery (integration, token, account), stores it once per requestId and enqueues
     * its processing in the same transaction. Returns whether it was a repeat. Nothing is stored
     * for a delivery that fails a check.
     */
    async receive(delivery: WebhookDelivery): Promise<{ duplicate: boolean }> {
      const row = await integrationOf(delivery.integrationId);
      if (!row || row.provider !== delivery.provider || !tokenMatches(row, delivery.token))
        throw webhookNotFound();
      const events = parse(row.provider, delivery.body);
      // Only entities no sync covers (or task notifications): acknowledged, nothing to process.
      if (!events.length) return { duplicate: false };
      if (row.accountId && events.some((e) => e.accountId !== row.accountId)) throw webhookNotFound();
      return deps.db.withTenant({ tenantId: row.tenantId }, async (tx) => {
        const [stored] = await tx.db
          .insert(webhookReceipts)
          .values({ tenantId: row.tenantId, integrationId: row.id, requestId: delivery.requestId, events })
          .onConflictDoNothing({
            target: [webhookReceipts.tenantId, webhookReceipts.integrationId, webhookReceipts.requestId],
          })
          .returning({ id: webhookReceipts.id });
        if (!stored) return { duplicate: true };
        await deps.jobs.send(webhookReceivedJob, { tenantId: row.tenantId, receiptId: stored.id }, { tx });
        return { duplicate: false };
      });
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
