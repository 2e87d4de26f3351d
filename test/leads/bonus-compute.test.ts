import { describe, expect, it } from 'vitest';
import {
  compileRules,
  computeAgent,
  type BonusInput,
  type RuleDef,
} from '../../src/modules/leads/bonus/compute.js';
import {
  compileConditions,
  conditionErrors,
  type Condition,
} from '../../src/modules/leads/bonus/conditions.js';
import {
  displayMinor,
  fromMinor,
  percentOf,
  toMinor,
  toPercentScaled,
} from '../../src/modules/leads/bonus/money.js';

const P1 = '00000000-0000-7000-8000-0000000000a1';
const P2 = '00000000-0000-7000-8000-0000000000a2';
const END = new Date('2026-01-31T18:59:59.999Z');

let n = 0;
const sale = (amount: string, extra: Partial<BonusInput> = {}): BonusInput => {
  n++;
  return {
    kind: 'conversion',
    id: `c${String(n).padStart(3, '0')}`,
    agentId: 'agent',
    leadId: `l${n}`,
    amount: toMinor(amount),
    productId: P1,
    campaignId: null,
    sourceId: null,
    outletId: null,
    regionId: null,
    soldAt: new Date(Date.UTC(2026, 0, 1 + n)),
    leadToSaleHours: 10,
    ...extra,
  };
};

const rule = (over: Partial<RuleDef>): RuleDef => ({
  id: null,
  code: 'R1',
  name: 'rule',
  type: 'per_conversion',
  priority: 1,
  amount_type: 'fixed',
  amount: '0',
  basis: null,
  target: null,
  tiers: [],
  conditions: [],
  cap_per_item: null,
  cap_per_agent: null,
  ...over,
});

const run = (rules: RuleDef[], inputs: BonusInput[]) =>
  computeAgent(compileRules(rules, 'UZS'), 'agent', inputs, END).map((i) => ({
    rule: i.ruleCode,
    amount: fromMinor(i.amount),
    capped: i.capped,
    explanation: i.explanation,
  }));

describe('bonus money', () => {
  it.each([
    ['1200000.00', '5', '60000.00'],
    ['0.10', '5', '0.01'], // 0.005 rounds half up
    ['0.09', '5', '0.00'], // 0.0045 rounds down
    ['333.33', '2.5', '8.33'], // 8.33325
    ['100.00', '12.3456', '12.35'], // 12.3456
    ['999.99', '100', '999.99'],
  ])('%s × %s%% = %s (half up to the cent)', (base, pct, expected) => {
    expect(fromMinor(percentOf(toMinor(base), toPercentScaled(pct)))).toBe(expected);
  });
  it('formats thousands and parses numeric(18,4) output', () => {
    expect(displayMinor(toMinor('1200000.5'))).toBe('1,200,000.50');
    expect(toMinor('10.0000')).toBe(1000n);
  });
});

describe('bonus conditions', () => {
  const facts = sale('1500.00', { campaignId: P2, regionId: P1, soldAt: new Date('2026-01-10T12:00:00Z') });
  it.each<[Condition, boolean]>([
    [{ field: 'sale_amount', op: 'eq', value: '1500.00' }, true],
    [{ field: 'sale_amount', op: 'neq', value: '1500' }, false],
    [{ field: 'sale_amount', op: 'gt', value: '1499.99' }, true],
    [{ field: 'sale_amount', op: 'gte', value: '1500.01' }, false],
    [{ field: 'sale_amount', op: 'lt', value: '1500.01' }, true],
    [{ field: 'sale_amount', op: 'lte', value: '1499.99' }, false],
    [{ field: 'sale_amount', op: 'between', value: ['1000', '1500'] }, true],
    [{ field: 'sale_amount', op: 'in', value: ['1', '1500.00'] }, true],
    [{ field: 'sale_amount', op: 'not_in', value: ['1500'] }, false],
    [{ field: 'product', op: 'eq', value: P1 }, true],
    [{ field: 'product', op: 'in', value: [P2] }, false],
    [{ field: 'campaign', op: 'not_in', value: [P1] }, true],
    [{ field: 'source', op: 'eq', value: P1 }, false], // no source: equals nothing
    [{ field: 'source', op: 'neq', value: P1 }, true],
    [{ field: 'region', op: 'eq', value: P1.toUpperCase() }, true],
    [{ field: 'outlet', op: 'not_in', value: [P1] }, true],
    [{ field: 'sold_at', op: 'between', value: ['2026-01-10T00:00:00Z', '2026-01-10T23:59:59Z'] }, true],
    [{ field: 'sold_at', op: 'lt', value: '2026-01-10T12:00:00+05:00' }, false],
    [{ field: 'lead_to_sale_hours', op: 'lte', value: 10 }, true],
    [{ field: 'lead_to_sale_hours', op: 'gt', value: 10 }, false],
  ])('%j → %s', (condition, expected) => {
    expect(conditionErrors([condition], '/c')).toEqual([]);
    expect(compileConditions([condition])(facts)).toBe(expected);
  });

  it('refuses unknown fields and operators, and values that do not fit', () => {
    expect(
      conditionErrors(
        [
          { field: 'colour', op: 'eq', value: 'x' },
          { field: 'product', op: 'like', value: P1 },
          { field: 'product', op: 'gt', value: P1 },
          { field: 'sale_amount', op: 'between', value: ['5'] },
          { field: 'sale_amount', op: 'in', value: '5' },
          { field: 'sale_amount', op: 'eq', value: 5 },
          { field: 'sold_at', op: 'in', value: [] },
          { field: 'sale_amount', op: 'between', value: ['9', '5'] },
        ],
        '/body/conditions',
      ).map((e) => e.path),
    ).toEqual([
      '/body/conditions/0/field',
      '/body/conditions/1/op',
      '/body/conditions/2/op',
      '/body/conditions/3/value',
      '/body/conditions/4/value',
      '/body/conditions/5/value',
      '/body/conditions/6/op',
      '/body/conditions/7/value',
    ]);
  });
});

