import {
  compileConditions,
  type Condition,
  type ConditionField,
  type ItemFacts,
  type Matcher,
} from './conditions.js';
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

interface CompiledTier {
  tier: Tier;
  threshold: bigint;
  /** The rate scaled by 10^4, or null for a fixed amount per item. */
  rate: bigint | null;
  fixed: bigint;
  /** "2% of " or "25.00 UZS per ", the start of the explanation. */
  lead: string;
}

interface CompiledRule {
  def: RuleDef;
  matches: Matcher;
  /** No conditions: every item matches (the matcher is not called). */
  matchesAll: boolean;
  fixed: bigint;
  percent: bigint;
  capItem: bigint | null;
  capAgent: bigint | null;
  forLeads: boolean;
  isTier: boolean;
  tiers: CompiledTier[];
  /** Texts formatted once per run rather than per item. */
  text: {
    percent: string;
    fixed: string;
    capped: string;
    by: string;
    /** The whole explanation of a fixed amount per sale/lead, without and with the item cap. */
    fixedSale: [string, string];
    fixedLead: [string, string];
  };
}

/** Rules compiled once per run; item rules in priority order. */
export interface CompiledRules {
  currency: string;
  itemRules: CompiledRule[];
  targetRules: CompiledRule[];
  needsLeads: boolean;
  /** Whether any rule reads the sales (tier and target rules count them per agent). */
  needsSales: boolean;
  /** Each rule code's cap per agent and period (a later rule of the same code wins). */
  agentCaps: Map<string, bigint>;
  /** The condition fields any rule reads: the loader reads only these facts. */
  fields: Set<ConditionField>;
}

const thresholdOf = (basis: 'count' | 'revenue' | null, t: string) =>
  basis === 'count' ? BigInt(t.split('.')[0]!) : toMinor(t);

function compileRule(def: RuleDef, currency: string): CompiledRule {
  const fixed = def.amount_type === 'fixed' ? toMinor(def.amount) : 0n;
  const capItem = def.cap_per_item === null ? null : toMinor(def.cap_per_item);
  const by = ` by rule ${def.code}`;
  const capped = capItem === null ? '' : `, capped at ${displayMinor(capItem)}`;
  const fixedText = `${displayMinor(fixed)} ${currency} per `;
  // A fixed amount is capped when it exceeds the cap: the same for every item, so both texts now.
  const fixedOf = (what: string): [string, string] => [
    `${fixedText}${what}${by}`,
    `${fixedText}${what}${capped}${by}`,
  ];
  return {
    def,
    matches: compileConditions(def.conditions),
    matchesAll: def.conditions.length === 0,
    fixed,
    percent: def.amount_type === 'percent' ? toPercentScaled(def.amount) : 0n,
    capItem,
    capAgent: def.cap_per_agent === null ? null : toMinor(def.cap_per_agent),
    forLeads: def.type === 'per_lead',
    isTier: def.type === 'tier',
    tiers: def.tiers.map((tier) => {
      const rate = tier.rate === undefined ? null : toPercentScaled(tier.rate);
      const amount = rate === null ? toMinor(tier.amount ?? '0') : 0n;
      return {
        tier,
        threshold: thresholdOf(def.basis, tier.threshold),
        rate,
        fixed: amount,
        lead:
          tier.rate !== undefined
            ? `${displayPercent(tier.rate)}% of `
            : `${displayMinor(amount)} ${currency} per `,
      };
    }),
    text: {
      percent: `${displayPercent(def.amount)}% of `,
      fixed: fixedText,
      capped,
      by,
      fixedSale: fixedOf('sale'),
      fixedLead: fixedOf('lead'),
    },
  };
}

export function compileRules(rules: readonly RuleDef[], currency: string): CompiledRules {
  const compiled = [...rules]
    .sort((a, b) => a.priority - b.priority)
    .map((def) => compileRule(def, currency));
  const itemRules = compiled.filter((r) => r.def.type !== 'per_target');
  const targetRules = compiled.filter((r) => r.def.type === 'per_target');
  const agentCaps = new Map<string, bigint>();
  for (const r of [...itemRules, ...targetRules])
    if (r.capAgent !== null) agentCaps.set(r.def.code, r.capAgent);
  return {
    currency,
    itemRules,
    targetRules,
    needsLeads: compiled.some((r) => r.def.type === 'per_lead'),
    needsSales: compiled.some((r) => r.def.type === 'per_target' || r.def.type === 'tier'),
    agentCaps,
    fields: new Set(compiled.flatMap((r) => r.def.conditions.map((c) => c.field))),
  };
}

/** Count or revenue (cents) of the agent's sales a rule's conditions select. */
function basisOf(rule: CompiledRule, sales: readonly BonusInput[]): bigint {
  let count = 0;
  let revenue = 0n;
  for (const s of sales)
    if (rule.matchesAll || rule.matches(s)) {
      count++;
      revenue += s.amount;
    }
  return rule.def.basis === 'count' ? BigInt(count) : revenue;
}

/** Revenue (cents) of the agent's sales a rule's conditions select. */
function revenueOf(rule: CompiledRule, sales: readonly BonusInput[]): bigint {
  let revenue = 0n;
  for (const s of sales) if (rule.matchesAll || rule.matches(s)) revenue += s.amount;
  return revenue;
}

const showBasis = (basis: 'count' | 'revenue' | null, value: bigint) =>
  basis === 'count' ? `count ${value}` : `revenue ${displayMinor(value)}`;

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

/** A tier rule's state for one agent: the tier reached (its explanation's tail formatted once). */
interface AgentTier {
  tier: CompiledTier;
  /** " at tier 2 (count 450 ≥ 400)". */
  at: string;
}

