import { Type, type Static, type TSchema } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';

/** `null` first, so that type coercion never turns an explicit null into "" or 0. */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

export const SurveyType = Type.Union(
  [Type.Literal('post_ticket'), Type.Literal('quarterly'), Type.Literal('nps'), Type.Literal('onboarding')],
  { description: 'nps scores 0–10; the others are CSAT, scored 1–5' },
);

const Score = Type.Integer({
  minimum: 0,
  maximum: 10,
  description: '1–5 for CSAT survey types, 0–10 for `nps` (422 at `score` otherwise)',
});
const Feedback = Type.String({ maxLength: 5000 });
const PersonName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const TicketReference = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const CsatResponse = Type.Object({
  id: Uuid,
  customer_id: Uuid,
  customer_name: Type.String(),
  deployment_id: Nullable(Uuid),
  survey_type: SurveyType,
  score: Type.Integer(),
  feedback_text: Nullable(Type.String()),
  submitted_by_name: Nullable(Type.String()),
  submitted_by_email: Nullable(Type.String()),
  submitted_by_user: Nullable(
    Type.Union([Uuid], { description: 'The user who recorded it; null when answered through a link' }),
  ),
  ticket_reference: Nullable(Type.String()),
  link_id: Nullable(Type.Union([Uuid], { description: 'The survey link it was answered through' })),
  submitted_at: IsoDateTime,
  created_at: IsoDateTime,
});
export type CsatResponse = Static<typeof CsatResponse>;

export const CSAT_SORT = ['submitted_at', 'score', 'created_at'] as const;

export const CsatListQuery = Type.Object({
  ...PaginationQuery.properties,
  customer_id: Type.Optional(Uuid),
  survey_type: Type.Optional(SurveyType),
  deployment_id: Type.Optional(Uuid),
  min_score: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  max_score: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  from: Type.Optional(Type.Union([IsoDate], { description: 'Submitted on or after this day (tenant time)' })),
  to: Type.Optional(Type.Union([IsoDate], { description: 'Submitted on or before this day (tenant time)' })),
  sort: sortQuery(CSAT_SORT, '-submitted_at'),
});
export type CsatListQuery = Static<typeof CsatListQuery>;

export const CreateCsatBody = Type.Object({
  customer_id: Uuid,
  deployment_id: Type.Optional(
    Nullable(Type.Union([Uuid], { description: "One of the customer's deployments" })),
  ),
  survey_type: SurveyType,
  score: Score,
  feedback_text: Type.Optional(Nullable(Feedback)),
  submitted_by_name: Type.Optional(Nullable(PersonName)),
  submitted_by_email: Type.Optional(Nullable(Email)),
  ticket_reference: Type.Optional(Nullable(TicketReference)),
  submitted_at: Type.Optional(
    Type.String({ format: 'date-time', description: 'When the customer answered; default now, never ahead' }),
  ),
});
export type CreateCsatBody = Static<typeof CreateCsatBody>;

export const CsatFigures = Type.Object({
  responses: Type.Integer({
    description: 'Responses of the CSAT types (post_ticket, quarterly, onboarding)',
  }),
  average: Nullable(Type.Number({ description: 'Average score, 2 decimals; null without responses' })),
});
export const NpsFigures = Type.Object({
  responses: Type.Integer(),
  promoters: Type.Integer({ description: 'Scores 9–10' }),
  passives: Type.Integer({ description: 'Scores 7–8' }),
  detractors: Type.Integer({ description: 'Scores 0–6' }),
  score: Nullable(
    Type.Integer({
      description:
        '(promoters − detractors) ÷ responses × 100, rounded half away from zero (12.5 → 13, −12.5 → −13); null without responses',
    }),
  ),
});
export const TypeBreakdown = Type.Object({
  survey_type: SurveyType,
  responses: Type.Integer(),
  average_score: Nullable(Type.Number()),
});

export const CsatSummary = Type.Object({
  customer_id: Uuid,
  customer_name: Type.String(),
  total_responses: Type.Integer(),
  last_response_at: Nullable(IsoDateTime),
  csat: CsatFigures,
  nps: NpsFigures,
  by_type: Type.Array(TypeBreakdown),
  latest: Type.Array(CsatResponse, { description: 'The five newest responses' }),
});
export type CsatSummary = Static<typeof CsatSummary>;

