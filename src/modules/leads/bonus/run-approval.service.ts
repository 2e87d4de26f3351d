import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { localDate } from '../clock.js';
import { queueKpiRefresh } from '../kpi/kpi-refresh.js';
import { appendLedgerEntries } from '../ledger/ledger-writer.js';
import { bonusRunItems, bonusRuns } from '../tables/bonus.tables.js';
import { campaigns } from '../tables/campaigns.tables.js';
import { checkRunStatus, runJsonFor, runResource } from './runs.service.js';

const PAGE = 5000;
type ItemRow = typeof bonusRunItems.$inferSelect;

/** Every non-zero item of a run in order, a page at a time (keyset on seq). */
async function forEachItemPage(
  tx: Tx,
  tenantId: string,
  runId: string,
  fn: (items: ItemRow[]) => Promise<void>,
) {
  let after = 0;
  for (;;) {
    const page = await tx.db
      .select()
      .from(bonusRunItems)
      .where(
        and(
          eq(bonusRunItems.tenantId, tenantId),
          eq(bonusRunItems.runId, runId),
          gt(bonusRunItems.seq, after),
          ne(bonusRunItems.amount, '0'),
        ),
      )
      .orderBy(asc(bonusRunItems.seq))
      .limit(PAGE);
    if (!page.length) return;
    await fn(page);
    after = page[page.length - 1]!.seq;
  }
}

/** Writes one ledger entry per item of the run (accruals on approval, payouts when paid). */
async function writeEntries(
  tx: Tx,
  ctx: CallContext,
  run: typeof bonusRuns.$inferSelect,
  entryType: 'bonus_accrual' | 'payout',
): Promise<Set<string>> {
  const { time_zone } = await tenantSettingsOf(tx, ctx.tenantId);
  const days = new Set<string>();
  await forEachItemPage(tx, ctx.tenantId, run.id, async (items) => {
    await appendLedgerEntries(
      tx,
      ctx.tenantId,
      items.map((i) => {
        days.add(localDate(i.occurredAt, time_zone));
        return {
          entryType,
          amount: i.amount,
          currency: run.currency,
          occurredAt: i.occurredAt,
          agentId: i.agentId,
          outletId: i.outletId,
          campaignId: i.campaignId,
          leadId: i.leadId,
          conversionId: i.conversionId,
          bonusRunId: run.id,
          bonusItemId: i.id,
          createdBy: ctx.principal.userId,
        };
      }),
    );
  });
  return days;
}

export function createRunApprovalService(deps: { db: TenantDatabase; jobs: Pick<JobQueue, 'send'> }) {
  const tenantTx = tenantTxOf(deps);

  async function transition(
    ctx: CallContext,
    id: string,
    from: 'completed' | 'approved',
    action: string,
    apply: (tx: Tx, run: typeof bonusRuns.$inferSelect) => Promise<Partial<typeof bonusRuns.$inferInsert>>,
  ) {
    return tenantTx(ctx, async (tx) => {
      const run = await runResource.find(tx, ctx, id, { lock: true });
      checkRunStatus(run, [from], action);
      const values = await apply(tx, run);
      const [row] = await tx.db
        .update(bonusRuns)
        .set({ ...values, updatedAt: new Date() })
        .where(and(eq(bonusRuns.tenantId, ctx.tenantId), eq(bonusRuns.id, id)))
        .returning();
      await writeAudit(tx, ctx.audit, {
        tenantId: ctx.tenantId,
        action: `bonus_run.${values.status === 'paid' ? 'pay' : 'approve'}`,
        entityType: 'bonus_run',
        entityId: id,
        changes: {
          before: { status: run.status },
          after: { status: row!.status, total_amount: row!.totalAmount },
        },
      });
      return runJsonFor(tx, ctx, row!);
    });
  }

  return {
    /**
     * Completed → approved, in one transaction: an accrual per item, each campaign's spend raised by
     * its items, the KPI days queued for refresh. From then on the run and its rule set are fixed.
     */
    approve: (ctx: CallContext, id: string) =>
      transition(ctx, id, 'completed', 'be approved', async (tx, run) => {
        const days = await writeEntries(tx, ctx, run, 'bonus_accrual');
        await tx.db.execute(sql`update ${campaigns} c set spend = c.spend + s.total, updated_at = now()
          from (select campaign_id, sum(amount) as total from ${bonusRunItems}
                where tenant_id = ${ctx.tenantId} and run_id = ${id} and campaign_id is not null
                group by campaign_id) s
          where c.tenant_id = ${ctx.tenantId} and c.id = s.campaign_id`);
        await queueKpiRefresh(deps.jobs, tx, ctx.tenantId, days);
        return { status: 'approved', approvedAt: new Date(), approvedBy: ctx.principal.userId };
      }),

    /** Approved → paid: a payout entry per item. */
    markPaid: (ctx: CallContext, id: string) =>
      transition(ctx, id, 'approved', 'be marked paid', async (tx, run) => {
        await writeEntries(tx, ctx, run, 'payout');
        return { status: 'paid', paidAt: new Date(), paidBy: ctx.principal.userId };
      }),
  };
}

export type RunApprovalService = ReturnType<typeof createRunApprovalService>;
