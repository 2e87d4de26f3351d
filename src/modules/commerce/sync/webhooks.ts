import { and, eq } from 'drizzle-orm';
import type { Platform } from '../../../platform/module.js';
import { loadConnection } from '../integrations/index.js';
import type { SyncRecord, WebhookEvent } from '../integrations/provider.js';
import { webhookReceipts } from '../tables/integrations.tables.js';
import { applyRecords, archiveSynced } from './apply/index.js';
import { failureText } from './failure-text.js';

const isEvent = (value: unknown): value is WebhookEvent =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as WebhookEvent).entity === 'string' &&
  typeof (value as WebhookEvent).externalId === 'string' &&
  typeof (value as WebhookEvent).action === 'string';

/**
 * Processes one stored webhook delivery: CREATE and UPDATE events re-read their row from the ERP
 * (the payload carries only a reference) and apply it as a sync would; DELETE events, and rows the
 * ERP no longer has, delete documents and archive dictionary rows. Everything a receipt changes is
 * written in one transaction with its `processed` mark, so a retry after a crash redoes it whole;
 * applying is idempotent, so a repeat changes nothing. A failure marks the receipt failed with why.
 */
export async function processWebhookReceipt(
  platform: Pick<Platform, 'db'>,
  { tenantId, receiptId }: { tenantId: string; receiptId: string },
): Promise<void> {
  const loaded = await platform.db.withTenant({ tenantId }, async (tx) => {
    const [receipt] = await tx.db
      .select()
      .from(webhookReceipts)
      .where(and(eq(webhookReceipts.tenantId, tenantId), eq(webhookReceipts.id, receiptId)));
    if (!receipt || receipt.status !== 'pending') return undefined;
    return { receipt, ...(await loadConnection(tx, tenantId, receipt.integrationId)) };
  });
  if (!loaded) return;
  const { receipt, provider, conn } = loaded;
  try {
    const events = receipt.events.every(isEvent)
      ? (receipt.events as WebhookEvent[])
      : provider.parseWebhook({ events: receipt.events });
    const fetched: { event: WebhookEvent; record: SyncRecord | null }[] = [];
    for (const event of events)
      fetched.push({
        event,
        record:
          event.action === 'DELETE' ? null : await provider.readOne(conn, event.entity, event.externalId),
      });
    await platform.db.withTenant({ tenantId }, async (tx) => {
      const target = { tx, tenantId, integrationId: receipt.integrationId, provider: provider.name };
      for (const { event, record } of fetched) {
        if (record) await applyRecords(target, [record]);
        else await archiveSynced(target, event.entity, [event.externalId]);
      }
      await markReceipt(tx, tenantId, receiptId, 'processed', null);
    });
  } catch (error) {
    const { text, unexpected } = failureText(error, `webhook receipt ${receiptId}`);
    await platform.db.withTenant({ tenantId }, (tx) => markReceipt(tx, tenantId, receiptId, 'failed', text));
    // A defect goes on to the job queue, which logs it with its stack; the retry finds the receipt
    // no longer pending and stops there.
    if (unexpected) throw error;
  }
}

async function markReceipt(
  tx: Parameters<Parameters<Platform['db']['withTenant']>[1]>[0],
  tenantId: string,
  id: string,
  status: 'processed' | 'failed',
  error: string | null,
) {
  await tx.db
    .update(webhookReceipts)
    .set({ status, error: error?.slice(0, 2_000) ?? null, processedAt: new Date() })
    .where(and(eq(webhookReceipts.tenantId, tenantId), eq(webhookReceipts.id, id)));
}
