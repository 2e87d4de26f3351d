import type { TimelineKind } from './timeline.schemas.js';

type Facts = Record<string, unknown>;

const SUMMARY_LENGTH = 280;

/** Snake-case words as a label: `support_ticket` → `Support ticket`. */
const label = (value: unknown) => {
  const text = String(value ?? '').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

const short = (value: unknown): string | null => {
  if (typeof value !== 'string' || !value.trim()) return null;
  return value.length > SUMMARY_LENGTH ? `${value.slice(0, SUMMARY_LENGTH - 1)}…` : value;
};

const joined = (...parts: (string | null | false | undefined)[]) => parts.filter(Boolean).join(', ') || null;

const TITLES: Record<TimelineKind, (d: Facts) => { title: string; summary: string | null }> = {
  interaction: (d) => ({
    title: `${label(d.interaction_type)}: ${String(d.subject)}`,
    summary: short(d.description),
  }),
  csat_response: (d) => ({
    title:
      d.survey_type === 'nps'
        ? `NPS response: ${String(d.score)}/10`
        : `CSAT response (${label(d.survey_type).toLowerCase()}): ${String(d.score)}/5`,
    summary: short(d.feedback_text),
  }),
  alert: (d) => ({
    title: String(d.title),
    summary: joined(`${label(d.severity)} ${String(d.type).replace(/_/g, ' ')} alert`, String(d.status)),
  }),
  health_score: (d) => ({
    title: `Health score ${String(d.overall_score)} (${String(d.risk_level)} risk)`,
    summary: `${label(d.trend)}; adoption ${String(d.adoption_score)}, support ${String(d.support_score)}, engagement ${String(d.engagement_score)}, financial ${String(d.financial_score)}`,
  }),
  deployment_created: (d) => ({
    title: `Deployed ${String(d.product_name)}${d.version ? ` ${String(d.version)}` : ''}`,
    summary: joined(
      label(d.environment),
      d.licence_type ? `licence ${String(d.licence_type)}` : null,
      d.licence_expiry ? `expires ${String(d.licence_expiry)}` : null,
    ),
  }),
  deployment_deactivated: (d) => ({
    title: `Deactivated ${String(d.product_name)}${d.version ? ` ${String(d.version)}` : ''}`,
    summary: null,
  }),
  contract_start: (d) => ({
    title: 'Contract started',
    summary: joined(
      d.contract_value ? `${String(d.contract_value)} ${String(d.currency ?? '')}`.trim() : null,
      d.contract_end ? `until ${String(d.contract_end)}` : null,
    ),
  }),
  contract_end: (d) => ({
    title: 'Contract ended',
    summary: d.contract_start ? `started ${String(d.contract_start)}` : null,
  }),
};

/** The human line of one timeline event, from the facts its source selected. */
export const titleOf = (kind: TimelineKind, data: Facts) => TITLES[kind](data);
