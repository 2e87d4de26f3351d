import type { HealthWeights } from '../../identity/index.js';
import type { RiskLevel, ScoreTrend } from '../tables/health.tables.js';

/*
 * The health score as a pure function: the reference the set-based SQL of `score-sql.ts` must equal
 * (a property test compares them on random data). Rules: DESIGN.md §6 "Customer success" and the
 * module README ("Health scores").
 */

export type { HealthWeights };
export const COMPONENTS = ['adoption', 'support', 'engagement', 'financial'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Interactions count over this many tenant-local days, today included. */
export const WINDOW_DAYS = 90;
/** A contract younger than this (days since its start) earns the adoption bonus. */
export const NEW_CONTRACT_DAYS = 90;
/** The trend compares with the latest score at least this many local days old. */
export const TREND_DAYS = 30;

/** What one interaction type or sentiment costs or earns. */
export const SUPPORT_COST = { support_ticket: 2, escalation: 10, negative: 5 } as const;
export const ENGAGEMENT_POINTS = { meeting: 15, call: 10, email: 5, training: 10 } as const;

export interface InteractionCounts {
  support_tickets: number;
  escalations: number;
  /** Interactions of any type with a negative sentiment. */
  negative: number;
  meetings: number;
  calls: number;
  emails: number;
  trainings: number;
}

export interface HealthInputs {
  /** The tenant-local date the score is for, YYYY-MM-DD. */
  today: string;
  /** Distinct product names of the active deployments counted (one deployment's, for its score). */
  products: readonly string[];
  /** Set for a deployment's score: which one. */
  deploymentId?: string | null;
  contractStart: string | null;
  contractEnd: string | null;
  counts: InteractionCounts;
  /** Overall score of the latest score at least `TREND_DAYS` days old; null when there is none. */
  previousScore: number | null;
  weights: HealthWeights;
}

export interface HealthScore {
  overall: number;
  adoption: number;
  support: number;
  engagement: number;
  financial: number;
  risk: RiskLevel;
  trend: ScoreTrend;
  factors: HealthFactors;
}

export type HealthFactors = ReturnType<typeof factorsOf>;

const DAY_MS = 86_400_000;
/** Whole days from `from` to `to` (YYYY-MM-DD dates; negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

const clamp = (value: number) => Math.max(0, Math.min(100, value));

/** 3+ products 100, 2 → 70, 1 → 40, none 0. */
export function adoptionBase(products: number): number {
  if (products >= 3) return 100;
  return [0, 40, 70][products]!;
}

/** The contract started (not in the future) fewer than `NEW_CONTRACT_DAYS` days ago. */
export function isNewContract(today: string, contractStart: string | null): boolean {
  if (contractStart === null) return false;
  const age = daysBetween(contractStart, today);
  return age >= 0 && age < NEW_CONTRACT_DAYS;
}

export function adoptionScore(products: number, newContract: boolean): number {
  return Math.min(100, adoptionBase(products) + (newContract ? 10 : 0));
}

export function supportScore(c: Pick<InteractionCounts, 'support_tickets' | 'escalations' | 'negative'>) {
  return clamp(
    100 -
      SUPPORT_COST.support_ticket * c.support_tickets -
      SUPPORT_COST.escalation * c.escalations -
      SUPPORT_COST.negative * c.negative,
  );
}

export function engagementScore(c: Pick<InteractionCounts, 'meetings' | 'calls' | 'emails' | 'trainings'>) {
  const p = ENGAGEMENT_POINTS;
  return Math.min(
    100,
    p.meeting * c.meetings + p.call * c.calls + p.email * c.emails + p.training * c.trainings,
  );
}

/** Days to the contract's end: none 50, expired 0, < 30 → 20, < 90 → 50, < 180 → 80, else 100. */
export function financialScore(daysToEnd: number | null): number {
  if (daysToEnd === null) return 50;
  if (daysToEnd < 0) return 0;
  if (daysToEnd < 30) return 20;
  if (daysToEnd < 90) return 50;
  if (daysToEnd < 180) return 80;
  return 100;
}

/**
 * The weighted sum truncated to an integer. Weights are integers summing to 100, so the sum of
 * weight × score is exact and the division by 100 is the only rounding (towards zero).
 */
export function overallScore(scores: Record<Component, number>, weights: HealthWeights): number {
  const sum = COMPONENTS.reduce((total, c) => total + weights[c] * scores[c], 0);
  return Math.trunc(sum / 100);
}

/** ≥ 80 low, ≥ 60 medium, ≥ 40 high, else critical. */
export function riskOf(overall: number): RiskLevel {
  if (overall >= 80) return 'low';
  if (overall >= 60) return 'medium';
  if (overall >= 40) return 'high';
  return 'critical';
}

/** Against the latest score at least 30 days old: +5 or more improving, −5 or less declining. */
export function trendOf(overall: number, previous: number | null): ScoreTrend {
  if (previous === null) return 'stable';
  const change = overall - previous;
  if (change >= 5) return 'improving';
  if (change <= -5) return 'declining';
  return 'stable';
}

function factorsOf(inputs: HealthInputs, scores: Record<Component, number>, overall: number) {
  const { counts, today } = inputs;
  const contractAge = inputs.contractStart === null ? null : daysBetween(inputs.contractStart, today);
  const daysToEnd = inputs.contractEnd === null ? null : daysBetween(today, inputs.contractEnd);
  return {
    adoption: {
      ...(inputs.deploymentId ? { deployment_id: inputs.deploymentId } : {}),
      active_products: inputs.products.length,
      products: [...inputs.products],
      contract_start: inputs.contractStart,
      contract_age_days: contractAge,
      new_contract_bonus: isNewContract(today, inputs.contractStart),
      score: scores.adoption,
    },
    support: {
      support_tickets: counts.support_tickets,
      escalations: counts.escalations,
      negative: counts.negative,
      score: scores.support,
    },
    engagement: {
      meetings: counts.meetings,
      calls: counts.calls,
      emails: counts.emails,
      trainings: counts.trainings,
      score: scores.engagement,
    },
    financial: {
      contract_end: inputs.contractEnd,
      days_to_end: daysToEnd,
      expired: daysToEnd !== null && daysToEnd < 0,
      score: scores.financial,
    },
    window: { from: addDays(today, 1 - WINDOW_DAYS), to: today, days: WINDOW_DAYS },
    trend: {
      previous_score: inputs.previousScore,
      change: inputs.previousScore === null ? null : overall - inputs.previousScore,
    },
    weights: { ...inputs.weights },
  };
}

/** The score, its components, risk, trend and the factors that explain them. */
export function computeHealth(inputs: HealthInputs): HealthScore {
  const daysToEnd = inputs.contractEnd === null ? null : daysBetween(inputs.today, inputs.contractEnd);
  const scores: Record<Component, number> = {
    adoption: adoptionScore(inputs.products.length, isNewContract(inputs.today, inputs.contractStart)),
    support: supportScore(inputs.counts),
    engagement: engagementScore(inputs.counts),
    financial: financialScore(daysToEnd),
  };
  const overall = overallScore(scores, inputs.weights);
  return {
    overall,
    ...scores,
    risk: riskOf(overall),
    trend: trendOf(overall, inputs.previousScore),
    factors: factorsOf(inputs, scores, overall),
  };
}
