import { describe, expect, it } from 'vitest';
import { healthDropOf, type ScoreFacts } from '../../src/modules/success/health/drop-reasons.js';
import { expirySeverity, expiryThreshold } from '../../src/modules/success/health/checks.js';
import {
  adoptionScore,
  computeHealth,
  engagementScore,
  financialScore,
  isNewContract,
  overallScore,
  riskOf,
  supportScore,
  trendOf,
  type HealthInputs,
  type InteractionCounts,
} from '../../src/modules/success/health/score.js';
import { statusAfterScore } from '../../src/modules/success/health/status.js';

const NONE: InteractionCounts = {
  support_tickets: 0,
  escalations: 0,
  negative: 0,
  meetings: 0,
  calls: 0,
  emails: 0,
  trainings: 0,
};
const DEFAULT_WEIGHTS = { adoption: 20, support: 30, engagement: 25, financial: 25 };
const TODAY = '2025-06-15';

describe('health score formula', () => {
  it('adoption: 0, 1, 2, exactly 3 and more products; the new-contract bonus capped at 100', () => {
    expect([0, 1, 2, 3, 4, 9].map((n) => adoptionScore(n, false))).toEqual([0, 40, 70, 100, 100, 100]);
    expect([0, 1, 2, 3].map((n) => adoptionScore(n, true))).toEqual([10, 50, 80, 100]);
  });

  it('new contract: started 0..89 days ago; exactly 90 days old, in the future or unknown is not new', () => {
    expect(isNewContract(TODAY, TODAY)).toBe(true);
    expect(isNewContract(TODAY, '2025-03-18')).toBe(true); // 89 days
    expect(isNewContract(TODAY, '2025-03-17')).toBe(false); // exactly 90 days
    expect(isNewContract(TODAY, '2025-06-16')).toBe(false); // starts tomorrow
    expect(isNewContract(TODAY, null)).toBe(false);
  });

  it('support: 100 − 2/ticket − 10/escalation − 5/negative, clamped to 0', () => {
    expect(supportScore(NONE)).toBe(100);
    expect(supportScore({ ...NONE, support_tickets: 3, escalations: 1, negative: 2 })).toBe(74);
    expect(supportScore({ ...NONE, support_tickets: 50 })).toBe(0);
    expect(supportScore({ ...NONE, escalations: 9, negative: 3 })).toBe(0);
    expect(supportScore({ ...NONE, escalations: 10 })).toBe(0);
  });

  it('engagement: 15/meeting + 10/call + 5/email + 10/training, at most 100', () => {
    expect(engagementScore(NONE)).toBe(0);
    expect(engagementScore({ ...NONE, meetings: 1, calls: 1, emails: 1, trainings: 1 })).toBe(40);
    expect(engagementScore({ ...NONE, meetings: 6, emails: 2 })).toBe(100);
    expect(engagementScore({ ...NONE, meetings: 7 })).toBe(100);
    expect(engagementScore({ ...NONE, emails: 19 })).toBe(95);
  });

  it('financial: days to contract end at every edge', () => {
    const cases: [number | null, number][] = [
      [null, 50],
      [-1, 0],
      [0, 20],
      [29, 20],
      [30, 50],
      [89, 50],
      [90, 80],
      [179, 80],
      [180, 100],
      [1000, 100],
    ];
    for (const [days, score] of cases) expect(financialScore(days), String(days)).toBe(score);
  });

  it('overall: weighted sum truncated, with default and custom weights', () => {
    const scores = { adoption: 70, support: 74, engagement: 45, financial: 80 };
    // 0.2·70 + 0.3·74 + 0.25·45 + 0.25·80 = 14 + 22.2 + 11.25 + 20 = 67.45 → 67
    expect(overallScore(scores, DEFAULT_WEIGHTS)).toBe(67);
    // 0.25·(99 + 99 + 99 + 98) = 98.75 → 98 (truncated, not rounded)
    expect(
      overallScore(
        { adoption: 99, support: 99, engagement: 99, financial: 98 },
        { adoption: 25, support: 25, engagement: 25, financial: 25 },
      ),
    ).toBe(98);
    expect(overallScore(scores, { adoption: 100, support: 0, engagement: 0, financial: 0 })).toBe(70);
    expect(overallScore({ adoption: 1, support: 1, engagement: 1, financial: 0 }, DEFAULT_WEIGHTS)).toBe(0);
  });

  it('risk at exactly 80, 60, 40', () => {
    expect([100, 80, 79, 60, 59, 40, 39, 0].map(riskOf)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });

  it('trend at exactly +5 and −5; no base is stable', () => {
    expect(trendOf(65, 60)).toBe('improving');
    expect(trendOf(64, 60)).toBe('stable');
    expect(trendOf(56, 60)).toBe('stable');
    expect(trendOf(55, 60)).toBe('declining');
    expect(trendOf(10, null)).toBe('stable');
  });

  it('computes a whole score with factors that explain every component', () => {
    const inputs: HealthInputs = {
      today: TODAY,
      products: ['A', 'B'],
      contractStart: '2025-04-01', // 75 days: new contract
      contractEnd: '2025-09-15', // 92 days left → 80
      counts: {
        support_tickets: 3,
        escalations: 1,
        negative: 2,
        meetings: 1,
        calls: 2,
        emails: 2,
        trainings: 0,
      },
      previousScore: 70,
      weights: DEFAULT_WEIGHTS,
    };
    const score = computeHealth(inputs);
    // adoption 80, support 74, engagement 15 + 20 + 10 = 45, financial 80
    // 0.2·80 + 0.3·74 + 0.25·45 + 0.25·80 = 16 + 22.2 + 11.25 + 20 = 69.45 → 69
    expect(score).toMatchObject({
      overall: 69,
      adoption: 80,
      support: 74,
      engagement: 45,
      financial: 80,
      risk: 'medium',
      trend: 'stable',
    });
    expect(score.factors).toEqual({
      adoption: {
        active_products: 2,
        products: ['A', 'B'],
        contract_start: '2025-04-01',
        contract_age_days: 75,
        new_contract_bonus: true,
        score: 80,
      },
      support: { support_tickets: 3, escalations: 1, negative: 2, score: 74 },
      engagement: { meetings: 1, calls: 2, emails: 2, trainings: 0, score: 45 },
      financial: { contract_end: '2025-09-15', days_to_end: 92, expired: false, score: 80 },
      window: { from: '2025-03-18', to: TODAY, days: 90 },
      trend: { previous_score: 70, change: -1 },
      weights: DEFAULT_WEIGHTS,
    });
  });

  it('an expired contract and no contract at all', () => {
    const base = { today: TODAY, products: [], counts: NONE, previousScore: null, weights: DEFAULT_WEIGHTS };
    const expired = computeHealth({ ...base, contractStart: '2020-01-01', contractEnd: '2025-06-14' });
    expect(expired.factors.financial).toEqual({
      contract_end: '2025-06-14',
      days_to_end: -1,
      expired: true,
      score: 0,
    });
    // 0 + 30 + 0 + 0 = 30 → critical
    expect(expired).toMatchObject({ overall: 30, risk: 'critical' });
    const none = computeHealth({ ...base, contractStart: null, contractEnd: null });
    expect(none.factors.financial).toEqual({
      contract_end: null,
      days_to_end: null,
      expired: false,
      score: 50,
    });
    expect(none.factors.adoption.contract_age_days).toBeNull();
    // 0 + 30 + 0 + 12.5 = 42.5 → 42
    expect(none).toMatchObject({ overall: 42, risk: 'high' });
  });
});

describe('status after a score', () => {
  it('moves active/onboarding to at_risk on high or critical, at_risk back to active, never churned', () => {
    expect(statusAfterScore('active', 'high')).toBe('at_risk');
    expect(statusAfterScore('active', 'critical')).toBe('at_risk');
    expect(statusAfterScore('active', 'medium')).toBe('active');
    expect(statusAfterScore('onboarding', 'critical')).toBe('at_risk');
    expect(statusAfterScore('onboarding', 'low')).toBe('onboarding');
    expect(statusAfterScore('at_risk', 'medium')).toBe('active');
    expect(statusAfterScore('at_risk', 'low')).toBe('active');
    expect(statusAfterScore('at_risk', 'high')).toBe('at_risk');
    expect(statusAfterScore('churned', 'critical')).toBe('churned');
    expect(statusAfterScore('churned', 'low')).toBe('churned');
  });
});

describe('health drop reasons', () => {
  const s = (overall: number, c: Partial<ScoreFacts> = {}): ScoreFacts => ({
    overall,
    adoption: 70,
    support: 70,
    engagement: 70,
    financial: 70,
    ...c,
  });

  it('high and critical risk', () => {
    expect(healthDropOf({ ...s(45), risk: 'high' }, [])).toEqual({
      severity: 'high',
      reasons: ['Risk is high (score 45).'],
    });
    expect(healthDropOf({ ...s(20), risk: 'critical' }, [])?.severity).toBe('critical');
    expect(healthDropOf({ ...s(70), risk: 'medium' }, [])).toBeNull();
  });

  it('a component falling 15 points or more (14 is not enough)', () => {
    const drop = healthDropOf({ ...s(70, { support: 55, engagement: 56 }), risk: 'medium' }, [s(72)]);
    expect(drop).toEqual({ severity: 'medium', reasons: ['Support fell 15 points (70 → 55).'] });
  });

  it('the third decline in a row, not the second, not with a tie', () => {
    const now = { ...s(70), risk: 'medium' as const };
    expect(healthDropOf(now, [s(71), s(72), s(73)])?.reasons).toEqual([
      'Third decline in a row (73 → 72 → 71 → 70).',
    ]);
    expect(healthDropOf(now, [s(71), s(72)])).toBeNull();
    expect(healthDropOf(now, [s(71), s(72), s(72)])).toBeNull();
    expect(healthDropOf(now, [s(71), s(70), s(73)])).toBeNull();
  });

  it('lists every reason, at the highest severity', () => {
    const drop = healthDropOf({ ...s(30, { adoption: 40 }), risk: 'critical' }, [s(50), s(60), s(65)]);
    expect(drop).toEqual({
      severity: 'critical',
      reasons: [
        'Risk is critical (score 30).',
        'Adoption fell 30 points (70 → 40).',
        'Third decline in a row (65 → 60 → 50 → 30).',
      ],
    });
  });
});

describe('expiry alerts', () => {
  it('severity by days left and the 30/60/90 threshold', () => {
    expect([0, 7, 8, 14, 15, 30, 31, 90].map(expirySeverity)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
    ]);
    expect([0, 30, 31, 60, 61, 90].map(expiryThreshold)).toEqual([30, 30, 60, 60, 90, 90]);
  });
});
