import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import type { RuleDef, Tier } from './compute.js';
import { conditionErrors, type Condition } from './conditions.js';
import { toMinor } from './money.js';
import type { CreateRuleBody } from './bonus.schemas.js';

/**
 * What a rule must say beyond its schema: per-item rules an amount, targets a basis and target,
 * tiers a basis and ascending thresholds each with a rate or an amount; conditions checked strictly.
 * `base` is where the rule sits in the body (`/body`, `/body/rules/2`).
 */
export function ruleErrors(rule: RuleDef, base: string): FieldError[] {
  const errors = conditionErrors(rule.conditions, `${base}/conditions`);
  const needs = (field: string, ok: boolean, message: string) => {
    if (!ok) errors.push({ path: `${base}/${field}`, message });
  };
  if (rule.type === 'per_target') {
    needs('basis', rule.basis !== null, 'a target rule needs basis count or revenue');
    needs('target', rule.target !== null, 'a target rule needs its target');
  }
  if (rule.type === 'tier') {
    needs('basis', rule.basis !== null, 'a tier rule needs basis count or revenue');
    needs('tiers', rule.tiers.length > 0, 'a tier rule needs at least one tier');
    rule.tiers.forEach((t: Tier, i) => {
      const at = `${base}/tiers/${i}`;
      if ((t.rate === undefined) === (t.amount === undefined))
        errors.push({ path: at, message: 'give either rate or amount' });
      if (i > 0 && toMinor(t.threshold) <= toMinor(rule.tiers[i - 1]!.threshold))
        errors.push({ path: `${at}/threshold`, message: 'thresholds must ascend' });
    });
  } else if (rule.tiers.length) errors.push({ path: `${base}/tiers`, message: 'only tier rules have tiers' });
  if (rule.amount_type === 'percent' && toMinor(rule.amount) > 100_00n)
    errors.push({ path: `${base}/amount`, message: 'a percent is at most 100' });
  return errors;
}

export function checkRule(rule: RuleDef, base = '/body'): void {
  const errors = ruleErrors(rule, base);
  if (errors.length) throw validationFailed(errors);
}

/** A request's rule (create, or an inline rule of a preview) with the defaults filled in. */
export function ruleDefOf(body: CreateRuleBody, id: string | null = null): RuleDef {
  return {
    id,
    code: body.code,
    name: body.name,
    type: body.type,
    priority: body.priority,
    amount_type: body.amount_type ?? 'fixed',
    amount: body.amount ?? '0',
    basis: body.basis ?? null,
    target: body.target ?? null,
    tiers: body.tiers ?? [],
    conditions: (body.conditions ?? []) as Condition[],
    cap_per_item: body.cap_per_item ?? null,
    cap_per_agent: body.cap_per_agent ?? null,
  };
}
