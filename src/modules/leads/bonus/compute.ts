import { compileConditions, type Condition, type ItemFacts, type Matcher } from './conditions.js';
import { displayMinor, displayPercent, minBig, percentOf, toMinor, toPercentScaled } from './money.js';

/**
 * The bonus computation as pure functions over one agent's items of a period. The loader feeds
 * agents one at a time, their items in (converted_at | captured_at, id) order, so the work and its
 * memory are per agent and the result is the same however the rows are paged.
 */

export type RuleType = 'per_conversion' | 'per_lead' | 'per_target' | 'tier';

export interface Tier {
  threshold: string;
  rate?: string;
  amount?: string;
}

/** A rule as stored (and as snapshotted into a run). */
export interface RuleDef {
  id: string | null;
  code: string;
  name: string;
  type: RuleType;
  priority: number;
  amount_type: 'fixed' | 'percent';
  amount: string;
  basis: 'count' | 'revenue' | null;
  target: string | null;
  tiers: Tier[];
  conditions: Condition[];
  cap_per_item: string | null;
  cap_per_agent: string | null;
}

/** A sale (kind `conversion`) or a captured lead with the sales it became (kind `lead`). */
export interface BonusInput extends ItemFacts {
  kind: 'conversion' | 'lead';
  id: string;
  agentId: string;
  leadId: string;
}

export interface ComputedItem {
  agentId: string;
  ruleId: string | null;
  ruleCode: string;
  conversionId: string | null;
  leadId: string | null;
  outletId: string | null;
  campaignId: string | null;
  occurredAt: Date;
  base: bigint;
  amount: bigint;
  capped: boolean;
  explanation: string;
}

interface CompiledRule {
  def: RuleDef;
  matches: Matcher;
  fixed: bigint;
  percent: bigint;
  capItem: bigint | null;
  capAgent: bigint | null;
}

/** Rules compiled once per run; item rules in priority order. */
export interface CompiledRules {
  currency: string;
  itemRules: CompiledRule[];
  targetRules: CompiledRule[];
  needsLeads: boolean;
}

export function compileRules(rules: readonly RuleDef[], currency: string): CompiledRules {
  const compiled = [...rules]
    .sort((a, b) => a.priority - b.priority)
    .map((def) => ({
      def,
      matches: compileConditions(def.conditions),
      fixed: def.amount_type === 'fixed' ? toMinor(def.amount) : 0n,
      percent: def.amount_type === 'percent' ? toPercentScaled(def.amount) : 0n,
      capItem: def.cap_per_item === null ? null : toMinor(def.cap_per_item),
      capAgent: def.cap_per_agent === null ? null : toMinor(def.cap_per_agent),
    }));
  return {
    currency,
    itemRules: compiled.filter((r) => r.def.type !== 'per_target'),
    targetRules: compiled.filter((r) => r.def.type === 'per_target'),
    needsLeads: compiled.some((r) => r.def.type === 'per_lead'),
  };
}

/** Count or revenue (cents) of the agent's sales a rule's conditions select. */
function basisOf(rule: CompiledRule, sales: readonly BonusInput[]): bigint {
  const selected = sales.filter(rule.matches);
  return rule.def.basis === 'count'
    ? BigInt(selected.length)
    : selected.reduce((sum, s) => sum + s.amount, 0n);
}

const showBasis = (basis: 'count' | 'revenue' | null, value: bigint) =>
  basis === 'count' ? `count ${value}` : `revenue ${displayMinor(value)}`;
const thresholdOf = (basis: 'count' | 'revenue' | null, t: string) =>
  basis === 'count' ? BigInt(t.split('.')[0]!) : toMinor(t);

interface ReachedTier {
  index: number;
  tier: Tier;
  basis: bigint;
}

/** The highest tier whose threshold the agent's basis reaches, or none. */
export function reachedTier(rule: RuleDef, basis: bigint): ReachedTier | null {
  let reached: ReachedTier | null = null;
  rule.tiers.forEach((tier, index) => {
    if (basis >= thresholdOf(rule.basis, tier.threshold)) reached = { index, tier, basis };
  });
  return reached;
}

interface Amounted {
  raw: bigint;
  calc: string;
}

function amountFor(
  rule: CompiledRule,
  base: bigint,
  what: string,
  currency: string,
  tier?: ReachedTier,
): Amounted {
  const money = `${displayMinor(base)} ${currency}`;
  if (tier) {
    const t = tier.tier;
    const head = `tier ${tier.index + 1} (${showBasis(rule.def.basis, tier.basis)} ≥ ${t.threshold})`;
    if (t.rate !== undefined) {
      const raw = percentOf(base, toPercentScaled(t.rate));
      return { raw, calc: `${displayPercent(t.rate)}% of ${money} ${what} at ${head}` };
    }
    const raw = toMinor(t.amount ?? '0');
    return { raw, calc: `${displayMinor(raw)} ${currency} per ${what} at ${head}` };
  }
  if (rule.def.amount_type === 'percent')
    return {
      raw: percentOf(base, rule.percent),
      calc: `${displayPercent(rule.def.amount)}% of ${money} ${what}`,
    };
  return { raw: rule.fixed, calc: `${displayMinor(rule.fixed)} ${currency} per ${what}` };
}

