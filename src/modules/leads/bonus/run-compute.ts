import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { uuidv7 } from '../../../lib/ids.js';
import { anyId, selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import {
  canonicalItem,
  compileRules,
  computeAgent,
  type BonusInput,
  type CompiledRules,
  type ComputedItem,
  type RuleDef,
} from './compute.js';
import { fromMinor } from './money.js';

/**
 * Loads a period's sales (and leads, when a per-lead rule needs them) set-based, agent batch by
 * agent batch, and feeds each agent's rows to the pure computation. One statement counts rows per
 * agent; then each batch of agents (about BATCH_ROWS rows) is one indexed, ordered read. Nothing is
 * read per row, and memory holds one batch.
 */

const BATCH_ROWS = 20_000;

export interface PeriodBounds {
  /** First instant of period_start in the tenant's zone. */
  from: Date;
  /** First instant after period_end. */
  to: Date;
  /** The period's last millisecond: when per-agent items (targets) count. */
  end: Date;
}

export async function periodBounds(
  tx: Tx,
  start: string,
  end: string,
  timeZone: string,
): Promise<PeriodBounds> {
  const [row] = await selectRows<{ from_ms: number; to_ms: number }>(
    tx,
    sql`select extract(epoch from (${start}::date::timestamp at time zone ${timeZone})) * 1000 as from_ms,
      extract(epoch from ((${end}::date + 1)::timestamp at time zone ${timeZone})) * 1000 as to_ms`,
  );
  const to = new Date(Number(row!.to_ms));
  return { from: new Date(Number(row!.from_ms)), to, end: new Date(to.getTime() - 1) };
}

interface Scope {
  tenantId: string;
  currency: string;
  bounds: PeriodBounds;
}

const conversionWhere = (s: Scope) =>
  sql`c.tenant_id = ${s.tenantId} and c.currency = ${s.currency}
    and c.converted_at >= ${s.bounds.from.toISOString()}::timestamptz and c.converted_at < ${s.bounds.to.toISOString()}::timestamptz`;
// Duplicates and merged leads earn nothing: their master lead does.
const leadWhere = (s: Scope) =>
  sql`l.tenant_id = ${s.tenantId} and l.duplicate_of is null and l.merged_at is null
    and l.captured_at >= ${s.bounds.from.toISOString()}::timestamptz and l.captured_at < ${s.bounds.to.toISOString()}::timestamptz`;

interface Row {
  kind: 'conversion' | 'lead';
  id: string;
  agent_id: string;
  lead_id: string;
  outlet_id: string | null;
  campaign_id: string | null;
  source_id: string | null;
  product_id: string | null;
  region_id: string | null;
  cents: string;
  at_ms: number;
  hours: number | null;
}

function rowsQuery(s: Scope, agents: string[], withLeads: boolean) {
  const sales = sql`select 'conversion' as kind, c.id, c.agent_id, c.lead_id, c.outlet_id, c.campaign_id,
      c.source_id, c.product_id, o.org_unit_id as region_id, (c.amount * 100)::bigint::text as cents,
      extract(epoch from c.converted_at) * 1000 as at_ms,
      extract(epoch from (c.converted_at - c.lead_captured_at)) / 3600 as hours
    from conversions c left join outlets o on o.tenant_id = c.tenant_id and o.id = c.outlet_id
    where ${conversionWhere(s)} and ${anyId(sql`c.agent_id`, agents)}`;
  // A lead's sale amount is what it sold (in the set's currency) up to the period's end.
  const leadRows = sql`select 'lead' as kind, l.id, l.agent_id, l.id as lead_id, l.outlet_id, l.campaign_id,
      l.source_id, l.product_id, o.org_unit_id as region_id, (coalesce(s.total, 0) * 100)::bigint::text as cents,
      extract(epoch from l.captured_at) * 1000 as at_ms,
      extract(epoch from (s.first_at - l.captured_at)) / 3600 as hours
    from leads l left join outlets o on o.tenant_id = l.tenant_id and o.id = l.outlet_id
    left join lateral (select sum(c.amount) as total, min(c.converted_at) as first_at from conversions c
      where c.tenant_id = l.tenant_id and c.lead_id = l.id and c.currency = ${s.currency}
        and c.converted_at < ${s.bounds.to.toISOString()}::timestamptz) s on true
    where ${leadWhere(s)} and ${anyId(sql`l.agent_id`, agents)}`;
  const union = withLeads ? sql`${sales} union all ${leadRows}` : sales;
  return sql`select * from (${union}) x order by agent_id, at_ms, id`;
}

async function agentBatches(tx: Tx, s: Scope, withLeads: boolean, batchRows: number): Promise<string[][]> {
  const leadCounts = sql`union all select l.agent_id, count(*)::int as n from leads l where ${leadWhere(s)} group by l.agent_id`;
  const counts = await selectRows<{ agent_id: string; n: number }>(
    tx,
    sql`select agent_id, sum(n)::int as n from (
        select c.agent_id, count(*)::int as n from conversions c where ${conversionWhere(s)} group by c.agent_id
        ${withLeads ? leadCounts : sql``}) x group by agent_id order by agent_id`,
  );
  const batches: string[][] = [];
  let current: string[] = [];
  let rows = 0;
  for (const { agent_id, n } of counts) {
    if (current.length && rows + n > batchRows) {
      batches.push(current);
      current = [];
      rows = 0;
    }
    current.push(agent_id);
    rows += n;
  }
  if (current.length) batches.push(current);
  return batches;
}

const toInput = (r: Row): BonusInput => ({
  kind: r.kind,
  id: r.id,
  agentId: r.agent_id,
  leadId: r.lead_id,
  outletId: r.outlet_id,
  campaignId: r.campaign_id,
  sourceId: r.source_id,
  productId: r.product_id,
  regionId: r.region_id,
  amount: BigInt(r.cents),
  soldAt: new Date(Number(r.at_ms)),
  leadToSaleHours: r.hours === null ? null : Number(r.hours),
});

export interface RunTotals {
  itemCount: number;
  agentCount: number;
  total: bigint;
  digest: string;
}

/**
 * A promise awaited later in the pipeline: marked handled now, so its failure while another step is
 * awaited is not reported as unhandled; awaiting it still throws.
 */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Receives the items in order, a batch at a time, numbered from 1. */
export type ItemSink = (items: readonly { seq: number; item: ComputedItem }[]) => Promise<void>;

/** Computes a period under `rules`, handing the items to `sink`; returns the totals and digest. */
export async function computePeriod(
  tx: Tx,
  input: {
    tenantId: string;
    currency: string;
    bounds: PeriodBounds;
    rules: readonly RuleDef[];
    /** Rows read per batch (whole agents per batch); the result does not depend on it. */
    batchRows?: number;
  },
  sink: ItemSink,
): Promise<RunTotals> {
  const compiled: CompiledRules = compileRules(input.rules, input.currency);
  const scope: Scope = { tenantId: input.tenantId, currency: input.currency, bounds: input.bounds };
  const hash = createHash('sha256');
  let seq = 0;
  let total = 0n;
  let agentCount = 0;
  const batches = await agentBatches(tx, scope, compiled.needsLeads, input.batchRows ?? BATCH_ROWS);
  const read = (i: number) =>
    i < batches.length
      ? quiet(selectRows<Row>(tx, rowsQuery(scope, batches[i]!, compiled.needsLeads)))
      : null;
  // A pipeline on the transaction's one connection: the next batch's read and this batch's write
  // are queued while this batch is computed, so the database and Node work at the same time.
  let next = read(0);
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; next; i++) {
    const rows = await next;
    next = read(i + 1);
    const batch: { seq: number; item: ComputedItem }[] = [];
    let start = 0;
    while (start < rows.length) {
      let stop = start;
      while (stop < rows.length && rows[stop]!.agent_id === rows[start]!.agent_id) stop++;
      const items = computeAgent(
        compiled,
        rows[start]!.agent_id,
        rows.slice(start, stop).map(toInput),
        input.bounds.end,
      );
      if (items.length) agentCount++;
      for (const item of items) {
        seq++;
        total += item.amount;
        hash.update(`${canonicalItem(seq, item)}\n`);
        batch.push({ seq, item });
      }
      start = stop;
    }
    // One write in flight at most: memory holds two batches.
    await writing;
    writing = batch.length ? quiet(sink(batch)) : Promise.resolve();
  }
  await writing;
  return { itemCount: seq, agentCount, total, digest: hash.digest('hex') };
}

