import { and, eq } from 'drizzle-orm';
import { pageReader } from '../../platform/db/page-reader.js';
import type { TenantDatabase } from '../../platform/db/types.js';
import { AppError } from '../../platform/http/errors.js';
import {
  REPORT_CONTENT_TYPES,
  renderReport,
  rowCountOf,
  type ReportFormat,
  type ReportType,
} from '../../platform/reports/index.js';
import type { FileStorage } from '../../platform/storage/types.js';
import { principalOfUser, tenantFacts } from '../identity/index.js';
import { reportRuns, type ReportRunRow } from './reports.tables.js';

export interface GenerateDeps {
  db: TenantDatabase;
  storage: FileStorage;
  reportTypes: readonly ReportType[];
  now?: () => Date;
}

/** What a failed run shows its reader: a problem's detail, or a generic line (never internals). */
function failureText(error: unknown): string {
  if (error instanceof AppError) {
    const first = error.errors?.[0];
    return first ? `${error.detail} ${first.path}: ${first.message}` : error.detail;
  }
  return 'The report could not be generated (an unexpected error; it has been logged).';
}

const fileNameOf = (run: ReportRunRow, now: Date) =>
  `${run.reportType.replace(/[^a-z0-9]+/gi, '-')}-${now.toISOString().slice(0, 10)}.${run.format}`;

/**
 * Generates one pending run: marks it generating (only one worker can), loads the data in the
 * requester's tenant and current data scope, renders the file, stores it and marks the run
 * completed; any failure marks it failed with the reason. Returns the final row (undefined when the
 * run was not pending, e.g. taken by another worker).
 */
export async function generateRun(
  deps: GenerateDeps,
  tenantId: string,
  runId: string,
  log?: { error(obj: object, msg: string): void },
): Promise<ReportRunRow | undefined> {
  const now = deps.now?.() ?? new Date();
  const claimed = await deps.db.withTenant({ tenantId }, async (tx) => {
    const [row] = await tx.db
      .update(reportRuns)
      .set({ status: 'generating', startedAt: now, updatedAt: now })
      .where(
        and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.id, runId), eq(reportRuns.status, 'pending')),
      )
      .returning();
    return row;
  });
  if (!claimed) return undefined;
  const finish = (values: Partial<ReportRunRow>) =>
    deps.db.withTenant({ tenantId }, async (tx) => {
      const [row] = await tx.db
        .update(reportRuns)
        .set({ ...values, completedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.id, runId)))
        .returning();
      return row!;
    });
  // Every read of the report, the query and then its pages while the file is written, runs through
  // one reader: the same snapshot on PostgreSQL, short transactions on PGlite.
  const reader = pageReader(deps.db, { tenantId });
  try {
    const type = deps.reportTypes.find((t) => t.key === claimed.reportType);
    if (!type)
      throw new AppError(422, 'UNKNOWN_REPORT_TYPE', `There is no report type "${claimed.reportType}".`);
    const { data, tenant } = await reader.read(async (tx) => {
      const facts = await tenantFacts(tx, tenantId);
      const principal = await principalOfUser(tx, tenantId, claimed.requestedBy);
      if (!facts || !principal)
        throw new AppError(
          409,
          'REPORT_OWNER_INACTIVE',
          'The user the report is generated for is no longer active.',
        );
      if (!principal.permissions.has(type.permission))
        throw new AppError(
          403,
          'FORBIDDEN',
          `The report's owner no longer has the permission ${type.permission}.`,
        );
      const result = await type.query(
        { tx, principal, tenantId, timeZone: facts.timeZone, now, read: (fn) => reader.read(fn) },
        claimed.parameters as never,
      );
      return { data: result, tenant: facts };
    });
    const format = claimed.format as ReportFormat;
    const file = renderReport(
      format,
      {
        title: type.title,
        tenant: tenant.name,
        period: data.period,
        generatedAt: now,
        timeZone: tenant.timeZone,
      },
      data,
    );
    const fileName = fileNameOf(claimed, now);
    const key = `tenants/${tenantId}/reports/${runId}/${fileName}`;
    // Streamed into storage as it is written: a 100,000-row report never sits whole in memory.
    const stored = await deps.storage.put(key, file, {
      contentType: REPORT_CONTENT_TYPES[format],
      maxBytes: Infinity,
    });
    await reader.close();
    return await finish({
      status: 'completed',
      fileKey: key,
      fileName,
      fileSize: stored.size,
      contentType: REPORT_CONTENT_TYPES[format],
      rowCount: data.sections.reduce((sum, s) => sum + rowCountOf(s), 0),
      error: null,
    });
  } catch (error) {
    await reader.close().catch(() => undefined);
    if (!(error instanceof AppError)) log?.error({ err: error, tenantId, runId }, 'report generation failed');
    return finish({ status: 'failed', error: failureText(error) });
  }
}
