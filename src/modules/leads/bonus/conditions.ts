import type { FieldError } from '../../../platform/http/errors.js';
import { toMinor } from './money.js';

/**
 * Rule conditions `{field, op, value}`: which fields exist, which operators each takes, what value
 * each operator needs, and the compiled matcher the computation runs per item.
 */

export const CONDITION_FIELDS = [
  'sale_amount',
  'product',
  'campaign',
  'source',
  'outlet',
  'region',
  'sold_at',
  'lead_to_sale_hours',
] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];
export const CONDITION_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface Condition {
  field: ConditionField;
  op: ConditionOp;
  value: unknown;
}

/** The facts conditions read from one item (a sale, or a lead with its sales). */
export interface ItemFacts {
  amount: bigint;
  productId: string | null;
  campaignId: string | null;
  sourceId: string | null;
  outletId: string | null;
  regionId: string | null;
  soldAt: Date;
  leadToSaleHours: number | null;
}

type Kind = 'money' | 'id' | 'time' | 'number';
const KIND_OF: Record<ConditionField, Kind> = {
  sale_amount: 'money',
  product: 'id',
  campaign: 'id',
  source: 'id',
  outlet: 'id',
  region: 'id',
  sold_at: 'time',
  lead_to_sale_hours: 'number',
};
const ID_OPS: readonly ConditionOp[] = ['eq', 'neq', 'in', 'not_in'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONEY = /^\d{1,16}(\.\d{1,2})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const SCALAR_OK: Record<Kind, (v: unknown) => boolean> = {
  money: (v) => typeof v === 'string' && MONEY.test(v),
  id: (v) => typeof v === 'string' && UUID.test(v),
  time: (v) => typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  number: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
};
const SCALAR_NAME: Record<Kind, string> = {
  money: 'a decimal amount string such as "1000.00"',
  id: 'a uuid',
  time: 'an ISO 8601 date-time with offset',
  number: 'a non-negative number of hours',
};

const isField = (f: unknown): f is ConditionField => CONDITION_FIELDS.includes(f as ConditionField);
const isOp = (o: unknown): o is ConditionOp => CONDITION_OPS.includes(o as ConditionOp);

/** Every problem of a condition list, each at its JSON pointer under `base` (`/body/conditions`). */
export function conditionErrors(
  conditions: readonly { field: unknown; op: unknown; value?: unknown }[],
  base: string,
) {
  const errors: FieldError[] = [];
  conditions.forEach((c, i) => {
    const at = `${base}/${i}`;
    if (!isField(c.field)) {
      errors.push({ path: `${at}/field`, message: `unknown field; one of ${CONDITION_FIELDS.join(', ')}` });
      return;
    }
    if (!isOp(c.op)) {
      errors.push({ path: `${at}/op`, message: `unknown operator; one of ${CONDITION_OPS.join(', ')}` });
      return;
    }
    const kind = KIND_OF[c.field];
    if (kind === 'id' && !ID_OPS.includes(c.op)) {
      errors.push({ path: `${at}/op`, message: `${c.field} takes ${ID_OPS.join(', ')}` });
      return;
    }
    if (kind === 'time' && (c.op === 'in' || c.op === 'not_in')) {
      errors.push({ path: `${at}/op`, message: 'sold_at takes eq, neq, gt, gte, lt, lte, between' });
      return;
    }
    const ok = SCALAR_OK[kind];
    const v = c.value;
    if (c.op === 'between') {
      if (!Array.isArray(v) || v.length !== 2 || !v.every(ok))
        errors.push({ path: `${at}/value`, message: `between takes two values, each ${SCALAR_NAME[kind]}` });
      else if (compareValues(kind, v[0], v[1]) > 0)
        errors.push({ path: `${at}/value`, message: 'the lower bound comes first' });
    } else if (c.op === 'in' || c.op === 'not_in') {
      if (!Array.isArray(v) || v.length === 0 || v.length > 1000 || !v.every(ok))
        errors.push({
          path: `${at}/value`,
          message: `${c.op} takes a list (1–1000) of ${SCALAR_NAME[kind]}`,
        });
    } else if (!ok(v)) errors.push({ path: `${at}/value`, message: `must be ${SCALAR_NAME[kind]}` });
  });
  return errors;
}

function compareValues(kind: Kind, a: unknown, b: unknown): number {
  const x = normalise(kind, a);
  const y = normalise(kind, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Values in one comparable form per kind: cents, epoch ms, hours, lower-case ids. */
function normalise(kind: Kind, v: unknown): bigint | number | string {
  if (kind === 'money') return toMinor(v as string);
  if (kind === 'time') return Date.parse(v as string);
  if (kind === 'number') return v as number;
  return (v as string).toLowerCase();
}

type Fact = bigint | number | string | null;

/** The fact a field reads, chosen once per condition rather than per item. */
function factReader(field: ConditionField): (item: ItemFacts) => Fact {
  switch (field) {
    case 'sale_amount':
      return (item) => item.amount;
    case 'sold_at':
      return (item) => item.soldAt.getTime();
    case 'lead_to_sale_hours':
      return (item) => item.leadToSaleHours;
    case 'product':
      return (item) => item.productId;
    case 'campaign':
      return (item) => item.campaignId;
    case 'source':
      return (item) => item.sourceId;
    case 'outlet':
      return (item) => item.outletId;
    case 'region':
      return (item) => item.regionId;
  }
}

type Value = bigint | number | string;

/** The operator's test against the condition's value(s), chosen once per condition. */
function tester(op: ConditionOp, one: Value | undefined, list: Value[]): (x: Value) => boolean {
  switch (op) {
    case 'eq':
      return (x) => x === one;
    case 'neq':
      return (x) => x !== one;
    case 'gt':
      return (x) => x > one!;
    case 'gte':
      return (x) => x >= one!;
    case 'lt':
      return (x) => x < one!;
    case 'lte':
      return (x) => x <= one!;
    case 'between': {
      const [low, high] = list;
      return (x) => x >= low! && x <= high!;
    }
    case 'in':
      return (x) => list.includes(x);
    case 'not_in':
      return (x) => !list.includes(x);
  }
}

export type Matcher = (item: ItemFacts) => boolean;

/**
 * One condition as a predicate. A missing fact (a sale without campaign, a lead never sold) equals
 * nothing: eq, in and every comparison fail, neq and not_in hold.
 */
function compileOne(c: Condition): Matcher {
  const kind = KIND_OF[c.field];
  const list = Array.isArray(c.value) ? c.value.map((v) => normalise(kind, v)) : [];
  const one = Array.isArray(c.value) ? undefined : normalise(kind, c.value);
  const test = tester(c.op, one, list);
  const fact = factReader(c.field);
  const holdsForMissing = c.op === 'neq' || c.op === 'not_in';
  if (kind === 'id')
    return (item) => {
      const x = fact(item);
      return x === null ? holdsForMissing : test((x as string).toLowerCase());
    };
  return (item) => {
    const x = fact(item);
    return x === null ? holdsForMissing : test(x);
  };
}

/** All conditions must match; an empty list matches every item. */
export function compileConditions(conditions: readonly Condition[]): Matcher {
  const matchers = conditions.map(compileOne);
  if (matchers.length === 0) return () => true;
  if (matchers.length === 1) return matchers[0]!;
  return (item) => {
    for (const m of matchers) if (!m(item)) return false;
    return true;
  };
}