function itemOf(
  rule: CompiledRule,
  input: {
    agentId: string;
    conversionId: string | null;
    leadId: string | null;
    outletId: string | null;
    campaignId: string | null;
    occurredAt: Date;
  },
  base: bigint,
  amounted: Amounted,
): ComputedItem {
  const cap = rule.capItem;
  const capped = cap !== null && amounted.raw > cap;
  const amount = capped ? cap : amounted.raw;
  const capText = capped ? `, capped at ${displayMinor(cap)}` : '';
  return {
    ...input,
    ruleId: rule.def.id,
    ruleCode: rule.def.code,
    base,
    amount,
    capped,
    explanation: `${amounted.calc}${capText} by rule ${rule.def.code}`,
  };
}

/**
 * One agent's items: per sale or lead the first rule by priority whose type fits the item and whose
 * conditions match (a tier rule only once the agent reached a tier), capped per item; then one item
 * per reached target; then each rule's cap per agent over the items in order.
 */
export function computeAgent(
  rules: CompiledRules,
  agentId: string,
  inputs: readonly BonusInput[],
  periodEnd: Date,
): ComputedItem[] {
  const sales = inputs.filter((i) => i.kind === 'conversion');
  const tiers = new Map<CompiledRule, ReachedTier | null>();
  for (const rule of rules.itemRules)
    if (rule.def.type === 'tier') tiers.set(rule, reachedTier(rule.def, basisOf(rule, sales)));

  const items: ComputedItem[] = [];
  for (const input of inputs) {
    const rule = rules.itemRules.find((r) => {
      if (input.kind === 'lead' ? r.def.type !== 'per_lead' : r.def.type === 'per_lead') return false;
      if (r.def.type === 'tier' && !tiers.get(r)) return false;
      return r.matches(input);
    });
    if (!rule) continue;
    const what = input.kind === 'lead' ? 'lead' : 'sale';
    const amounted = amountFor(rule, input.amount, what, rules.currency, tiers.get(rule) ?? undefined);
    items.push(
      itemOf(
        rule,
        {
          agentId,
          conversionId: input.kind === 'conversion' ? input.id : null,
          leadId: input.leadId,
          outletId: input.outletId,
          campaignId: input.campaignId,
          occurredAt: input.soldAt,
        },
        input.amount,
        amounted,
      ),
    );
  }

  for (const rule of rules.targetRules) {
    const basis = basisOf(rule, sales);
    const target = thresholdOf(rule.def.basis, rule.def.target ?? '0');
    if (basis < target) continue;
    const revenue =
      rule.def.basis === 'revenue' ? basis : sales.filter(rule.matches).reduce((s, x) => s + x.amount, 0n);
    const amounted = amountFor(rule, revenue, 'period revenue', rules.currency);
    const reached = `target reached (${showBasis(rule.def.basis, basis)} ≥ ${rule.def.target}): `;
    items.push(
      itemOf(
        rule,
        {
          agentId,
          conversionId: null,
          leadId: null,
          outletId: null,
          campaignId: null,
          occurredAt: periodEnd,
        },
        revenue,
        { raw: amounted.raw, calc: reached + amounted.calc },
      ),
    );
  }
  return applyAgentCaps(rules, items);
}

/** Each rule's cap per agent and period, spent in item order; what exceeds it is cut (to 0 at worst). */
function applyAgentCaps(rules: CompiledRules, items: ComputedItem[]): ComputedItem[] {
  const capOf = new Map<string, bigint>();
  for (const r of [...rules.itemRules, ...rules.targetRules])
    if (r.capAgent !== null) capOf.set(r.def.code, r.capAgent);
  const spent = new Map<string, bigint>();
  return items.map((item) => {
    const cap = capOf.get(item.ruleCode);
    if (cap === undefined) return item;
    const before = spent.get(item.ruleCode) ?? 0n;
    const amount = minBig(item.amount, cap - before > 0n ? cap - before : 0n);
    spent.set(item.ruleCode, before + amount);
    if (amount === item.amount) return item;
    return {
      ...item,
      amount,
      capped: true,
      explanation: `${item.explanation}; limited to ${displayMinor(amount)} by the cap of ${displayMinor(cap)} per agent and period`,
    };
  });
}

/** The canonical text of an item, hashed in order into the run's digest. */
export const canonicalItem = (seq: number, item: ComputedItem): string =>
  [
    seq,
    item.agentId,
    item.ruleCode,
    item.conversionId ?? '',
    item.leadId ?? '',
    item.occurredAt.toISOString(),
    item.base.toString(),
    item.amount.toString(),
    item.capped ? 1 : 0,
    item.explanation,
  ].join('|');
