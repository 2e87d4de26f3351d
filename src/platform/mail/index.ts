export {
  createMailDeliverer,
  deliverMailJob,
  isPermanentSmtpError,
  MAIL_RETRY_DELAY_SECONDS,
  MAIL_RETRY_LIMIT,
  registerMailJobs,
  type MailDeliveryDeps,
  type MailDeliveryOptions,
} from './deliver.js';
export { escapeHtml } from './escape.js';
export { renderLayout } from './layout.js';
export { createMailer, MailError, type MailerConfig, type MailerDeps } from './mailer.js';
export type { OutboxFilter } from './outbox.repository.js';
export { MAIL_STATUSES, mailOutbox, type MailAttachment, type MailStatus } from './outbox.tables.js';
export {
  defineMailTemplate,
  MailTemplateError,
  MailTemplateRegistry,
  mailTemplates,
  type MailTemplate,
  type MailTemplateSource,
  type RenderedMail,
} from './templates.js';
export type {
  ComposedMessage,
  MailLog,
  Mailer,
  MailMessage,
  NamedTemplateMessage,
  OutboxMail,
  Recipients,
  SendMailOptions,
  TemplateMessage,
} from './types.js';
