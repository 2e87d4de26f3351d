import type { Tx } from '../db/types.js';
import type { OutboxFilter } from './outbox.repository.js';
import type { MailAttachment, MailOutboxRow } from './outbox.tables.js';
import type { MailTemplate } from './templates.js';

/** One address (`a@example.com` or `Name <a@example.com>`) or several. */
export type Recipients = string | readonly string[];

/** A message from a template object; its variables are type-checked. */
export interface TemplateMessage<TVars extends object> {
  to: Recipients;
  template: MailTemplate<TVars>;
  vars: NoInfer<TVars>;
}

/** A message from a registered template, by name (variables checked when rendering). */
export interface NamedTemplateMessage {
  to: Recipients;
  template: string;
  vars: Record<string, unknown>;
}

/** A message composed by the caller; sent as given (no layout, no placeholders). */
export interface ComposedMessage {
  to: Recipients;
  subject: string;
  text: string;
  html?: string;
}

export type MailMessage<TVars extends object = Record<string, unknown>> =
  TemplateMessage<TVars> | NamedTemplateMessage | ComposedMessage;

export interface SendMailOptions {
  /**
   * Write the outbox row (and enqueue delivery) in this transaction: nothing is sent unless it
   * commits. In a `withTenant` transaction the row belongs to that tenant.
   */
  tx?: Tx;
  /** The tenant the mail belongs to; null or omitted (outside a tenant transaction) = system mail. */
  tenantId?: string | null;
  /** Files from the file storage sent with the message (read when it is delivered). */
  attachments?: readonly MailAttachment[];
}

/** A row of the outbox as the mailer returns it. */
export type OutboxMail = MailOutboxRow;

export interface Mailer {
  /** `smtp`: rows are queued and delivered by the `mail.deliver` job; `log`: rows are logged only. */
  readonly mode: 'smtp' | 'log';
  /** Renders the message and writes it to the outbox; throws before writing when it cannot be rendered. */
  send<TVars extends object>(message: MailMessage<TVars>, options?: SendMailOptions): Promise<OutboxMail>;
  /**
   * Recent outbox rows, newest first. Without `tx` it reads as the owner (every tenant, for tests and
   * super-admin tools); with a tenant transaction RLS limits it to that tenant.
   */
  outbox(filter?: OutboxFilter, options?: { tx?: Tx }): Promise<OutboxMail[]>;
}

/** The part of a pino/Fastify logger the mail code writes to (the job queue's logger fits too). */
export interface MailLog {
  debug?(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
