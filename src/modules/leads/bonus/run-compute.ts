import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
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

// Small enough that a batch's rows and items mostly die young (a run allocates little old space).
const BATCH_ROWS = 5_000;

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
  /** Read only when a rule's conditions use them (see `Facts`); else absent. */
  source_id?: string | null;
  product_id?: string | null;
  region_id?: string | null;
  hours?: string | number | null;
  cents: string;
  at_ms: string | number;
}

/** Which optional facts the rules' conditions read: the rest is neither joined nor computed. */
interface Facts {
  source: boolean;
  product: boolean;
  region: boolean;
  hours: boolean;
}

const factsOf = (rules: CompiledRules): Facts => ({
  source: rules.fields.has('source'),
  product: rules.fields.has('product'),
  region: rules.fields.has('region'),
  hours: rules.fields.has('lead_to_sale_hours'),
});

function rowsQuery(s: Scope, agents: string[], withLeads: boolean, facts: Facts) {
  const optional = (on: boolean, column: SQL, name: string) =>
    on ? sql`, ${column} as ${sql.raw(name)}` : sql``;
  const region = (alias: string) =>
    facts.region
      ? sql`left join outlets o on o.tenant_id = ${sql.raw(alias)}.tenant_id and o.id = ${sql.raw(alias)}.outlet_id`
      : sql``;
  const sales = sql`select 'conversion' as kind, c.id, c.agent_id, c.lead_id, c.outlet_id, c.campaign_id,
      (c.amount * 100)::bigint::text as cents, c.converted_at as sort_at,
      extract(epoch from c.converted_at) * 1000 as at_ms
      ${optional(facts.source, sql`c.source_id`, 'source_id')}
      ${optional(facts.product, sql`c.product_id`, 'product_id')}
      ${optional(facts.region, sql`o.org_unit_id`, 'region_id')}
      ${optional(facts.hours, sql`extract(epoch from (c.converted_at - c.lead_captured_at)) / 3600`, 'hours')}
    from conversions c ${region('c')}
    where ${conversionWhere(s)} and ${anyId(sql`c.agent_id`, agents)}`;
  // A lead's sale amount is what it sold (in the set's currency) up to the period's end.
  const leadRows = sql`select 'lead' as kind, l.id, l.agent_id, l.id as lead_id, l.outlet_id, l.campaign_id,
      (coalesce(s.total, 0) * 100)::bigint::text as cents, l.captured_at as sort_at,
      extract(epoch from l.captured_at) * 1000 as at_ms
      ${optional(facts.source, sql`l.source_id`, 'source_id')}
      ${optional(facts.product, sql`l.product_id`, 'product_id')}
      ${optional(facts.region, sql`o.org_unit_id`, 'region_id')}
      ${optional(facts.hours, sql`extract(epoch from (s.first_at - l.captured_at)) / 3600`, 'hours')}
    from leads l ${region('l')}
    left join lateral (select sum(c.amount) as total, min(c.converted_at) as first_at from conversions c
      where c.tenant_id = l.tenant_id and c.lead_id = l.id and c.currency = ${s.currency}
        and c.converted_at < ${s.bounds.to.toISOString()}::timestamptz) s on true
    where ${leadWhere(s)} and ${anyId(sql`l.agent_id`, agents)}`;
  const union = withLeads ? sql`${sales} union all ${leadRows}` : sales;
  // `sort_at` orders as `at_ms` does (the same instant, exactly), without comparing numerics.
  return sql`select kind, id, agent_id, lead_id, outlet_id, campaign_id, cents, at_ms
      ${facts.source ? sql`, source_id` : sql``}${facts.product ? sql`, product_id` : sql``}
      ${facts.region ? sql`, region_id` : sql``}${facts.hours ? sql`, hours` : sql``}
    from (${union}) x order by agent_id, sort_at, id`;
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
  sourceId: r.source_id ?? null,
  productId: r.product_id ?? null,
  regionId: r.region_id ?? null,
  amount: BigInt(r.cents),
  soldAt: new Date(Number(r.at_ms)),
  leadToSaleHours: r.hours === null || r.hours === undefined ? null : Number(r.hours),
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
  const facts = factsOf(compiled);
  let seq = 0;
  let total = 0n;
  let agentCount = 0;
  const batches = await agentBatches(tx, scope, compiled.needsLeads, input.batchRows ?? BATCH_ROWS);
  const read = (i: number) =>
    i < batches.length
      ? quiet(selectRows<Row>(tx, rowsQuery(scope, batches[i]!, compiled.needsLeads, facts)))
      : null;
  // A pipeline on the transaction's one connection: the next batch's read and this batch's write
  // are queued while this batch is computed, so the database and Node work at the same time.
  let next = read(0);
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; next; i++) {
    const rows = await next;
    next = read(i + 1);
    const batch: { seq: number; item: ComputedItem }[] = [];
    // The batch's canonical lines, hashed at once (the same bytes as line by line).
    const lines: string[] = [];
    let start = 0;
    while (start < rows.length) {
      const agentId = rows[start]!.agent_id;
      const inputs: BonusInput[] = [];
      let stop = start;
      for (; stop < rows.length && rows[stop]!.agent_id === agentId; stop++)
        inputs.push(toInput(rows[stop]!));
      const items = computeAgent(compiled, agentId, inputs, input.bounds.end);
      if (items.length) agentCount++;
      for (const item of items) {
        seq++;
        total += item.amount;
        lines.push(canonicalItem(seq, item));
        batch.push({ seq, item });
      }
      start = stop;
    }
    if (lines.length) hash.update(`${lines.join('\n')}\n`);
    // One write in flight at most: memory holds two batches.
    await writing;
    writing = batch.length ? quiet(sink(batch)) : Promise.resolve();
  }
  await writing;
  return { itemCount: seq, agentCount, total, digest: hash.digest('hex') };
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** A text as an element of an array literal: quoted, with quotes and backslashes escaped. */
const quoted = (text: string) => `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, '\\$&') : text}"`;

