import { and, eq, isNull } from 'drizzle-orm';
import type { TenantDatabase } from '../../platform/db/types.js';
import type { TokenService } from '../../platform/http/tokens.js';
import { defineMailTemplate } from '../../platform/mail/index.js';
import type { Mailer } from '../../platform/mail/types.js';
import type { ReportType } from '../../platform/reports/types.js';
import { userMailFacts } from '../identity/index.js';
import { reportRuns, type ReportRunRow, type ReportScheduleRow } from './reports.tables.js';

export const DOWNLOAD_TOKEN_PURPOSE = 'reports.download';

const attachmentMail = defineMailTemplate<{ name: string; title: string; file: string }>(
  'reports.scheduled_attachment',
  {
    subject: '{{name}}',
    text: 'Your scheduled report "{{title}}" is attached ({{file}}).',
    html: '<p>Your scheduled report <strong>{{title}}</strong> is attached ({{file}}).</p>',
  },
);

const linkMail = defineMailTemplate<{ name: string; title: string; link: string; expires: string }>(
  'reports.scheduled_link',
  {
    subject: '{{name}}',
    text: 'Your scheduled report "{{title}}" is ready: {{link}}\n\nThe link works until {{expires}}.',
    html: '<p>Your scheduled report <strong>{{title}}</strong> is ready: <a href="{{link}}">download it</a>.</p><p>The link works until {{expires}}.</p>',
  },
);

export interface DeliveryDeps {
  db: TenantDatabase;
  mailer: Mailer;
  tokens: TokenService;
  reportTypes: readonly ReportType[];
  config: { publicUrl: string; reportAttachmentMaxBytes: number; reportLinkTtlSeconds: number };
}

/**
 * Mails a completed scheduled report to its recipients (the schedule's users who are still active,
 * by their login address, and its external addresses): attached when the file is at most the attachment limit,
 * else as a signed link that expires. The outbox row and the run's delivery mark are written in one
 * transaction, so a report is mailed once.
 */
export async function deliverRun(deps: DeliveryDeps, schedule: ReportScheduleRow, run: ReportRunRow) {
  if (run.status !== 'completed' || !run.fileKey) return;
  const tenantId = run.tenantId;
  const title = deps.reportTypes.find((t) => t.key === run.reportType)?.title ?? run.reportType;
  const asAttachment = (run.fileSize ?? 0) <= deps.config.reportAttachmentMaxBytes;
  const token = asAttachment
    ? undefined
    : await deps.tokens.seal(
        DOWNLOAD_TOKEN_PURPOSE,
        { tid: tenantId, rid: run.id },
        deps.config.reportLinkTtlSeconds,
      );
  await deps.db.withTenant({ tenantId }, async (tx) => {
    // A deactivated user (someone who left) gets no more of the tenant's reports.
    const users = await userMailFacts(tx, tenantId, schedule.recipientUserIds);
    const active = [...users.values()].filter((u) => u.active).map((u) => u.email);
    const to = [...new Set([...active, ...schedule.recipientEmails])];
    const [marked] = await tx.db
      .update(reportRuns)
      .set({ delivery: asAttachment ? 'attachment' : 'link', deliveredAt: new Date() })
      .where(and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.id, run.id), isNull(reportRuns.delivery)))
      .returning({ id: reportRuns.id });
    if (!marked || to.length === 0) return;
    if (asAttachment) {
      await deps.mailer.send(
        { to, template: attachmentMail, vars: { name: schedule.name, title, file: run.fileName! } },
        {
          tx,
          attachments: [{ filename: run.fileName!, contentType: run.contentType!, storageKey: run.fileKey! }],
        },
      );
    } else {
      const expires = new Date(Date.now() + deps.config.reportLinkTtlSeconds * 1000).toISOString();
      const link = `${deps.config.publicUrl.replace(/\/$/, '')}/api/v1/reports/download?token=${token}`;
      await deps.mailer.send(
        { to, template: linkMail, vars: { name: schedule.name, title, link, expires } },
        { tx },
      );
    }
  });
}