describe('bonus computation (hand-computed)', () => {
  it('per conversion fixed and percent; first matching rule by priority; cap per item', () => {
    const rules = [
      rule({ code: 'R2', priority: 2, amount_type: 'percent', amount: '5', cap_per_item: '50000.00' }),
      rule({
        code: 'R1',
        priority: 1,
        amount: '10000',
        conditions: [{ field: 'product', op: 'eq', value: P2 }],
      }),
    ];
    expect(run(rules, [sale('1200000.00'), sale('300000.00'), sale('999.00', { productId: P2 })])).toEqual([
      {
        rule: 'R2',
        amount: '50000.00',
        capped: true,
        explanation: '5% of 1,200,000.00 UZS sale, capped at 50,000.00 by rule R2',
      },
      { rule: 'R2', amount: '15000.00', capped: false, explanation: '5% of 300,000.00 UZS sale by rule R2' },
      { rule: 'R1', amount: '10000.00', capped: false, explanation: '10,000.00 UZS per sale by rule R1' },
    ]);
  });

  it('cap per agent and period is spent in order; what exceeds it is cut, down to zero', () => {
    const rules = [rule({ amount: '400', cap_per_agent: '1000' })];
    expect(run(rules, [sale('1'), sale('1'), sale('1'), sale('1')]).map((i) => [i.amount, i.capped])).toEqual(
      [
        ['400.00', false],
        ['400.00', false],
        ['200.00', true],
        ['0.00', true],
      ],
    );
  });

  it('per lead: fixed per lead, leads never take sale rules and sales never take lead rules', () => {
    const lead = sale('0', { kind: 'lead', leadToSaleHours: null });
    const rules = [
      rule({ code: 'L1', type: 'per_lead', amount: '2500' }),
      rule({ code: 'S1', priority: 2, amount: '1' }),
    ];
    expect(run(rules, [lead, sale('10')]).map((i) => [i.rule, i.amount, i.explanation])).toEqual([
      ['L1', '2500.00', '2,500.00 UZS per lead by rule L1'],
      ['S1', '1.00', '1.00 UZS per sale by rule S1'],
    ]);
  });

  it('tier: the highest tier reached by revenue sets the rate for every sale; below the first, the next rule applies', () => {
    const tiers = [
      { threshold: '1000.00', rate: '2' },
      { threshold: '3000.00', rate: '4' },
      { threshold: '9000.00', rate: '8' },
    ];
    const rules = [
      rule({ code: 'T1', type: 'tier', basis: 'revenue', tiers }),
      rule({ code: 'F', priority: 9, amount: '1' }),
    ];
    // Revenue 2,000 + 1,500 = 3,500 reaches tier 2 (4 %).
    expect(run(rules, [sale('2000'), sale('1500')])).toEqual([
      {
        rule: 'T1',
        amount: '80.00',
        capped: false,
        explanation: '4% of 2,000.00 UZS sale at tier 2 (revenue 3,500.00 ≥ 3000.00) by rule T1',
      },
      {
        rule: 'T1',
        amount: '60.00',
        capped: false,
        explanation: '4% of 1,500.00 UZS sale at tier 2 (revenue 3,500.00 ≥ 3000.00) by rule T1',
      },
    ]);
    expect(run(rules, [sale('999.99')]).map((i) => i.rule)).toEqual(['F']);
  });

  it('tier by count with fixed amounts', () => {
    const rules = [
      rule({
        type: 'tier',
        basis: 'count',
        tiers: [
          { threshold: '2', amount: '10' },
          { threshold: '3', amount: '25' },
        ],
      }),
    ];
    expect(run(rules, [sale('1'), sale('1')]).map((i) => i.amount)).toEqual(['10.00', '10.00']);
    expect(run(rules, [sale('1'), sale('1'), sale('1')]).map((i) => i.amount)).toEqual([
      '25.00',
      '25.00',
      '25.00',
    ]);
  });

  it('per target: one item per agent once reached, fixed or percent of the revenue; not reached → nothing', () => {
    const count = rule({ code: 'G1', type: 'per_target', basis: 'count', target: '3', amount: '100000' });
    const revenue = rule({
      code: 'G2',
      priority: 2,
      type: 'per_target',
      basis: 'revenue',
      target: '5000',
      amount_type: 'percent',
      amount: '1.5',
      cap_per_item: '70',
    });
    expect(run([count, revenue], [sale('2000'), sale('2000')])).toEqual([]);
    const items = run([count, revenue], [sale('2000'), sale('2000'), sale('1000')]);
    expect(items).toEqual([
      {
        rule: 'G1',
        amount: '100000.00',
        capped: false,
        explanation: 'target reached (count 3 ≥ 3): 100,000.00 UZS per period revenue by rule G1',
      },
      {
        rule: 'G2',
        amount: '70.00',
        capped: true,
        explanation:
          'target reached (revenue 5,000.00 ≥ 5000): 1.5% of 5,000.00 UZS period revenue, capped at 70.00 by rule G2',
      },
    ]);
  });

  it('conditions select what a target and a tier count', () => {
    const target = rule({
      type: 'per_target',
      basis: 'count',
      target: '2',
      amount: '7',
      conditions: [{ field: 'product', op: 'eq', value: P2 }],
    });
    expect(run([target], [sale('1'), sale('1'), sale('1', { productId: P2 })])).toEqual([]);
    expect(
      run([target], [sale('1', { productId: P2 }), sale('1', { productId: P2 })]).map((i) => i.amount),
    ).toEqual(['7.00']);
  });
});
