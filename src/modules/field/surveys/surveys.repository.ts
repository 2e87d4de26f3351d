import { and, asc, count, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { surveyQuestions, type surveys } from '../tables/surveys.tables.js';
import { visitAnswers, visits } from '../tables/visits.tables.js';
import { goals } from '../tables/goals.tables.js';
import { selectRows } from '../../../platform/db/rows.js';

export type SurveyRow = typeof surveys.$inferSelect;
export type QuestionRow = typeof surveyQuestions.$inferSelect;

/** The survey's questions in order; archived ones only when asked. */
export function questionsOf(tx: Tx, tenantId: string, surveyId: string, includeArchived = false) {
  return tx.db
    .select()
    .from(surveyQuestions)
    .where(
      and(
        eq(surveyQuestions.tenantId, tenantId),
        eq(surveyQuestions.surveyId, surveyId),
        includeArchived ? undefined : isNull(surveyQuestions.archivedAt),
      ),
    )
    .orderBy(asc(surveyQuestions.position), asc(surveyQuestions.id));
}

/** Active question counts per survey. */
export async function questionCounts(tx: Tx, tenantId: string, surveyIds: string[]) {
  if (surveyIds.length === 0) return new Map<string, number>();
  const rows = await tx.db
    .select({ surveyId: surveyQuestions.surveyId, n: count() })
    .from(surveyQuestions)
    .where(
      and(
        eq(surveyQuestions.tenantId, tenantId),
        inArray(surveyQuestions.surveyId, surveyIds),
        isNull(surveyQuestions.archivedAt),
      ),
    )
    .groupBy(surveyQuestions.surveyId);
  return new Map(rows.map((r) => [r.surveyId, Number(r.n)]));
}

/** How many active questions the survey has: the last position in its dense 1…n order. */
export async function activeQuestionCount(tx: Tx, tenantId: string, surveyId: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: count() })
    .from(surveyQuestions)
    .where(
      and(
        eq(surveyQuestions.tenantId, tenantId),
        eq(surveyQuestions.surveyId, surveyId),
        isNull(surveyQuestions.archivedAt),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Moves the active questions at `position` and after one place down, to make room for an insert. */
export async function shiftQuestionsFrom(tx: Tx, tenantId: string, surveyId: string, position: number) {
  await tx.db
    .update(surveyQuestions)
    .set({ position: sql`${surveyQuestions.position} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(surveyQuestions.tenantId, tenantId),
        eq(surveyQuestions.surveyId, surveyId),
        isNull(surveyQuestions.archivedAt),
        gte(surveyQuestions.position, position),
      ),
    );
}

/**
 * Renumbers the active questions 1…n in their current order (after a delete or archive left a
 * gap); archived questions keep the position they had. Rows already in place are not touched.
 */
export async function renumberActiveQuestions(tx: Tx, tenantId: string, surveyId: string) {
  await tx.sql.query(
    `update survey_questions q set position = r.n, updated_at = now()
       from (select id, row_number() over (order by position, id)::int as n from survey_questions
              where tenant_id = $1 and survey_id = $2 and archived_at is null) r
      where q.tenant_id = $1 and q.id = r.id and q.position <> r.n`,
    [tenantId, surveyId],
  );
}

/** Whether a visit or a goal names the survey: it is then archived rather than deleted. */
export async function surveyIsReferenced(tx: Tx, tenantId: string, surveyId: string): Promise<boolean> {
  const [row] = await selectRows<{ used: boolean }>(
    tx,
    sql`select exists (select 1 from ${visits} where tenant_id = ${tenantId} and survey_id = ${surveyId})
      or exists (select 1 from ${goals} where tenant_id = ${tenantId} and survey_id = ${surveyId}) as used`,
  );
  return row!.used;
}

/** The distinct answer values given to a question (to keep answered options when editing). */
export async function answersOf(tx: Tx, tenantId: string, questionId: string): Promise<unknown[]> {
  const rows = await tx.db
    .selectDistinct({ value: visitAnswers.value })
    .from(visitAnswers)
    .where(and(eq(visitAnswers.tenantId, tenantId), eq(visitAnswers.questionId, questionId)))
    .limit(10_000);
  return rows.map((r) => r.value);
}

export async function questionHasAnswers(tx: Tx, tenantId: string, questionId: string): Promise<boolean> {
  const rows = await tx.db
    .select({ one: sql`1` })
    .from(visitAnswers)
    .where(and(eq(visitAnswers.tenantId, tenantId), eq(visitAnswers.questionId, questionId)))
    .limit(1);
  return rows.length > 0;
}