/** Writes items in statements of 5,000 (one JSON parameter each). */
export function itemWriter(tx: Tx, tenantId: string, runId: string): ItemSink {
  return async (items) => {
    for (let i = 0; i < items.length; i += 5000) {
      const json = items.slice(i, i + 5000).map(({ seq, item }) => ({
        id: uuidv7(),
        seq,
        agent_id: item.agentId,
        rule_id: item.ruleId,
        rule_code: item.ruleCode,
        conversion_id: item.conversionId,
        lead_id: item.leadId,
        outlet_id: item.outletId,
        campaign_id: item.campaignId,
        occurred_at: item.occurredAt.toISOString(),
        base_amount: fromMinor(item.base),
        amount: fromMinor(item.amount),
        capped: item.capped,
        explanation: item.explanation,
      }));
      await tx.db
        .execute(sql`insert into bonus_run_items (tenant_id, run_id, id, seq, agent_id, rule_id, rule_code,
          conversion_id, lead_id, outlet_id, campaign_id, occurred_at, base_amount, amount, capped, explanation)
        select ${tenantId}::uuid, ${runId}::uuid, x.* from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(
          id uuid, seq int, agent_id uuid, rule_id uuid, rule_code text, conversion_id uuid, lead_id uuid,
          outlet_id uuid, campaign_id uuid, occurred_at timestamptz, base_amount numeric, amount numeric,
          capped boolean, explanation text)`);
    }
  };
}
