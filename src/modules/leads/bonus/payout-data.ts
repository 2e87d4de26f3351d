import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { notFound } from '../../../platform/http/errors.js';
import { Uuid } from '../../../platform/http/schemas.js';
import { defineReportType, type ReportData, type ReportHeader } from '../../../platform/reports/types.js';
import { scopePredicate } from '../../identity/index.js';
import { bonusRuns } from '../tables/bonus.tables.js';

/**
 * What a payout file holds, for the export and the `leads.bonus_payout_statement` report alike:
 * per agent totals, then every item line, in the run's order, limited to the reader's data scope.
 * Nothing in it depends on when or by whom it is produced, so the same run gives the same bytes.
 */

export interface PayoutLine {
  agent: string;
  agent_id: string;
  seq: number;
  rule_code: string;
  conversion_id: string | null;
  lead_id: string | null;
  occurred_at: string;
  base_amount: string;
  amount: string;
  capped: boolean;
  explanation: string;
}
export interface PayoutTotal {
  agent: string;
  agent_id: string;
  items: number;
  total: string;
}

type RunRow = typeof bonusRuns.$inferSelect;

export async function payoutLines(tx: Tx, principal: Principal, tenantId: string, runId: string) {
  const scope = scopePredicate(principal, sql`i.agent_id`);
  const where = sql`i.tenant_id = ${tenantId} and i.run_id = ${runId}${scope ? sql` and ${scope}` : sql``}`;
  const agentName = sql`trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, ''))`;
  const lines = await selectRows<PayoutLine>(
    tx,
    sql`select ${agentName} as agent, i.agent_id, i.seq, i.rule_code, i.conversion_id, i.lead_id,
        to_char(i.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as occurred_at,
        i.base_amount::text as base_amount, i.amount::text as amount, i.capped, i.explanation
      from bonus_run_items i join users u on u.tenant_id = i.tenant_id and u.id = i.agent_id
      where ${where} order by i.seq`,
  );
  const totals = await selectRows<PayoutTotal>(
    tx,
    sql`select ${agentName} as agent, i.agent_id, count(*)::int as items, sum(i.amount)::text as total
      from bonus_run_items i join users u on u.tenant_id = i.tenant_id and u.id = i.agent_id
      where ${where} group by i.agent_id, u.first_name, u.last_name order by min(i.seq)`,
  );
  return { lines, totals };
}

export const PAYOUT_HEADER = [
  'agent',
  'agent_id',
  'line',
  'rule',
  'conversion_id',
  'lead_id',
  'occurred_at',
  'base_amount',
  'amount',
  'capped',
  'explanation',
];

/**
 * The date every payout file of a run carries (the PDF's statement date, the XLSX workbook's and
 * zip entries' times): its period's last day, never the time of the export, so equal runs give
 * equal bytes.
 */
export const statementDate = (run: Pick<RunRow, 'periodEnd'>): Date => new Date(`${run.periodEnd}T00:00:00Z`);

/** The title page facts, fixed by the run. */
export function payoutHeader(run: RunRow, tenant: string, timeZone: string): ReportHeader {
  return {
    title: 'Bonus payout statement',
    tenant,
    period: `${run.periodStart} – ${run.periodEnd} (${run.currency})`,
    generatedAt: statementDate(run),
    timeZone,
  };
}

export function payoutReportData(run: RunRow, data: Awaited<ReturnType<typeof payoutLines>>): ReportData {
  return {
    period: `${run.periodStart} – ${run.periodEnd}`,
    sections: [
      {
        key: 'agents',
        title: 'Totals per agent',
        columns: [
          { key: 'agent', label: 'Agent', kind: 'text', width: 3 },
          { key: 'items', label: 'Items', kind: 'integer' },
          { key: 'total', label: `Total (${run.currency})`, kind: 'money', width: 2 },
        ],
        rows: data.totals.map((t) => ({ agent: t.agent, items: t.items, total: t.total })),
      },
      {
        key: 'items',
        title: 'Items',
        columns: [
          { key: 'agent', label: 'Agent', kind: 'text', width: 2 },
          { key: 'rule_code', label: 'Rule', kind: 'text' },
          { key: 'occurred_at', label: 'When (UTC)', kind: 'text', width: 2 },
          { key: 'base_amount', label: 'Base', kind: 'money', width: 1.5 },
          { key: 'amount', label: 'Bonus', kind: 'money', width: 1.5 },
          { key: 'explanation', label: 'Explanation', kind: 'text', width: 6 },
        ],
        rows: data.lines.map((l) => ({
          agent: l.agent,
          rule_code: l.rule_code,
          occurred_at: l.occurred_at,
          base_amount: l.base_amount,
          amount: l.amount,
          explanation: l.explanation,
        })),
      },
    ],
  };
}

/** A run's payout statement per agent as a report (PDF), limited to the reader's scope. */
export const bonusPayoutStatementReport = defineReportType({
  key: 'leads.bonus_payout_statement',
  title: 'Bonus payout statement',
  description: 'A bonus run per agent: totals and every item with its explanation',
  permission: 'bonus_runs:read',
  parameters: Type.Object({ run_id: Uuid }),
  formats: ['pdf'],
  async query(ctx, params) {
    const [run] = await ctx.tx.db
      .select()
      .from(bonusRuns)
      .where(sql`${bonusRuns.tenantId} = ${ctx.tenantId} and ${bonusRuns.id} = ${params.run_id}`);
    if (!run || !['completed', 'approved', 'paid'].includes(run.status))
      throw notFound('Completed bonus run');
    return payoutReportData(run, await payoutLines(ctx.tx, ctx.principal, ctx.tenantId, run.id));
  },
});
