import { and, asc, count, eq, inArray, isNull, max, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { surveyQuestions, type surveys } from '../tables/surveys.tables.js';
import { visitAnswers, visits } from '../tables/visits.tables.js';

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

export async function nextQuestionPosition(tx: Tx, tenantId: string, surveyId: string): Promise<number> {
  const [row] = await tx.db
    .select({ last: max(surveyQuestions.position) })
    .from(surveyQuestions)
    .where(and(eq(surveyQuestions.tenantId, tenantId), eq(surveyQuestions.surveyId, surveyId)));
  return (row?.last ?? 0) + 1;
}

export async function surveyHasVisits(tx: Tx, tenantId: string, surveyId: string): Promise<boolean> {
  const rows = await tx.db
    .select({ one: sql`1` })
    .from(visits)
    .where(and(eq(visits.tenantId, tenantId), eq(visits.surveyId, surveyId)))
    .limit(1);
  return rows.length > 0;
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
