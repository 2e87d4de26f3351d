import type { Database, Tx } from '../db/types.js';
import type { JobQueue } from '../jobs/types.js';
import { deliverMailJob } from './deliver.js';
import { insertOutboxMail, listOutboxMail } from './outbox.repository.js';
import { mailTemplates, type MailTemplate, type MailTemplateRegistry } from './templates.js';
import type { MailLog, Mailer, MailMessage, OutboxMail, Recipients, SendMailOptions } from './types.js';

/** A message that cannot be sent as given (no or malformed recipients, empty subject). */
export class MailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailError';
  }
}

export interface MailerConfig {
  /** Unset: mail is written to the outbox as `logged` and to the log, never sent. */
  smtpUrl?: string;
  mailFrom: string;
  /** Include the text body in the log line of a `logged` mail (default false: bodies carry reset links). */
  logBodies?: boolean;
}

export interface MailerDeps {
  db: Database;
  /** Needed when `smtpUrl` is set: delivery runs as the `mail.deliver` job. */
  jobs?: Pick<JobQueue, 'send'>;
  config: MailerConfig;
  log: MailLog;
  /** Where named templates are looked up; the default registry of `defineMailTemplate`. */
  templates?: MailTemplateRegistry;
}

const BARE_ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const NAMED_ADDRESS = /^(?:"[^"\r\n]*"|[^<>,;"\r\n]*)\s*<[^\s@<>,;"]+@[^\s@<>,;"]+>$/;

function recipientsOf(to: Recipients): string[] {
  const list = (typeof to === 'string' ? [to] : [...to]).map((address) => address.trim());
  if (list.length === 0) throw new MailError('A mail needs at least one recipient');
  for (const address of list) {
    if (!BARE_ADDRESS.test(address) && !NAMED_ADDRESS.test(address)) {
      throw new MailError(`Invalid mail recipient "${address}"`);
    }
  }
  return list;
}

interface Composed {
  subject: string;
  text: string;
  html: string | null;
  template: string | null;
}

function compose(message: MailMessage<object>, templates: MailTemplateRegistry): Composed {
  if ('template' in message) {
    const template: MailTemplate<object> =
      typeof message.template === 'string' ? templates.get(message.template) : message.template;
    return { ...template.render(message.vars), template: template.name };
  }
  const subject = message.subject.replace(/[\r\n]+/g, ' ').trim();
  if (!subject) throw new MailError('A mail needs a subject');
  return { subject, text: message.text, html: message.html ?? null, template: null };
}

/**
 * The mail service every module uses. Each message becomes an outbox row, written in the caller's
 * transaction when given; with SMTP configured a `mail.deliver` job is enqueued in that same
 * transaction, so a rolled-back change sends nothing and a committed one is delivered (with retries).
 */
export function createMailer(deps: MailerDeps): Mailer {
  const { db, jobs, config, log } = deps;
  const templates = deps.templates ?? mailTemplates;
  const mode = config.smtpUrl ? 'smtp' : 'log';
  if (mode === 'smtp' && !jobs) {
    throw new Error(
      'createMailer needs the job queue when SMTP_URL is set (the mail.deliver job sends mail)',
    );
  }

  async function write(tx: Tx, mail: Composed, to: string[], options: SendMailOptions) {
    const row = await insertOutboxMail(tx.db, {
      ...mail,
      to,
      tenantId: options.tenantId,
      attachments: options.attachments?.length ? [...options.attachments] : null,
      status: mode === 'smtp' ? 'queued' : 'logged',
    });
    if (mode === 'smtp') await jobs!.send(deliverMailJob, { id: row.id }, { tx });
    return row;
  }

  return {
    mode,

    async send(message, options: SendMailOptions = {}) {
      const to = recipientsOf(message.to);
      const mail = compose(message as MailMessage<object>, templates);
      const run = (tx: Tx) => write(tx, mail, to, options);
      const row: OutboxMail = options.tx
        ? await run(options.tx)
        : options.tenantId
          ? await db.withTenant({ tenantId: options.tenantId }, run)
          : await db.withSystem(run);

      const context = { mailId: row.id, tenantId: row.tenantId, to: row.to, template: row.template };
      if (mode === 'log') {
        // The row may still roll back with the caller's transaction; the outbox table is the truth.
        log.info(
          { ...context, subject: row.subject, ...(config.logBodies === true ? { text: row.text } : {}) },
          'mail not sent (SMTP_URL is unset); kept in the outbox',
        );
      } else {
        log.debug?.(context, 'mail queued');
      }
      return row;
    },

    async outbox(filter = {}, options = {}) {
      return options.tx
        ? listOutboxMail(options.tx.db, filter)
        : db.withSystem((tx) => listOutboxMail(tx.db, filter));
    },
  };
}
