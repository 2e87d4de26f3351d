import type { InteractionType, Sentiment } from '../tables/interactions.tables.js';
import type { SurveyType } from '../tables/csat.tables.js';
import type { DemoAccount } from './accounts.js';

export interface DemoInteraction {
  daysAgo: number;
  hour: number;
  type: InteractionType;
  sentiment: Sentiment;
  subject: string;
  followUpInDays: number | null;
}

export interface DemoResponse {
  daysAgo: number;
  type: SurveyType;
  score: number;
  feedback: string | null;
}

const SUBJECTS: Record<InteractionType, readonly string[]> = {
  support_ticket: [
    'Login issue after update',
    'Report export slow',
    'API timeout on sync',
    'Licence key question',
  ],
  meeting: [
    'Quarterly business review',
    'Roadmap walkthrough',
    'Renewal planning',
    'Executive sponsor check-in',
  ],
  email: ['Release notes sent', 'Invoice clarification', 'Training materials shared', 'Usage summary'],
  call: ['Check-in call', 'Escalation follow-up call', 'Adoption review call', 'Renewal pricing call'],
  escalation: ['Production outage escalated', 'Data sync failure escalated', 'SLA breach complaint'],
  training: ['Admin training session', 'New module onboarding', 'Power-user workshop'],
};

const HEALTHY_MIX: readonly InteractionType[] = [
  'meeting',
  'call',
  'email',
  'training',
  'call',
  'email',
  'support_ticket',
];
const TROUBLED_MIX: readonly InteractionType[] = [
  'support_ticket',
  'support_ticket',
  'escalation',
  'email',
  'call',
];

/** Days since the account's first day with us (a new account has no older history). */
const historyDays = (a: DemoAccount) => Math.min(365, a.startedDaysAgo);

/**
 * A year of interactions telling the account's story: a steady rhythm for healthy accounts;
 * declining ones turn to tickets, escalations and negative sentiment in the last four months;
 * silent ones stop talking two months ago; churned ones go quiet after their contract ended.
 */
export function interactionsOf(a: DemoAccount, rand: () => number): DemoInteraction[] {
  const out: DemoInteraction[] = [];
  const quietAfter = a.story === 'silent' ? 45 + Math.floor(rand() * 20) : a.story === 'churned' ? 60 : 0;
  for (let daysAgo = historyDays(a); daysAgo >= 1; daysAgo -= 4 + Math.floor(rand() * 9)) {
    if (daysAgo < quietAfter) break;
    const troubled = a.story === 'declining' && daysAgo < 120;
    const mix = troubled ? TROUBLED_MIX : HEALTHY_MIX;
    const type = mix[Math.floor(rand() * mix.length)]!;
    const r = rand();
    const sentiment: Sentiment = troubled
      ? r < 0.6
        ? 'negative'
        : 'neutral'
      : r < 0.08
        ? 'negative'
        : r < 0.55
          ? 'positive'
          : 'neutral';
    const subjects = SUBJECTS[type];
    const wantsFollowUp = type === 'escalation' || type === 'meeting' || rand() < 0.1;
    out.push({
      daysAgo,
      hour: 9 + Math.floor(rand() * 8),
      type,
      sentiment,
      subject: subjects[Math.floor(rand() * subjects.length)]!,
      // Recent follow-ups stay open: some overdue, some due this week, some ahead.
      followUpInDays: wantsFollowUp ? 2 + Math.floor(rand() * 12) : null,
    });
  }
  return out;
}

const PRAISE = ['Great support team', 'Very responsive account manager', 'The new release works well', null];
const COMPLAINTS = ['Outage hurt our operations', 'Tickets take too long', 'Considering alternatives', null];

/** CSAT after tickets and each quarter, NPS twice a year; declining accounts score low lately. */
export function responsesOf(a: DemoAccount, rand: () => number): DemoResponse[] {
  const out: DemoResponse[] = [];
  for (let daysAgo = historyDays(a) - 5; daysAgo >= 2; daysAgo -= 25 + Math.floor(rand() * 40)) {
    if (a.story === 'silent' && daysAgo < 45) break;
    const unhappy = (a.story === 'declining' && daysAgo < 120) || (a.story === 'churned' && daysAgo < 150);
    const type: SurveyType =
      a.story === 'new' && daysAgo < 40
        ? 'onboarding'
        : out.length % 3 === 2
          ? 'nps'
          : rand() < 0.5
            ? 'post_ticket'
            : 'quarterly';
    const score =
      type === 'nps'
        ? unhappy
          ? 2 + Math.floor(rand() * 5)
          : 7 + Math.floor(rand() * 4)
        : unhappy
          ? 1 + Math.floor(rand() * 2)
          : 3 + Math.floor(rand() * 3);
    const notes = unhappy ? COMPLAINTS : PRAISE;
    out.push({ daysAgo, type, score, feedback: notes[Math.floor(rand() * notes.length)]! });
  }
  return out;
}