/** Ids, numbers, times and booleans need no quoting in an array literal; null is NULL. */
const arrayLiteral = (values: readonly (string | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;

const ITEMS_PER_STATEMENT = 20_000;

const INSERT_ITEMS = `insert into bonus_run_items (tenant_id, run_id, id, seq, agent_id, rule_id, rule_code,
    conversion_id, lead_id, outlet_id, campaign_id, occurred_at, base_amount, amount, capped, explanation)
  select $1::uuid, $2::uuid, x.* from unnest($3::uuid[], $4::int[], $5::uuid[], $6::uuid[], $7::text[],
    $8::uuid[], $9::uuid[], $10::uuid[], $11::uuid[], $12::timestamptz[], $13::numeric[], $14::numeric[],
    $15::boolean[], $16::text[]) as x`;

/**
 * Writes items in statements of up to 20,000, each column one array parameter: PostgreSQL parses
 * arrays of typed values in half the time of the same rows as JSON, and Node builds no object per row.
 */
export function itemWriter(tx: Tx, tenantId: string, runId: string): ItemSink {
  return async (items) => {
    for (let i = 0; i < items.length; i += ITEMS_PER_STATEMENT) {
      const chunk = items.slice(i, i + ITEMS_PER_STATEMENT);
      const n = chunk.length;
      const ids = new Array<string>(n);
      const seqs = new Array<string>(n);
      const agents = new Array<string>(n);
      const ruleIds = new Array<string | null>(n);
      const codes = new Array<string>(n);
      const conversions = new Array<string | null>(n);
      const leads = new Array<string | null>(n);
      const outlets = new Array<string | null>(n);
      const campaigns = new Array<string | null>(n);
      const times = new Array<string>(n);
      const bases = new Array<string>(n);
      const amounts = new Array<string>(n);
      const capped = new Array<string>(n);
      const explanations = new Array<string>(n);
      // Consecutive items mostly share their rule and, for fixed amounts, their explanation.
      let code = '';
      let codeText = '';
      let explanation = '';
      let explanationText = '';
      for (let j = 0; j < n; j++) {
        const { seq, item } = chunk[j]!;
        if (item.ruleCode !== code) codeText = quoted((code = item.ruleCode));
        if (item.explanation !== explanation) explanationText = quoted((explanation = item.explanation));
        ids[j] = uuidv7();
        seqs[j] = String(seq);
        agents[j] = item.agentId;
        ruleIds[j] = item.ruleId;
        codes[j] = codeText;
        conversions[j] = item.conversionId;
        leads[j] = item.leadId;
        outlets[j] = item.outletId;
        campaigns[j] = item.campaignId;
        times[j] = item.occurredAt.toISOString();
        bases[j] = fromMinor(item.base);
        amounts[j] = fromMinor(item.amount);
        capped[j] = item.capped ? 't' : 'f';
        explanations[j] = explanationText;
      }
      await tx.sql.query(INSERT_ITEMS, [
        tenantId,
        runId,
        ...[ids, seqs, agents, ruleIds, codes, conversions, leads, outlets, campaigns, times, bases, amounts]
          .concat([capped, explanations])
          .map(arrayLiteral),
      ]);
    }
  };
}
