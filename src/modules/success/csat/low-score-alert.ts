import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate, raiseCheckAlert } from '../../notify/index.js';
import type { SurveyType } from '../tables/csat.tables.js';
import { isLowScore, isNps, lowScoreSeverity, scoreRange, surveyInWords } from './figures.js';
import { dayEnd, dayStart } from './responses.js';

/** What raising an alert needs from the platform (mail and real-time delivery). */
export type AlertDeps = Parameters<typeof raiseCheckAlert>[0];

interface LowResponse {
  customerId: string;
  customerName: string;
  ownerId: string | null;
  surveyType: SurveyType;
  score: number;
  feedbackText: string | null;
}

const FEEDBACK_EXCERPT = 300;

/**
 * The alert about a customer's low answer: on the customer (so one per customer, type and day),
 * owned by its account manager, so their scope (and their managers') sees it.
 */
function alertOf(response: LowResponse): RaisedAlert {
  const { max } = scoreRange(response.surveyType);
  const what = isNps(response.surveyType) ? 'NPS answer' : 'CSAT';
  const survey = surveyInWords[response.surveyType];
  const feedback = response.feedbackText?.trim();
  const excerpt =
    feedback && feedback.length > FEEDBACK_EXCERPT ? `${feedback.slice(0, FEEDBACK_EXCERPT)}…` : feedback;
  return {
    severity: lowScoreSeverity(response.surveyType, response.score),
    title: `Low ${what} from ${response.customerName}: ${response.score} of ${max}`,
    description:
      `${survey[0]!.toUpperCase()}${survey.slice(1)} was answered with ${response.score} of ${max}.` +
      (excerpt ? ` Feedback: "${excerpt}"` : ''),
    entityType: 'customer',
    entityId: response.customerId,
    customerId: response.customerId,
    ownerId: response.ownerId,
  };
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Low answers (CSAT ≤ 2, NPS ≤ 6) of the tenant's today and yesterday, one per customer: its worst
 * one (the highest severity, then the newest). Submitting raises the alert at once (below); the
 * check is the safety net for responses stored any other way, and it looks back to yesterday so
 * that an answer of the last hour of a day is still seen by the next hourly run.
 */
export const lowCsatCheck: AlertCheck = {
  name: 'success.low-csat',
  type: 'low_csat',
  displayName: 'Low CSAT or NPS response',
  async run(tx, { tenantId, today, timeZone }) {
    const rows = await selectRows<LowResponse>(
      tx,
      sql`select distinct on (r.customer_id) r.customer_id as "customerId", c.name as "customerName",
          c.owner_id as "ownerId", r.survey_type as "surveyType", r.score, r.feedback_text as "feedbackText"
        from csat_responses r
        join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
        where r.tenant_id = ${tenantId}
          and (case when r.survey_type = 'nps' then r.score <= 6 else r.score <= 2 end)
          and r.submitted_at >= ${dayStart(addDays(today, -1), timeZone)}
          and r.submitted_at < ${dayEnd(today, timeZone)}
        order by r.customer_id,
          (case when r.survey_type = 'nps' then r.score <= 3 else r.score <= 1 end) desc,
          r.submitted_at desc`,
    );
    return rows.map(alertOf);
  },
};

/**
 * Raises the low-score alert for a response just stored, in its transaction (the alert exists
 * exactly when the response does), with the check's type, source and per-day key: a second low
 * answer of the customer the same day, or the check's next run, raises nothing more.
 */
export async function raiseLowScoreAlert(
  deps: AlertDeps,
  tx: Tx,
  tenantId: string,
  response: LowResponse,
): Promise<void> {
  if (!isLowScore(response.surveyType, response.score)) return;
  const { time_zone: timeZone } = await tenantSettingsOf(tx, tenantId);
  await raiseCheckAlert(deps, tx, lowCsatCheck, {
    ...alertOf(response),
    tenantId,
    today: localDate(new Date(), timeZone),
  });
}
