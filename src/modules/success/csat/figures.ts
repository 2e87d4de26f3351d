import { SURVEY_TYPES, type SurveyType } from '../tables/csat.tables.js';

/*
 * The numbers of CSAT and NPS (DESIGN §6), pure: CSAT types score 1–5, `nps` 0–10; NPS =
 * (promoters 9–10 − detractors 0–6) ÷ responses × 100. Every figure is computed from integer
 * counts and sums, so rounding works on the exact fraction, never on a float that is almost .5.
 */

export const isNps = (type: SurveyType) => type === 'nps';

/** The survey type in a sentence, with its article ("an NPS survey"). */
export const surveyInWords: Record<SurveyType, string> = {
  post_ticket: 'a post-ticket survey',
  quarterly: 'a quarterly survey',
  nps: 'an NPS survey',
  onboarding: 'an onboarding survey',
};

export function scoreRange(type: SurveyType): { min: number; max: number } {
  return isNps(type) ? { min: 0, max: 10 } : { min: 1, max: 5 };
}

/**
 * numerator ÷ denominator (integers, denominator > 0) rounded to `decimals` places, half away from
 * zero: 12.5 → 13 and −12.5 → −13. (`Math.round` would give −12: rounding towards +∞ makes a
 * negative NPS look better than the symmetric positive one looks good.)
 */
export function roundRatio(numerator: number, denominator: number, decimals = 0): number {
  const scale = 10 ** decimals;
  const magnitude = Math.floor((2 * Math.abs(numerator) * scale + denominator) / (2 * denominator));
  // No −0: a tiny negative NPS that rounds to nothing is 0.
  return numerator < 0 && magnitude > 0 ? -magnitude / scale : magnitude / scale;
}

/** Counts of one group of responses of one survey type (SQL gives them, see `tallySql`). */
export interface Tally {
  surveyType: SurveyType;
  n: number;
  sum: number;
  /** Scores 9–10 (meaningful for nps). */
  high: number;
  /** Scores 0–6 (meaningful for nps). */
  low: number;
}

export interface CsatFigures {
  responses: number;
  average: number | null;
}

export interface NpsFigures {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  score: number | null;
}

export function npsFigures(tallies: readonly Tally[]): NpsFigures {
  const nps = tallies.filter((t) => isNps(t.surveyType));
  const responses = sumOf(nps, 'n');
  const promoters = sumOf(nps, 'high');
  const detractors = sumOf(nps, 'low');
  return {
    responses,
    promoters,
    passives: responses - promoters - detractors,
    detractors,
    score: responses ? roundRatio((promoters - detractors) * 100, responses) : null,
  };
}

/** The CSAT average over the CSAT survey types (never nps, whose scale differs). */
export function csatFigures(tallies: readonly Tally[]): CsatFigures {
  const csat = tallies.filter((t) => !isNps(t.surveyType));
  const responses = sumOf(csat, 'n');
  return { responses, average: responses ? roundRatio(sumOf(csat, 'sum'), responses, 2) : null };
}

/** Every survey type, in a fixed order, with its count and average (its own scale). */
export function byType(tallies: readonly Tally[]) {
  return SURVEY_TYPES.map((type) => {
    const of = tallies.filter((t) => t.surveyType === type);
    const responses = sumOf(of, 'n');
    return {
      survey_type: type,
      responses,
      average_score: responses ? roundRatio(sumOf(of, 'sum'), responses, 2) : null,
    };
  });
}

export function figuresOf(tallies: readonly Tally[]) {
  return {
    total_responses: sumOf(tallies, 'n'),
    csat: csatFigures(tallies),
    nps: npsFigures(tallies),
    by_type: byType(tallies),
  };
}

const sumOf = (tallies: readonly Tally[], key: 'n' | 'sum' | 'high' | 'low') =>
  tallies.reduce((total, t) => total + t[key], 0);

/** A response that raises the low-score alert: CSAT ≤ 2 or NPS ≤ 6 (a detractor). */
export const isLowScore = (type: SurveyType, score: number) => (isNps(type) ? score <= 6 : score <= 2);

/** High for the worst answers (CSAT 1, NPS 0–3), medium for the rest of the low ones. */
export const lowScoreSeverity = (type: SurveyType, score: number): 'high' | 'medium' =>
  (isNps(type) ? score <= 3 : score <= 1) ? 'high' : 'medium';

/** The question a survey link asks, by type, and the words at the ends of its scale. */
export function questionOf(type: SurveyType) {
  const { min, max } = scoreRange(type);
  if (isNps(type))
    return {
      question: 'How likely are you to recommend us to a friend or colleague?',
      scale: { min, max, min_label: 'Not at all likely', max_label: 'Extremely likely' },
    };
  const about: Record<Exclude<SurveyType, 'nps'>, string> = {
    post_ticket: 'How satisfied are you with the support you received?',
    quarterly: 'How satisfied are you with our service over the last quarter?',
    onboarding: 'How satisfied are you with your onboarding?',
  };
  return {
    question: about[type],
    scale: { min, max, min_label: 'Very dissatisfied', max_label: 'Very satisfied' },
  };
}
