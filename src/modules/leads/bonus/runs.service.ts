import { and, eq } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import {
  defineResource,
  envelope,
  iso,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { bonusRunItems, bonusRuns } from '../tables/bonus.tables.js';
import type { ComputedItem, RuleDef } from './compute.js';
import { fromMinor } from './money.js';
import type {
  CreateRunBody,
  ItemListQuery,
  Preview,
  PreviewBody,
  Run,
  RunItem,
  RunListQuery,
} from './bonus.schemas.js';
import { ruleSetResource } from './rule-sets.service.js';
import { ruleErrors, ruleDefOf } from './rule-validation.js';
import { computePeriod, periodBounds } from './run-compute.js';
import { bonusRunJob, RunFailure, snapshotOf } from './run-job.js';
import { parseScopedTotals, scopedTotalsField, scopedTotalsOf, type ScopedTotals } from './run-totals.js';

type RunRow = typeof bonusRuns.$inferSelect;
type ItemRow = typeof bonusRunItems.$inferSelect;

export const runResource = defineResource({
  table: bonusRuns,
  name: 'Bonus run',
  tenantId: bonusRuns.tenantId,
  id: bonusRuns.id,
  sorts: { created_at: bonusRuns.createdAt, period_start: bonusRuns.periodStart },
});

/** Items belong to their agent: an agent sees their own, managers those of their data scope. */
export const itemResource = defineResource({
  table: bonusRunItems,
  name: 'Bonus run item',
  tenantId: bonusRunItems.tenantId,
  id: bonusRunItems.id,
  owner: bonusRunItems.agentId,
  sorts: { seq: bonusRunItems.seq },
});

export const toRunJson = (r: RunRow, scoped?: ScopedTotals): Run => ({
  id: r.id,
  rule_set_id: r.ruleSetId,
  period_start: r.periodStart,
  period_end: r.periodEnd,
  status: r.status,
  currency: r.currency,
  total_amount: scoped ? scoped.total : r.totalAmount,
  item_count: scoped ? scoped.items : r.itemCount,
  agent_count: scoped ? scoped.agents : r.agentCount,
  error: r.error,
  input_digest: r.inputDigest,
  snapshot: r.snapshot ?? null,
  requested_by: r.requestedBy,
  started_at: iso(r.startedAt),
  completed_at: iso(r.completedAt),
  approved_at: iso(r.approvedAt),
  approved_by: r.approvedBy,
  paid_at: iso(r.paidAt),
  paid_by: r.paidBy,
  created_at: r.createdAt.toISOString(),
});

export const toItemJson = (i: ItemRow): RunItem => ({
  id: i.id,
  seq: i.seq,
  agent_id: i.agentId,
  rule_id: i.ruleId,
  rule_code: i.ruleCode,
  conversion_id: i.conversionId,
  lead_id: i.leadId,
  outlet_id: i.outletId,
  campaign_id: i.campaignId,
  occurred_at: i.occurredAt.toISOString(),
  base_amount: i.baseAmount,
  amount: i.amount,
  capped: i.capped,
  explanation: i.explanation,
});

/** A run as the caller may see it: totals over their data scope's agents unless tenant-wide. */
export const runJsonFor = async (tx: Tx, ctx: CallContext, run: RunRow): Promise<Run> =>
  toRunJson(run, await scopedTotalsOf(tx, ctx, run.id));

const computedJson = (seq: number, i: ComputedItem): Omit<RunItem, 'id'> => ({
  seq,
  agent_id: i.agentId,
  rule_id: i.ruleId,
  rule_code: i.ruleCode,
  conversion_id: i.conversionId,
  lead_id: i.leadId,
  outlet_id: i.outletId,
  campaign_id: i.campaignId,
  occurred_at: i.occurredAt.toISOString(),
  base_amount: fromMinor(i.base),
  amount: fromMinor(i.amount),
  capped: i.capped,
  explanation: i.explanation,
});

const PREVIEW_ITEMS = 500;

/** A period runs from its start to its end day, both included, and spans at most a year. */
function checkPeriod(start: string, end: string) {
  if (end < start)
    throw validationFailed([{ path: '/body/period_end', message: 'must not be before period_start' }]);
  const yearLater = new Date(`${start}T00:00:00Z`);
  yearLater.setUTCFullYear(yearLater.getUTCFullYear() + 1);
  if (end >= yearLater.toISOString().slice(0, 10))
    throw validationFailed([{ path: '/body/period_end', message: 'a period spans at most one year' }]);
}

/** The named rule set, or 422 at the field naming it (a body refers to it; it is not the resource). */
async function ruleSetOf(tx: Tx, ctx: CallContext, id: string) {
  return ruleSetResource.find(tx, ctx, id).catch(() => {
    throw validationFailed([{ path: '/body/rule_set_id', message: 'no such rule set' }]);
  });
}

/**
 * Runs pay out, so they use active sets only; an inactive set (a draft, or one retired) is for
 * previews. 409 RULE_SET_INACTIVE.
 */
function checkActive(set: { active: boolean }) {
  if (!set.active)
    throw conflict('RULE_SET_INACTIVE', 'The rule set is inactive; activate it to run it (preview works).');
}

/** 409 with a stable code unless the run is in one of `allowed`. */
export function checkRunStatus(run: RunRow, allowed: readonly RunRow['status'][], action: string) {
  if (allowed.includes(run.status)) return;
  let code = 'BONUS_RUN_NOT_COMPLETED';
  if (run.status === 'paid' && allowed.includes('approved')) code = 'BONUS_RUN_ALREADY_PAID';
  else if (run.status === 'approved' || run.status === 'paid') code = 'BONUS_RUN_APPROVED';
  else if (allowed.length === 1 && allowed[0] === 'approved') code = 'BONUS_RUN_NOT_APPROVED';
  else if (run.status === 'pending' || run.status === 'running') code = 'BONUS_RUN_IN_PROGRESS';
  throw conflict(code, `A ${run.status} bonus run cannot ${action}.`);
}

export function createRunsService(deps: { db: TenantDatabase; jobs: Pick<JobQueue, 'send'> }) {
  const tenantTx = tenantTxOf(deps);
  const audit = (tx: Tx, ctx: CallContext, action: string, id: string, changes: object) =>
    writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'bonus_run',
      entityId: id,
      changes,
    });

  return {
    list: (ctx: CallContext, query: RunListQuery) =>
      tenantTx(ctx, async (tx) => {
        const scoped = scopedTotalsField(ctx);
        const page = await runResource.list(tx, ctx, query, {
          where: [
            query.status ? eq(bonusRuns.status, query.status as RunRow['status']) : undefined,
            query.rule_set ? eq(bonusRuns.ruleSetId, query.rule_set) : undefined,
          ],
          fields: scoped ? { scoped } : undefined,
        });
        return envelope('bonus_runs', page, (r: RunRow & { scoped?: unknown }) =>
          toRunJson(r, r.scoped === undefined ? undefined : parseScopedTotals(r.scoped)),
        );
      }),
    get: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => runJsonFor(tx, ctx, await runResource.find(tx, ctx, id))),

    create: (ctx: CallContext, body: CreateRunBody) =>
      tenantTx(ctx, async (tx) => {
        checkPeriod(body.period_start, body.period_end);
        const set = await ruleSetOf(tx, ctx, body.rule_set_id);
        checkActive(set);
        const [row] = await tx.db
          .insert(bonusRuns)
          .values({
            tenantId: ctx.tenantId,
            ruleSetId: set.id,
            periodStart: body.period_start,
            periodEnd: body.period_end,
            currency: set.currency,
            requestedBy: ctx.principal.userId,
          })
          .returning();
        await deps.jobs.send(bonusRunJob, { tenantId: ctx.tenantId, runId: row!.id }, { tx });
        await audit(tx, ctx, 'bonus_run.create', row!.id, { after: body });
        return toRunJson(row!);
      }),

    /** A failed or completed (not yet approved) run computed again from the rule set as it is now. */
    rerun: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        const run = await runResource.find(tx, ctx, id, { lock: true });
        checkRunStatus(run, ['failed', 'completed'], 'be run again');
        checkActive(await ruleSetResource.find(tx, ctx, run.ruleSetId!));
        const [row] = await tx.db
          .update(bonusRuns)
          .set({ status: 'pending', error: null, completedAt: null, updatedAt: new Date() })
          .where(and(eq(bonusRuns.tenantId, ctx.tenantId), eq(bonusRuns.id, id)))
          .returning();
        await deps.jobs.send(bonusRunJob, { tenantId: ctx.tenantId, runId: id }, { tx });
        await audit(tx, ctx, 'bonus_run.rerun', id, { before: { status: run.status } });
        return runJsonFor(tx, ctx, row!);
      }),

    items: (ctx: CallContext, id: string, query: ItemListQuery) =>
      tenantTx(ctx, async (tx) => {
        await runResource.find(tx, ctx, id);
        const page = await itemResource.list(tx, ctx, query, {
          where: [
            eq(bonusRunItems.runId, id),
            query.agent ? eq(bonusRunItems.agentId, query.agent) : undefined,
            query.rule ? eq(bonusRunItems.ruleCode, query.rule) : undefined,
            query.capped ? eq(bonusRunItems.capped, true) : undefined,
          ],
        });
        return envelope('items', page, toItemJson);
      }),

    /** The same computation as a run, in the caller's transaction, keeping nothing. */
    preview: (ctx: CallContext, body: PreviewBody) =>
      tenantTx(ctx, async (tx) => {
        checkPeriod(body.period_start, body.period_end);
        if ((body.rule_set_id === undefined) === (body.rules === undefined))
          throw validationFailed([
            { path: '/body/rule_set_id', message: 'give either rule_set_id or rules' },
          ]);
        const settings = await tenantSettingsOf(tx, ctx.tenantId);
        let rules: RuleDef[];
        let currency = body.currency ?? settings.currency;
        if (body.rules) {
          rules = body.rules.map((r) => ruleDefOf(r));
          const errors = rules.flatMap((r, i) => ruleErrors(r, `/body/rules/${i}`));
          if (errors.length) throw validationFailed(errors);
        } else {
          await ruleSetOf(tx, ctx, body.rule_set_id!);
          const snapshot = await snapshotOf(tx, ctx.tenantId, body.rule_set_id!).catch((error: unknown) => {
            if (error instanceof RunFailure) throw conflict('RULE_SET_EMPTY', error.message);
            throw error;
          });
          rules = snapshot.rules;
          currency = snapshot.rule_set.currency;
        }
        const bounds = await periodBounds(tx, body.period_start, body.period_end, settings.time_zone);
        const items: Preview['items'] = [];
        const agents = new Map<string, { count: number; total: bigint }>();
        const totals = await computePeriod(
          tx,
          { tenantId: ctx.tenantId, currency, bounds, rules },
          async (batch) => {
            for (const { seq, item } of batch) {
              if (items.length < PREVIEW_ITEMS) items.push(computedJson(seq, item));
              const a = agents.get(item.agentId) ?? { count: 0, total: 0n };
              agents.set(item.agentId, { count: a.count + 1, total: a.total + item.amount });
            }
          },
        );
        return {
          currency,
          total_amount: fromMinor(totals.total),
          item_count: totals.itemCount,
          agent_count: totals.agentCount,
          input_digest: totals.digest,
          agents: [...agents].map(([agent_id, a]) => ({
            agent_id,
            item_count: a.count,
            total_amount: fromMinor(a.total),
          })),
          items,
        };
      }),
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
