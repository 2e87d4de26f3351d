import { defineJob } from '../../../platform/jobs/index.js';

/** What a stored webhook delivery hands to its processing job. */
export interface WebhookJobData {
  tenantId: string;
  receiptId: string;
}

/**
 * Processes one stored `webhook_receipts` row. The receiver only enqueues it (in the transaction
 * that stores the receipt); the sync engine registers the handler.
 */
export const webhookReceivedJob = defineJob<WebhookJobData>('commerce.webhook');
