import { and, arrayContains, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { AppDb } from '../db/types.js';
import { currentTenantId } from '../db/tenant-table.js';
import { mailOutbox, type MailAttachment, type MailOutboxRow, type MailStatus } from './outbox.tables.js';

export interface NewOutboxMail {
  /** A tenant id, null for system mail, or undefined for the tenant of the transaction (if any). */
  tenantId: string | null | undefined;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  template: string | null;
  status: Extract<MailStatus, 'queued' | 'logged'>;
  attachments?: MailAttachment[] | null;
}

export async function insertOutboxMail(db: AppDb, mail: NewOutboxMail): Promise<MailOutboxRow> {
  const [row] = await db
    .insert(mailOutbox)
    .values({ ...mail, tenantId: mail.tenantId === undefined ? currentTenantId : mail.tenantId })
    .returning();
  return row!;
}

export async function findOutboxMail(db: AppDb, id: string): Promise<MailOutboxRow | undefined> {
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return row;
}

export interface OutboxFilter {
  /** A tenant's mail, or `null` for system mail; all visible rows when omitted. */
  tenantId?: string | null;
  /** Messages with this address among the recipients (exact match). */
  to?: string;
  template?: string;
  status?: MailStatus;
  /** Newest first; 50 unless given (at most 500). */
  limit?: number;
}

export async function listOutboxMail(db: AppDb, filter: OutboxFilter): Promise<MailOutboxRow[]> {
  const conditions: SQL[] = [];
  if (filter.tenantId === null) conditions.push(isNull(mailOutbox.tenantId));
  else if (filter.tenantId !== undefined) conditions.push(eq(mailOutbox.tenantId, filter.tenantId));
  if (filter.to !== undefined) conditions.push(arrayContains(mailOutbox.to, [filter.to]));
  if (filter.template !== undefined) conditions.push(eq(mailOutbox.template, filter.template));
  if (filter.status !== undefined) conditions.push(eq(mailOutbox.status, filter.status));
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
  return db
    .select()
    .from(mailOutbox)
    .where(and(...conditions))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit);
}

/** Records a successful delivery; only a queued row changes (a duplicate job run changes nothing). */
export async function markOutboxSent(db: AppDb, id: string, messageId: string | null): Promise<boolean> {
  const rows = await db
    .update(mailOutbox)
    .set({
      status: 'sent',
      attempts: sql`${mailOutbox.attempts} + 1`,
      messageId,
      sentAt: sql`now()`,
    })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')))
    .returning({ id: mailOutbox.id });
  return rows.length > 0;
}

/** Records a failed delivery attempt; `final` gives the message up (status `failed`). */
export async function markOutboxAttemptFailed(
  db: AppDb,
  id: string,
  error: string,
  final: boolean,
): Promise<MailOutboxRow | undefined> {
  const [row] = await db
    .update(mailOutbox)
    .set({
      status: final ? 'failed' : 'queued',
      attempts: sql`${mailOutbox.attempts} + 1`,
      lastError: error,
    })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')))
    .returning();
  return row;
}
