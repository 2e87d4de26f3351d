import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { uuidv7 } from '../../../lib/ids.js';
import { writeSheet } from '../../../platform/bulk/sheet-writer.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { REPORT_CONTENT_TYPES, renderReport } from '../../../platform/reports/index.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import type { FileStorage } from '../../../platform/storage/types.js';
import { tenantFacts } from '../../identity/index.js';
import { bonusPayoutExports, type PayoutFormat } from '../tables/bonus.tables.js';
import { PAYOUT_HEADER, payoutHeader, payoutLines, payoutReportData, statementDate } from './payout-data.js';
import { checkRunStatus, runResource } from './runs.service.js';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function* sheetRows(lines: Awaited<ReturnType<typeof payoutLines>>['lines']) {
  for (const l of lines)
    yield [
      l.agent,
      l.agent_id,
      l.seq,
      l.rule_code,
      l.conversion_id,
      l.lead_id,
      l.occurred_at,
      l.base_amount,
      l.amount,
      l.capped,
      l.explanation,
    ];
}

/**
 * `GET /bonus-runs/{id}/export`: the payout file of a completed, approved or paid run, stored and
 * recorded (format, key, size, sha256, who, when) in `bonus_payout_exports`, then sent.
 */
export function createPayoutExportService(deps: { db: TenantDatabase; storage: FileStorage }) {
  const tenantTx = tenantTxOf(deps);
  return {
    export: (ctx: CallContext, id: string, format: PayoutFormat) =>
      tenantTx(ctx, async (tx) => {
        const run = await runResource.find(tx, ctx, id);
        checkRunStatus(run, ['completed', 'approved', 'paid'], 'be exported');
        const data = await payoutLines(tx, ctx.principal, ctx.tenantId, id);
        let file: Readable;
        if (format === 'pdf') {
          const facts = await tenantFacts(tx, ctx.tenantId);
          const header = payoutHeader(run, facts?.name ?? '', facts?.timeZone ?? 'UTC');
          file = renderReport('pdf', header, payoutReportData(run, data));
        } else
          file = writeSheet(format, PAYOUT_HEADER, sheetRows(data.lines), { fixedTime: statementDate(run) });
        const body = await bytesOf(file);
        const sha256 = createHash('sha256').update(body).digest('hex');
        const exportId = uuidv7();
        const key = `tenants/${ctx.tenantId}/bonus-runs/${id}/${exportId}.${format}`;
        await deps.storage.put(key, body, { contentType: REPORT_CONTENT_TYPES[format], maxBytes: Infinity });
        await tx.db.insert(bonusPayoutExports).values({
          tenantId: ctx.tenantId,
          id: exportId,
          runId: id,
          format,
          fileKey: key,
          fileSize: body.length,
          sha256,
          createdBy: ctx.principal.userId,
        });
        return {
          body,
          sha256,
          contentType: REPORT_CONTENT_TYPES[format],
          fileName: `bonus-payout-${run.periodStart}-${run.periodEnd}.${format}`,
        };
      }),
  };
}

export type PayoutExportService = ReturnType<typeof createPayoutExportService>;
