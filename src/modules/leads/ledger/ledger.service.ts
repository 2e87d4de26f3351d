import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { activeOutletIds } from '../../catalog/index.js';
import { userFacts, writeAudit } from '../../identity/index.js';
import { dayAfter, localDate, startOfLocalDay } from '../clock.js';
import { conversionSettings, type Jobs } from '../conversions/conversion-writer.js';
import { checkNotFuture } from '../conversions/conversions.service.js';
import { queueKpiRefresh } from '../kpi/kpi-refresh.js';
import { fromCents, money, toCents } from '../money.js';
import { campaigns } from '../tables/campaigns.tables.js';
import { conversions, ledgerEntries } from '../tables/conversions.tables.js';
import { appendLedgerEntries } from './ledger-writer.js';
import type { CreateAdjustmentBody, LedgerEntry, LedgerListQuery, LedgerTotals } from './ledger.schemas.js';

type LedgerRow = typeof ledgerEntries.$inferSelect;

/** An entry is in scope when its agent is: entries without an agent only for tenant-wide scopes. */
const ledgerResource = defineResource({
  table: ledgerEntries,
  name: 'Ledger entry',
  tenantId: ledgerEntries.tenantId,
  id: ledgerEntries.id,
  owner: ledgerEntries.agentId,
  sorts: { occurred_at: ledgerEntries.occurredAt, created_at: ledgerEntries.createdAt },
});

const toEntryJson = (row: LedgerRow): LedgerEntry => ({
  id: row.id,
  entry_type: row.entryType,
  component: row.component,
  amount: row.amount,
  currency: row.currency,
  occurred_at: row.occurredAt.toISOString(),
  agent_id: row.agentId,
  outlet_id: row.outletId,
  campaign_id: row.campaignId,
  lead_id: row.leadId,
  conversion_id: row.conversionId,
  bonus_run_id: row.bonusRunId,
  bonus_item_id: row.bonusItemId,
  reason: row.reason,
  created_by: row.createdBy,
  created_at: iso(row.createdAt)!,
});

const sumOf = (component: string) =>
  sql<string>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.component} = ${component}), 0)::text`;

/** Revenue, cost, bonus and payout of every entry `filter` selects, and net profit from them. */
async function totalsOf(tx: Tx, filter: ReturnType<typeof ledgerResource.where>): Promise<LedgerTotals> {
  const [row] = await tx.db
    .select({
      revenue: sumOf('revenue'),
      cost: sumOf('cost'),
      bonus: sumOf('bonus'),
      payout: sumOf('payout'),
    })
    .from(ledgerEntries)
    .where(filter);
  const { revenue, cost, bonus, payout } = row!;
  return {
    revenue: money(revenue),
    cost: money(cost),
    bonus: money(bonus),
    payout: money(payout),
    net_profit: fromCents(toCents(revenue) - toCents(cost) - toCents(bonus)),
  };
}

/** 422 for each reference of an adjustment that names nothing in the tenant. */
async function checkReferences(tx: Tx, tenantId: string, body: CreateAdjustmentBody) {
  const errors: FieldError[] = [];
  const exists = async (table: typeof campaigns | typeof conversions, id: string) =>
    (
      await tx.db
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    ).length > 0;
  if (body.agent_id && !(await userFacts(tx, tenantId, [body.agent_id])).has(body.agent_id))
    errors.push({ path: '/body/agent_id', message: 'no such user' });
  if (body.outlet_id && !(await activeOutletIds(tx, tenantId, [body.outlet_id])).has(body.outlet_id))
    errors.push({ path: '/body/outlet_id', message: 'no such outlet' });
  if (body.campaign_id && !(await exists(campaigns, body.campaign_id)))
    errors.push({ path: '/body/campaign_id', message: 'no such campaign' });
  if (body.conversion_id && !(await exists(conversions, body.conversion_id)))
    errors.push({ path: '/body/conversion_id', message: 'no such conversion' });
  return errors;
}

export function createLedgerService(deps: { db: TenantDatabase; jobs: Jobs }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  return {
    /** A page of entries in scope and the totals of every entry the filters select. */
    list(ctx: CallContext, query: LedgerListQuery) {
      return tenantRead(ctx, async (tx) => {
        const zone =
          query.date_from || query.date_to ? (await conversionSettings(tx, ctx.tenantId)).timeZone : 'UTC';
        const where = [
          query.agent ? eq(ledgerEntries.agentId, query.agent) : undefined,
          query.outlet ? eq(ledgerEntries.outletId, query.outlet) : undefined,
          query.campaign ? eq(ledgerEntries.campaignId, query.campaign) : undefined,
          query.entry_type ? eq(ledgerEntries.entryType, query.entry_type) : undefined,
          query.component ? eq(ledgerEntries.component, query.component) : undefined,
          query.conversion ? eq(ledgerEntries.conversionId, query.conversion) : undefined,
          query.bonus_run ? eq(ledgerEntries.bonusRunId, query.bonus_run) : undefined,
          query.currency ? eq(ledgerEntries.currency, query.currency) : undefined,
          query.date_from ? gte(ledgerEntries.occurredAt, startOfLocalDay(query.date_from, zone)) : undefined,
          query.date_to
            ? lt(ledgerEntries.occurredAt, startOfLocalDay(dayAfter(query.date_to), zone))
            : undefined,
        ];
        const page = await ledgerResource.list(tx, ctx, query, { where });
        const totals = await totalsOf(tx, ledgerResource.where(ctx, ...where));
        return { ...envelope('ledger_entries', page, toEntryJson), totals };
      });
    },

    /** A manual correction: a new `adjustment` entry of one component, with its reason. */
    adjust(ctx: CallContext, body: CreateAdjustmentBody): Promise<LedgerEntry> {
      return tenantTx(ctx, async (tx) => {
        const occurredAt = body.occurred_at ? new Date(body.occurred_at) : new Date();
        const errors = [
          ...(toCents(body.amount) === 0n ? [{ path: '/body/amount', message: 'must not be zero' }] : []),
          ...checkNotFuture(occurredAt, '/body/occurred_at'),
          ...(await checkReferences(tx, ctx.tenantId, body)),
        ];
        if (errors.length) throw validationFailed(errors);
        const settings = await conversionSettings(tx, ctx.tenantId);
        const id = uuidv7();
        await appendLedgerEntries(tx, ctx.tenantId, [
          {
            id,
            entryType: 'adjustment',
            component: body.component,
            amount: money(body.amount),
            currency: body.currency ?? settings.currency,
            occurredAt,
            agentId: body.agent_id ?? null,
            outletId: body.outlet_id ?? null,
            campaignId: body.campaign_id ?? null,
            conversionId: body.conversion_id ?? null,
            reason: body.reason.trim(),
            createdBy: ctx.principal.userId,
          },
        ]);
        await queueKpiRefresh(deps.jobs, tx, ctx.tenantId, [localDate(occurredAt, settings.timeZone)]);
        const [row] = await tx.db
          .select()
          .from(ledgerEntries)
          .where(and(eq(ledgerEntries.tenantId, ctx.tenantId), eq(ledgerEntries.id, id)));
        const json = toEntryJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'ledger.adjust',
          entityType: 'ledger_entry',
          entityId: id,
          changes: { after: { component: json.component, amount: json.amount, reason: json.reason } },
        });
        return json;
      });
    },
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
