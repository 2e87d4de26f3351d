import { sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { IsoDate, Uuid } from '../../../platform/http/schemas.js';
import { type CallContext, inTenant, scopePredicate } from '../../identity/index.js';
import { selectRows } from '../../../platform/db/rows.js';
import { percent, resolvePeriod } from '../analytics/period.js';
import { visits } from '../tables/visits.tables.js';

export const SurveyCompletionQuery = Type.Object({
  from: Type.Optional(
    Type.Union([IsoDate], { description: 'First planned day (inclusive); default 29 days before `to`' }),
  ),
  to: Type.Optional(Type.Union([IsoDate], { description: 'Last planned day (inclusive); default today' })),
  include_archived: Type.Boolean({ default: false, description: 'Also list archived surveys' }),
});
export type SurveyCompletionQuery = Static<typeof SurveyCompletionQuery>;

export const SurveyCompletion = Type.Object({
  survey_id: Uuid,
  title: Type.String(),
  is_active: Type.Boolean(),
  archived: Type.Boolean(),
  visits: Type.Integer({ description: 'Visits carrying the survey, planned in the period' }),
  completed: Type.Integer({ description: 'Of those, completed (the survey was answered)' }),
  cancelled: Type.Integer(),
  missed: Type.Integer(),
  completion_rate: Type.Number({ description: 'completed ÷ visits × 100, two decimals; 0 without visits' }),
});

export const SurveyCompletionReport = Type.Object({
  from: IsoDate,
  to: IsoDate,
  surveys: Type.Array(SurveyCompletion),
  total: Type.Integer(),
});

interface Row {
  id: string;
  title: string;
  is_active: boolean;
  archived: boolean;
  visits: number;
  completed: number;
  cancelled: number;
  missed: number;
}

export function createSurveyCompletionService(deps: { db: TenantDatabase }) {
  return {
    /**
     * Per survey: its visits planned in the period within the caller's data scope and how many were
     * completed. Every survey is listed (with zeros when unused), so an ignored survey shows up.
     */
    report(ctx: CallContext, query: SurveyCompletionQuery) {
      const period = resolvePeriod(query);
      return inTenant(deps, ctx, async (tx) => {
        const scope = scopePredicate(ctx.principal, visits.agentId);
        const rows = await selectRows<Row>(
          tx,
          sql`select s.id, s.title, s.is_active, s.archived_at is not null as archived,
              coalesce(v.visits, 0)::int as visits, coalesce(v.completed, 0)::int as completed,
              coalesce(v.cancelled, 0)::int as cancelled, coalesce(v.missed, 0)::int as missed
            from surveys s
            left join (
              select ${visits.surveyId} as survey_id, count(*) as visits,
                count(*) filter (where ${visits.status} = 'completed') as completed,
                count(*) filter (where ${visits.status} = 'cancelled') as cancelled,
                count(*) filter (where ${visits.status} = 'missed') as missed
              from ${visits}
              where ${visits.tenantId} = ${ctx.tenantId} and ${visits.surveyId} is not null
                and ${visits.plannedDate} between ${period.from} and ${period.to}
                ${scope ? sql`and ${scope}` : sql``}
              group by 1
            ) v on v.survey_id = s.id
            where s.tenant_id = ${ctx.tenantId}
              ${query.include_archived ? sql`` : sql`and (s.archived_at is null or v.visits > 0)`}
            order by coalesce(v.visits, 0) desc, s.title, s.id`,
        );
        return {
          from: period.from,
          to: period.to,
          surveys: rows.map((r) => ({
            survey_id: r.id,
            title: r.title,
            is_active: r.is_active,
            archived: r.archived,
            visits: r.visits,
            completed: r.completed,
            cancelled: r.cancelled,
            missed: r.missed,
            completion_rate: percent(r.completed, r.visits),
          })),
          total: rows.length,
        };
      });
    },
  };
}

export type SurveyCompletionService = ReturnType<typeof createSurveyCompletionService>;
