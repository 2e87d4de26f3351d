import type { Readable } from 'node:stream';
import { and, count, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { AppError, forbidden, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import type { Tx } from '../../platform/db/types.js';
import type { JobQueue } from '../../platform/jobs/types.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../platform/resource/index.js';
import type { TokenService } from '../../platform/http/tokens.js';
import { tenantFacts, writeAudit } from '../identity/index.js';
import { DOWNLOAD_TOKEN_PURPOSE } from './delivery.js';
import { runDueInTenant, type DueDeps } from './due.js';
import { formatsOf, checkReportRequest } from './report-request.js';
import { reportRuns, reportSchedules, type ReportRunRow } from './reports.tables.js';
import type { GenerateBody, HistoryQuery } from './reports.schemas.js';
import { toRunJson, toScheduleJson } from './run-views.js';
import { generateReportJob } from './jobs.js';
import { scheduleResource } from './schedules.service.js';

/** A run belongs to whoever requested it (or owns its schedule): history follows their data scope. */
export const runResource = defineResource({
  table: reportRuns,
  name: 'Report',
  tenantId: reportRuns.tenantId,
  id: reportRuns.id,
  owner: reportRuns.requestedBy,
  sorts: { created_at: reportRuns.createdAt, completed_at: reportRuns.completedAt },
});

export type ReportsDeps = DueDeps & { jobs: Pick<JobQueue, 'send'>; tokens: TokenService };

export interface ReportFile {
  stream: Readable;
  fileName: string;
  contentType: string;
  size: number;
}

export function createReportsService(deps: ReportsDeps) {
  const tenantTx = tenantTxOf(deps);

  /**
   * The runs whose type the caller may run: a run's file holds its type's data, so reading it needs
   * the type's permission as generating it does (beside the data scope over who requested it).
   */
  function ofReadableTypes(principal: Principal): SQL | undefined {
    if (principal.isSuperAdmin) return undefined;
    const keys = deps.reportTypes.filter((t) => principal.permissions.has(t.permission)).map((t) => t.key);
    return keys.length ? inArray(reportRuns.reportType, keys) : sql`false`;
  }
  const findRun = (tx: Tx, ctx: CallContext, id: string) =>
    runResource.find(tx, ctx, id, { where: [ofReadableTypes(ctx.principal)] });

  async function fileOf(row: ReportRunRow): Promise<ReportFile> {
    if (row.status !== 'completed' || !row.fileKey)
      throw new AppError(
        409,
        'REPORT_NOT_READY',
        `The report is ${row.status}; there is no file to download.`,
        {
          extensions: { status: row.status },
        },
      );
    return {
      stream: await deps.storage.get(row.fileKey),
      fileName: row.fileName!,
      contentType: row.contentType!,
      size: row.fileSize ?? 0,
    };
  }

  return {
    types: () => ({
      report_types: deps.reportTypes.map((t) => ({
        key: t.key,
        title: t.title,
        description: t.description,
        formats: [...formatsOf(t)],
        parameters: t.parameters,
      })),
    }),

    /** Records a pending run and enqueues its generation in the same transaction. */
    generate: (ctx: CallContext, body: GenerateBody) => {
      const checked = checkReportRequest(deps.reportTypes, ctx.principal, body);
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(reportRuns)
          .values({
            tenantId: ctx.tenantId,
            reportType: checked.type.key,
            format: checked.format,
            parameters: checked.parameters,
            requestedBy: ctx.principal.userId,
          })
          .returning();
        await deps.jobs.send(generateReportJob, { tenantId: ctx.tenantId, runId: row!.id }, { tx });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'report.generate',
          entityType: 'report_run',
          entityId: row!.id,
          changes: {
            after: { report_type: row!.reportType, format: row!.format, parameters: row!.parameters },
          },
        });
        return toRunJson(row!);
      });
    },

    history: (ctx: CallContext, query: HistoryQuery) =>
      tenantTx(ctx, async (tx) => {
        const page = await runResource.list(tx, ctx, query, {
          where: [
            query.status ? eq(reportRuns.status, query.status) : undefined,
            query.report_type ? eq(reportRuns.reportType, query.report_type) : undefined,
            query.schedule_id ? eq(reportRuns.scheduleId, query.schedule_id) : undefined,
            ofReadableTypes(ctx.principal),
          ],
        });
        return envelope('reports', page, toRunJson);
      }),

    get: (ctx: CallContext, id: string) => tenantTx(ctx, async (tx) => toRunJson(await findRun(tx, ctx, id))),

    download: async (ctx: CallContext, id: string) =>
      fileOf(await tenantTx(ctx, (tx) => findRun(tx, ctx, id))),

    /** A mailed link: the sealed token names the tenant and run; no sign-in needed, until it expires. */
    downloadByToken: async (token: string) => {
      const payload = await deps.tokens.unseal(DOWNLOAD_TOKEN_PURPOSE, token);
      const tenantId = typeof payload?.tid === 'string' ? payload.tid : undefined;
      const runId = typeof payload?.rid === 'string' ? payload.rid : undefined;
      if (!tenantId || !runId)
        throw new AppError(401, 'INVALID_DOWNLOAD_LINK', 'The download link is invalid or has expired.');
      const row = await deps.db.withTenant({ tenantId }, async (tx) => {
        // A suspended organisation's files are not served, as its users cannot sign in.
        if (!(await tenantFacts(tx, tenantId))?.active)
          throw forbidden('This organisation is suspended.', 'TENANT_SUSPENDED');
        const [found] = await tx.db
          .select()
          .from(reportRuns)
          .where(and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.id, runId)));
        return found;
      });
      if (!row) throw notFound('Report');
      return fileOf(row);
    },

    dashboard: (ctx: CallContext) =>
      tenantTx(ctx, async (tx) => {
        const facts = await tenantFacts(tx, ctx.tenantId);
        const where = and(runResource.where(ctx), ofReadableTypes(ctx.principal));
        const byStatus = await tx.db
          .select({ status: reportRuns.status, n: count() })
          .from(reportRuns)
          .where(where)
          .groupBy(reportRuns.status);
        const byType = await tx.db
          .select({ report_type: reportRuns.reportType, count: count() })
          .from(reportRuns)
          .where(where)
          .groupBy(reportRuns.reportType)
          .orderBy(desc(count()), reportRuns.reportType);
        const [recentCount] = await tx.db
          .select({ n: count() })
          .from(reportRuns)
          .where(and(where, gte(reportRuns.createdAt, sql`now() - interval '7 days'`)));
        const schedules = await tx.db
          .select({ active: reportSchedules.isActive, n: count() })
          .from(reportSchedules)
          .where(scheduleResource.where(ctx))
          .groupBy(reportSchedules.isActive);
        const next = await tx.db
          .select()
          .from(reportSchedules)
          .where(and(scheduleResource.where(ctx), eq(reportSchedules.isActive, true)))
          .orderBy(reportSchedules.nextRunAt, reportSchedules.id)
          .limit(5);
        const recent = await tx.db
          .select()
          .from(reportRuns)
          .where(where)
          .orderBy(desc(reportRuns.createdAt), desc(reportRuns.id))
          .limit(5);
        return {
          total: byStatus.reduce((sum, r) => sum + r.n, 0),
          by_status: Object.fromEntries(
            ['pending', 'generating', 'completed', 'failed'].map((s) => [
              s,
              byStatus.find((r) => r.status === s)?.n ?? 0,
            ]),
          ),
          by_type: byType,
          last_7_days: recentCount?.n ?? 0,
          scheduled_active: schedules.find((r) => r.active)?.n ?? 0,
          scheduled_inactive: schedules.find((r) => !r.active)?.n ?? 0,
          next_scheduled: next.map((row) => toScheduleJson(row, facts?.timeZone ?? 'UTC')),
          recent: recent.map(toRunJson),
        };
      }),

    runScheduled: async (ctx: CallContext) => {
      const { runs } = await runDueInTenant(deps, ctx.principal, ctx.tenantId);
      return {
        due: runs.length,
        generated: runs.filter((r) => r.status === 'completed').length,
        failed: runs.filter((r) => r.status === 'failed').length,
        runs: runs.map(toRunJson),
      };
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
