import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { outletGeofence } from '../../catalog/index.js';
import { isActiveUserInScope } from '../../identity/index.js';
import { surveyQuestions } from '../tables/surveys.tables.js';
import { visitAnswers, visits } from '../tables/visits.tables.js';
import type { Answer } from './visits.schemas.js';

export type VisitRow = typeof visits.$inferSelect;
export type NewVisitRow = typeof visits.$inferInsert;

export async function visitByClientUuid(tx: Tx, tenantId: string, clientUuid: string) {
  const [row] = await tx.db
    .select()
    .from(visits)
    .where(and(eq(visits.tenantId, tenantId), eq(visits.clientUuid, clientUuid)));
  return row;
}

/** Inserts the visit unless its client_uuid is already taken (a concurrent retry); undefined then. */
export async function insertVisit(tx: Tx, values: NewVisitRow): Promise<VisitRow | undefined> {
  const [row] = await tx.db
    .insert(visits)
    .values(values)
    .onConflictDoNothing({ target: [visits.tenantId, visits.clientUuid] })
    .returning();
  return row;
}

export async function updateVisit(tx: Tx, tenantId: string, id: string, values: Partial<NewVisitRow>) {
  const [row] = await tx.db
    .update(visits)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(visits.tenantId, tenantId), eq(visits.id, id)))
    .returning();
  return row!;
}

/** The outlet's position and geofence (the catalogue's), for check-in and completion. */
export const outletOf = outletGeofence;

/** Whether `userId` is an active user of the tenant within the caller's data scope (identity's). */
export const userInScope = isActiveUserInScope;

export async function answersOfVisit(tx: Tx, tenantId: string, visitId: string): Promise<Answer[]> {
  const rows = await tx.db
    .select({
      questionId: visitAnswers.questionId,
      text: surveyQuestions.text,
      type: surveyQuestions.type,
      value: visitAnswers.value,
      createdAt: visitAnswers.createdAt,
    })
    .from(visitAnswers)
    .innerJoin(
      surveyQuestions,
      and(
        eq(surveyQuestions.tenantId, visitAnswers.tenantId),
        eq(surveyQuestions.id, visitAnswers.questionId),
      ),
    )
    .where(and(eq(visitAnswers.tenantId, tenantId), eq(visitAnswers.visitId, visitId)))
    .orderBy(asc(surveyQuestions.position), asc(surveyQuestions.id));
  return rows.map((r) => ({
    question_id: r.questionId,
    question_text: r.text,
    question_type: r.type,
    value: r.value,
    created_at: r.createdAt.toISOString(),
  }));
}
