import { and, eq, ne, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { AppError, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { writeAudit } from '../../identity/index.js';
import { idsByCode, planningContext } from '../common.js';
import { addMonths, futureMonths, monthOf } from '../cycles/window.js';
import { forecasts, sopCycles } from '../tables/planning.tables.js';
import { cycleBaseline, pairKey, salesSeries } from './baseline.service.js';
import type { ImportResult } from './forecasts.schemas.js';
import { insertDraft, openCycle } from './forecasts.service.js';
import { checkLines, matrixPrice, replaceLines } from './lines.js';
import { buildTemplate, cellErrors, overrideOf, readTemplate, SHEET } from './template.js';

const refused = (code: string, detail: string) =>
  new AppError(422, code, detail, { errors: [{ path: '/body/file', message: detail }] });

export function createTemplateService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    /**
     * The caller's XLSX template for a cycle: their active matrix rows × the forecast months,
     * prefilled with each pair's statistical baseline (the tenant's method).
     */
    template(ctx: CallContext, cycleId: string): Promise<{ bytes: Buffer; fileName: string }> {
      return tenantTx(ctx, async (tx) => {
        const cycle = await openCycle(tx, ctx.tenantId, cycleId, '/query/cycle_id');
        const anchor = monthOf(cycle.anchorMonth);
        const months = futureMonths(anchor);
        const { planning } = await planningContext(tx, ctx.tenantId);
        const pairs = await selectRows<{
          customer_id: string;
          product_id: string;
          customer_code: string;
          customer_name: string;
          product_code: string;
          product_name: string;
          price: string;
        }>(
          tx,
          sql`select m.customer_id, m.product_id, c.code as customer_code, c.name as customer_name,
              p.code as product_code, p.name as product_name, m.price::text as price
            from product_customer_matrix m
            join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
            join products p on p.tenant_id = m.tenant_id and p.id = m.product_id
            where m.tenant_id = ${ctx.tenantId} and m.rep_id = ${ctx.principal.userId} and m.is_active
            order by c.code, p.code`,
        );
        const series = await salesSeries(tx, ctx.tenantId, addMonths(anchor, -1), {
          repId: ctx.principal.userId,
        });
        const bytes = await buildTemplate(
          { cycleId: cycle.id, repId: ctx.principal.userId, cycleName: cycle.name },
          months,
          pairs.map((pair) => ({
            customerCode: pair.customer_code,
            customerName: pair.customer_name,
            productCode: pair.product_code,
            productName: pair.product_name,
            price: pair.price,
            quantities: cycleBaseline(
              series.get(pairKey(pair.customer_id, pair.product_id)) ?? [],
              anchor,
              planning.baseline_method,
            ).months.map((m) => m.value),
          })),
        );
        return { bytes, fileName: `forecast-template-${anchor}.xlsx` };
      });
    },

    /**
     * A filled template back: every cell checked first (422 listing them, nothing written); then
     * each row with quantities creates the caller's draft or replaces an existing draft's lines.
     */
    import(ctx: CallContext, bytes: Buffer, expectedCycleId: string | undefined): Promise<ImportResult> {
      return tenantTx(ctx, async (tx) => {
        const anchors = new Map<string, string>();
        // The template's own cycle and rep are checked before any cell.
        const parsed = await readTemplate(bytes, async ({ cycleId, repId }) => {
          if (expectedCycleId && cycleId !== expectedCycleId)
            throw refused(
              'TEMPLATE_WRONG_CYCLE',
              'The template was made for another cycle; download this cycle’s template.',
            );
          if (repId !== ctx.principal.userId)
            throw refused(
              'TEMPLATE_WRONG_REP',
              'The template was made for another rep; download your own template.',
            );
          const [cycle] = /^[0-9a-f-]{36}$/i.test(cycleId)
            ? await tx.db
                .select()
                .from(sopCycles)
                .where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.id, cycleId)))
            : [];
          if (!cycle)
            throw refused('TEMPLATE_WRONG_CYCLE', 'The template names a cycle this tenant does not have.');
          anchors.set(cycleId, monthOf(cycle.anchorMonth));
          return monthOf(cycle.anchorMonth);
        });
        const cycle = await openCycle(tx, ctx.tenantId, parsed.cycleId, '/body/file');
        const anchor = anchors.get(cycle.id)!;

        const customers = await idsByCode(
          tx,
          'customers',
          ctx.tenantId,
          parsed.rows.map((r) => r.customerCode),
        );
        const products = await idsByCode(
          tx,
          'products',
          ctx.tenantId,
          parsed.rows.map((r) => r.productCode),
        );
        // Locked (in id order, so two imports never deadlock) and read as they are now: a forecast
        // submitted while this import ran is refused below as any submitted one, never rewritten.
        const live = await tx.db
          .select({
            id: forecasts.id,
            customerId: forecasts.customerId,
            productId: forecasts.productId,
            status: forecasts.status,
          })
          .from(forecasts)
          .where(
            and(
              eq(forecasts.tenantId, ctx.tenantId),
              eq(forecasts.cycleId, cycle.id),
              eq(forecasts.repId, ctx.principal.userId),
              ne(forecasts.status, 'rejected'),
            ),
          )
          .orderBy(forecasts.id)
          .for('update');
        const liveByPair = new Map(live.map((f) => [pairKey(f.customerId, f.productId), f]));
        const errors: FieldError[] = [];
        const at = (col: string, row: number, message: string) =>
          errors.push({ path: `/file/${SHEET}/${col}${row}`, message });
        const seen = new Set<string>();
        const work: { row: (typeof parsed.rows)[number]; customerId: string; productId: string }[] = [];
        let skipped = 0;
        for (const row of parsed.rows) {
          const customerId = customers.get(row.customerCode);
          const productId = products.get(row.productCode);
          if (!customerId)
            at(
              'A',
              row.rowNumber,
              `row ${row.rowNumber}, column customer_code: unknown customer "${row.customerCode}"`,
            );
          if (!productId)
            at(
              'C',
              row.rowNumber,
              `row ${row.rowNumber}, column product_code: unknown product "${row.productCode}"`,
            );
          if (!customerId || !productId) continue;
          const key = pairKey(customerId, productId);
          if (seen.has(key)) {
            at(
              'A',
              row.rowNumber,
              `row ${row.rowNumber}: this customer and product appear on an earlier row`,
            );
            continue;
          }
          seen.add(key);
          if (!row.lines.length) {
            skipped++;
            continue;
          }
          const existing = liveByPair.get(key);
          if (existing && existing.status !== 'draft')
            at(
              'A',
              row.rowNumber,
              `row ${row.rowNumber}: the forecast is ${existing.status} and cannot change`,
            );
          work.push({ row, customerId, productId });
        }
        if (errors.length) throw cellErrors(errors);

        let created = 0;
        let updated = 0;
        const ids: string[] = [];
        for (const { row, customerId, productId } of work) {
          const price = await matrixPrice(tx, ctx.tenantId, customerId, productId);
          const override = overrideOf(row.price, price);
          if (override === null && price === null)
            throw validationFailed([
              {
                path: `/file/${SHEET}/E${row.rowNumber}`,
                message: `row ${row.rowNumber}, column price: no matrix price; give one`,
              },
            ]);
          const lines = row.lines.map((line) => ({ ...line, price_override: override }));
          checkLines(lines, anchor, `/file/${SHEET}/row/${row.rowNumber}`);
          const existing = liveByPair.get(pairKey(customerId, productId));
          if (existing) {
            await replaceLines(tx, ctx.tenantId, existing.id, lines, price);
            await tx.db
              .update(forecasts)
              .set({ updatedAt: new Date() })
              .where(and(eq(forecasts.tenantId, ctx.tenantId), eq(forecasts.id, existing.id)));
            updated++;
            ids.push(existing.id);
          } else {
            const draft = await insertDraft(
              tx,
              ctx.tenantId,
              { cycleId: cycle.id, customerId, productId, repId: ctx.principal.userId },
              lines,
            );
            created++;
            ids.push(draft.id);
          }
        }
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'forecast.import',
          entityType: 'forecast',
          changes: { after: { cycle_id: cycle.id, created, updated, skipped } },
        });
        return { created, updated, skipped, forecast_ids: ids };
      });
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