function agentTierOf(rule: CompiledRule, sales: readonly BonusInput[]): AgentTier | null {
  const basis = basisOf(rule, sales);
  let index = -1;
  rule.tiers.forEach((t, i) => {
    if (basis >= t.threshold) index = i;
  });
  if (index < 0) return null;
  const tier = rule.tiers[index]!;
  return {
    tier,
    at: ` at tier ${index + 1} (${showBasis(rule.def.basis, basis)} ≥ ${tier.tier.threshold})`,
  };
}

/** An item, capped per item: its explanation is `calc`, the cap's note if any, then the rule. */
function itemOf(
  rule: CompiledRule,
  agentId: string,
  input: BonusInput | null,
  occurredAt: Date,
  base: bigint,
  raw: bigint,
  calc: string,
): ComputedItem {
  const cap = rule.capItem;
  const capped = cap !== null && raw > cap;
  const conversion = input !== null && input.kind === 'conversion';
  return {
    agentId,
    conversionId: conversion ? input.id : null,
    leadId: input === null ? null : input.leadId,
    outletId: input === null ? null : input.outletId,
    campaignId: input === null ? null : input.campaignId,
    occurredAt,
    ruleId: rule.def.id,
    ruleCode: rule.def.code,
    base,
    amount: capped ? cap : raw,
    capped,
    explanation: capped ? `${calc}${rule.text.capped}${rule.text.by}` : `${calc}${rule.text.by}`,
  };
}

/** The item one sale or lead earns under `rule` (a tier rule at the agent's tier). */
function itemFor(
  rule: CompiledRule,
  agentId: string,
  input: BonusInput,
  currency: string,
  tier: AgentTier | null,
): ComputedItem {
  const base = input.amount;
  const what = input.kind === 'lead' ? 'lead' : 'sale';
  if (tier) {
    const t = tier.tier;
    if (t.rate !== null) {
      const calc = `${t.lead}${displayMinor(base)} ${currency} ${what}${tier.at}`;
      return itemOf(rule, agentId, input, input.soldAt, base, percentOf(base, t.rate), calc);
    }
    return itemOf(rule, agentId, input, input.soldAt, base, t.fixed, `${t.lead}${what}${tier.at}`);
  }
  if (rule.def.amount_type === 'percent') {
    const calc = `${rule.text.percent}${displayMinor(base)} ${currency} ${what}`;
    return itemOf(rule, agentId, input, input.soldAt, base, percentOf(base, rule.percent), calc);
  }
  const item = itemOf(rule, agentId, input, input.soldAt, base, rule.fixed, '');
  const texts = what === 'lead' ? rule.text.fixedLead : rule.text.fixedSale;
  item.explanation = item.capped ? texts[1] : texts[0];
  return item;
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
  const sales = rules.needsSales ? inputs.filter((i) => i.kind === 'conversion') : [];
  // Per item rule: the agent's tier for a tier rule (null: none reached, the rule is skipped).
  const itemRules = rules.itemRules;
  const tiers: (AgentTier | null)[] = itemRules.map((rule) =>
    rule.isTier ? agentTierOf(rule, sales) : null,
  );

  const items: ComputedItem[] = [];
  for (const input of inputs) {
    const lead = input.kind === 'lead';
    for (let r = 0; r < itemRules.length; r++) {
      const rule = itemRules[r]!;
      if (rule.forLeads !== lead) continue;
      const tier = tiers[r]!;
      if (rule.isTier && !tier) continue;
      if (!rule.matchesAll && !rule.matches(input)) continue;
      items.push(itemFor(rule, agentId, input, rules.currency, tier));
      break;
    }
  }

  for (const rule of rules.targetRules) {
    const basis = basisOf(rule, sales);
    const target = thresholdOf(rule.def.basis, rule.def.target ?? '0');
    if (basis < target) continue;
    const revenue = rule.def.basis === 'revenue' ? basis : revenueOf(rule, sales);
    const reached = `target reached (${showBasis(rule.def.basis, basis)} ≥ ${rule.def.target}): `;
    const money = `${displayMinor(revenue)} ${rules.currency}`;
    const [raw, calc] =
      rule.def.amount_type === 'percent'
        ? [percentOf(revenue, rule.percent), `${rule.text.percent}${money} period revenue`]
        : [rule.fixed, `${rule.text.fixed}period revenue`];
    items.push(itemOf(rule, agentId, null, periodEnd, revenue, raw, reached + calc));
  }
  if (rules.agentCaps.size) applyAgentCaps(rules.agentCaps, items);
  return items;
}

/** Each rule's cap per agent and period, spent in item order; what exceeds it is cut (to 0 at worst). */
function applyAgentCaps(capOf: Map<string, bigint>, items: ComputedItem[]): void {
  const spent = new Map<string, bigint>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const cap = capOf.get(item.ruleCode);
    if (cap === undefined) continue;
    const before = spent.get(item.ruleCode) ?? 0n;
    const amount = minBig(item.amount, cap - before > 0n ? cap - before : 0n);
    spent.set(item.ruleCode, before + amount);
    if (amount === item.amount) continue;
    items[i] = {
      ...item,
      amount,
      capped: true,
      explanation: `${item.explanation}; limited to ${displayMinor(amount)} by the cap of ${displayMinor(cap)} per agent and period`,
    };
  }
}

/** The canonical text of an item, hashed in order into the run's digest. */
export const canonicalItem = (seq: number, item: ComputedItem): string =>
  `${seq}|${item.agentId}|${item.ruleCode}|${item.conversionId ?? ''}|${item.leadId ?? ''}|` +
  `${item.occurredAt.toISOString()}|${item.base}|${item.amount}|${item.capped ? 1 : 0}|${item.explanation}`;
