import { lazy } from '../../lib/lazy.js';
import type { Database } from '../db/types.js';
import type { FileStorage } from '../storage/types.js';
import { defineJob, type JobQueue, type JobRunInfo } from '../jobs/types.js';
import type { MailAttachment } from './outbox.tables.js';
import { findOutboxMail, markOutboxAttemptFailed, markOutboxSent } from './outbox.repository.js';
import type { MailLog } from './types.js';

/** Delivers one queued outbox row over SMTP. */
export const deliverMailJob = defineJob<{ id: string }>('mail.deliver');

/** Retries after the first failed attempt (6 attempts in all), with exponential backoff. */
export const MAIL_RETRY_LIMIT = 5;
export const MAIL_RETRY_DELAY_SECONDS = 30;

export interface MailDeliveryDeps {
  db: Database;
  /** Where attachments are read from (mail without attachments needs none). */
  storage?: Pick<FileStorage, 'get'>;
  config: { smtpUrl?: string; mailFrom: string };
  log: MailLog;
}

export interface MailDeliveryOptions {
  retryLimit?: number;
  retryDelaySeconds?: number;
}

type DeliverHandler = (data: { id: string }, info: JobRunInfo) => Promise<void>;

const ERROR_LIMIT = 2000;

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/**
 * A rejection that sending again cannot fix: the server refused the recipients or the message with a
 * 5xx reply. Connection, timeout, authentication and 4xx errors are worth retrying.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  return (
    (code === 'EENVELOPE' || code === 'EMESSAGE') &&
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600
  );
}

/** `<id@domain-of-sender>`: stable across retries, so receivers can drop a duplicate delivery. */
function messageIdFor(id: string, mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'salesops.local';
  return `<${id}@${domain}>`;
}

/** The attachments as nodemailer reads them: streams opened from the file storage. */
async function attachmentsOf(list: MailAttachment[] | null, storage: MailDeliveryDeps['storage']) {
  if (!list?.length) return [];
  if (!storage) throw new Error('mail.deliver needs the file storage to send attachments');
  return Promise.all(
    list.map(async (a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: await storage.get(a.storageKey),
    })),
  );
}

/**
 * The `mail.deliver` handler as a plain function (registered by `registerMailJobs`). It reads the
 * row, sends it with nodemailer outside any transaction (the database is not held while SMTP talks),
 * then records the outcome. A failure is recorded and rethrown so the job queue retries it; on the
 * last attempt, or on a permanent rejection, the row is marked `failed`.
 */
export function createMailDeliverer(
  deps: MailDeliveryDeps,
  options: MailDeliveryOptions = {},
): DeliverHandler {
  const retryLimit = options.retryLimit ?? MAIL_RETRY_LIMIT;
  const { smtpUrl, mailFrom } = deps.config;
  // nodemailer is loaded by the first mail sent, not by every process at start.
  const transport = smtpUrl
    ? lazy(async () =>
        (await import('nodemailer')).default.createTransport({
          url: smtpUrl,
          // Shorter than the defaults (minutes), so a stuck server fails the attempt well before the job expires.
          connectionTimeout: 15_000,
          greetingTimeout: 15_000,
          socketTimeout: 60_000,
        }),
      )
    : undefined;

  return async ({ id }, info) => {
    const mail = await deps.db.withSystem((tx) => findOutboxMail(tx.db, id));
    if (!mail) {
      deps.log.warn({ mailId: id }, 'mail.deliver: outbox row not found; nothing to send');
      return;
    }
    if (mail.status !== 'queued') return; // delivered or given up by an earlier run of this job

    let messageId: string | null;
    try {
      if (!transport) throw new Error('SMTP_URL is not configured; mail.deliver cannot send');
      const attachments = await attachmentsOf(mail.attachments, deps.storage);
      const sent = await (
        await transport()
      ).sendMail({
        from: mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === null ? {} : { html: mail.html }),
        ...(attachments.length ? { attachments } : {}),
        messageId: messageIdFor(mail.id, mailFrom),
        headers: { 'X-SalesOps-Mail-Id': mail.id },
      });
      messageId = sent.messageId ?? null;
    } catch (error) {
      const permanent = isPermanentSmtpError(error);
      const final = permanent || info.attempt > retryLimit;
      const message = String((error as SmtpError).message ?? error).slice(0, ERROR_LIMIT);
      await deps.db.withSystem((tx) => markOutboxAttemptFailed(tx.db, id, message, final));
      const context = { mailId: id, tenantId: mail.tenantId, attempt: info.attempt, error: message };
      if (permanent) {
        // Retrying a refused recipient only repeats the refusal: the job ends, the row says why.
        deps.log.error(context, 'mail rejected by the SMTP server; not retried');
        return;
      }
      if (final) deps.log.error(context, 'mail delivery failed for the last time; giving up');
      else deps.log.warn(context, 'mail delivery failed; will retry');
      throw error;
    }
    // Sent: if recording that fails, the job is retried and the receiver may get the message twice
    // (same Message-ID), which beats losing it.
    await deps.db.withSystem((tx) => markOutboxSent(tx.db, id, messageId));
    deps.log.info(
      { mailId: id, tenantId: mail.tenantId, template: mail.template, attempt: info.attempt },
      'mail sent',
    );
  };
}

/** Registers the `mail.deliver` handler (API and worker processes alike, before `jobs.start`). */
export function registerMailJobs(
  jobs: Pick<JobQueue, 'register'>,
  deps: MailDeliveryDeps,
  options: MailDeliveryOptions = {},
): void {
  jobs.register(deliverMailJob, createMailDeliverer(deps, options), {
    retryLimit: options.retryLimit ?? MAIL_RETRY_LIMIT,
    retryDelaySeconds: options.retryDelaySeconds ?? MAIL_RETRY_DELAY_SECONDS,
    expireInSeconds: 5 * 60,
  });
}