export const AnalyticsQuery = Type.Object({
  from: Type.Optional(
    Type.Union([IsoDate], {
      description: 'First day (tenant time); default the first of the month 11 months ago',
    }),
  ),
  to: Type.Optional(Type.Union([IsoDate], { description: 'Last day (tenant time); default today' })),
});
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

export const MonthTrend = Type.Object({
  month: Type.String({ description: 'YYYY-MM in the tenant time zone' }),
  responses: Type.Integer(),
  csat_responses: Type.Integer(),
  average_csat: Nullable(Type.Number()),
  nps_responses: Type.Integer(),
  nps: Nullable(Type.Integer()),
});

export const CsatAnalytics = Type.Object({
  from: IsoDate,
  to: IsoDate,
  time_zone: Type.String(),
  total_responses: Type.Integer(),
  csat: CsatFigures,
  nps: NpsFigures,
  by_type: Type.Array(TypeBreakdown),
  trends: Type.Array(MonthTrend, { description: 'Every month of the period, oldest first' }),
});
export type CsatAnalytics = Static<typeof CsatAnalytics>;

export const MAX_LINK_DAYS = 90;

export const CreateSurveyLinkBody = Type.Object({
  customer_id: Uuid,
  survey_type: SurveyType,
  deployment_id: Type.Optional(Nullable(Uuid)),
  recipient_name: Type.Optional(Nullable(PersonName)),
  recipient_email: Type.Optional(Nullable(Email)),
  ticket_reference: Type.Optional(Nullable(TicketReference)),
  expires_in_days: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_LINK_DAYS, description: 'Default 7; not with expires_at' }),
  ),
  expires_at: Type.Optional(
    Type.String({ format: 'date-time', description: `In the future, at most ${MAX_LINK_DAYS} days ahead` }),
  ),
});
export type CreateSurveyLinkBody = Static<typeof CreateSurveyLinkBody>;

export const SurveyLink = Type.Object({
  id: Uuid,
  url: Type.String({ description: 'The public survey page (PUBLIC_URL)' }),
  token: Type.String({ description: 'Signed; names the tenant, the link and its expiry' }),
  expires_at: IsoDateTime,
  customer_id: Uuid,
  deployment_id: Nullable(Uuid),
  survey_type: SurveyType,
  recipient_name: Nullable(Type.String()),
  recipient_email: Nullable(Type.String()),
  ticket_reference: Nullable(Type.String()),
  created_at: IsoDateTime,
});
export type SurveyLink = Static<typeof SurveyLink>;

export const TokenParams = Type.Object({ token: Type.String({ description: 'The survey link token' }) });
export type TokenParams = Static<typeof TokenParams>;

export const PublicSurveyInfo = Type.Object({
  tenant_name: Type.String(),
  question: Type.String(),
  scale: Type.Object({
    min: Type.Integer(),
    max: Type.Integer(),
    min_label: Type.String(),
    max_label: Type.String(),
  }),
});
export type PublicSurveyInfo = Static<typeof PublicSurveyInfo>;

export const PublicSubmitBody = Type.Object({
  score: Score,
  feedback_text: Type.Optional(Nullable(Feedback)),
  submitted_by_name: Type.Optional(Nullable(PersonName)),
  submitted_by_email: Type.Optional(Nullable(Email)),
});
export type PublicSubmitBody = Static<typeof PublicSubmitBody>;

export const PublicSubmitResult = Type.Object({ message: Type.String() });

/** The no-script form post: every field arrives as text and is checked by the handler. */
export const SurveyFormBody = Type.Object({
  score: Type.Optional(Type.String({ maxLength: 10 })),
  feedback_text: Type.Optional(Type.String({ maxLength: 20_000 })),
  submitted_by_name: Type.Optional(Type.String({ maxLength: 1000 })),
  submitted_by_email: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type SurveyFormBody = Static<typeof SurveyFormBody>;
