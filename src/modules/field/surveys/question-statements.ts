import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import type { CallContext } from '../../../platform/resource/index.js';
import { auditInsertOf, type AuditEntry, type AuditSource } from '../../identity/index.js';
import { surveyQuestions, surveys } from '../tables/surveys.tables.js';
import type { QuestionRow } from './surveys.repository.js';

/**
 * The statements of the question routes (add, update, delete/archive, reorder): each change locks
 * the survey's row (then the question's) and reads what the change checks (a change to one question
 * reads its answers once it holds the locks), then makes one write, which carries the renumbering,
 * the survey's updated_at and the audit row as CTEs. The survey's row lock serialises every change
 * to its order.
 */

type Audit = { source: AuditSource; entry: AuditEntry };

const auditCte = (tx: Tx, audit: Audit) =>
  tx.db.$with('audit_row', {}).as(auditInsertOf(audit.source, audit.entry));

/** The survey's updated_at, which reflects changes to its questions. */
const touchCte = (tx: Tx, tenantId: string, surveyId: string, now: Date) =>
  tx.db
    .$with('touched_survey', {})
    .as(sql`update surveys set updated_at = ${now} where tenant_id = ${tenantId} and id = ${surveyId}`);

/**
 * Renumbers the survey's active questions 1…n in their order, leaving out `except` (the question
 * being deleted or archived) and leaving a hole at `gapAt` (where a question goes in). Closes any gap
 * an older version left too; rows already in place are not touched.
 */
function renumberCte(
  tx: Tx,
  tenantId: string,
  surveyId: string,
  now: Date,
  o: { except?: string; gapAt?: number },
) {
  const target =
    o.gapAt === undefined ? sql`r.n` : sql`(r.n + case when r.n >= ${o.gapAt}::int then 1 else 0 end)`;
  const except: SQL = o.except ? sql`and id <> ${o.except}::uuid` : sql``;
  return tx.db.$with('renumbered', {}).as(
    sql`update survey_questions q set position = ${target}, updated_at = ${now}
      from (select id, row_number() over (order by position, id)::int as n from survey_questions
             where tenant_id = ${tenantId} and survey_id = ${surveyId} and archived_at is null ${except}) r
      where q.tenant_id = ${tenantId} and q.id = r.id and q.position <> ${target}`,
  );
}

/** The survey locked, with the ids of its active questions in order; 404 when there is none. */
export async function lockSurveyWithQuestions(tx: Tx, ctx: CallContext, surveyId: string): Promise<string[]> {
  const [row] = await tx.db
    .select({
      ids: sql<string[]>`(select coalesce(json_agg(q.id order by q.position, q.id), '[]')
        from survey_questions q where q.tenant_id = surveys.tenant_id and q.survey_id = surveys.id
          and q.archived_at is null)`,
    })
    // The subquery names the outer row as `surveys.…` in plain SQL: Drizzle writes a single-table
    // select's columns unqualified, which inside it would bind to survey_questions' own.
    .from(surveys)
    .where(and(eq(surveys.tenantId, ctx.tenantId), eq(surveys.id, surveyId)))
    .for('update');
  if (!row) throw notFound('Survey');
  return row.ids;
}

/**
 * The question with its survey, both locked (the survey first, as every change to its questions
 * takes it first, so concurrent changes queue instead of deadlocking), and its answers: whether it
 * has any and their distinct values (to keep answered options); 404 when there is no such question.
 * The answers are read by a second statement, once the locks are held: a completion that held the
 * question (its answers' key check) until it committed has its answers counted. Read in the locking
 * statement, they would come from before the wait, and an option just answered could be removed.
 */
export async function lockQuestion(tx: Tx, ctx: CallContext, id: string) {
  const [question] = await tx.db
    .select(getTableColumns(surveyQuestions))
    .from(surveys)
    .innerJoin(
      surveyQuestions,
      and(eq(surveyQuestions.tenantId, surveys.tenantId), eq(surveyQuestions.surveyId, surveys.id)),
    )
    .where(and(eq(surveyQuestions.tenantId, ctx.tenantId), eq(surveyQuestions.id, id)))
    .for('update', { of: [surveys, surveyQuestions] });
  if (!question) throw notFound('Question');
  const [answered] = await selectRows<{ answers: unknown[] }>(
    tx,
    sql`select coalesce(json_agg(d.value), '[]') as answers from (select distinct a.value
      from visit_answers a where a.tenant_id = ${ctx.tenantId} and a.question_id = ${id} limit 10000) d`,
  );
  return { question: question as QuestionRow, answers: answered!.answers };
}

/** Inserts the question at its position, moving the ones from there on one place down. */
export async function insertQuestionAudited(tx: Tx, values: QuestionRow, audit: Audit) {
  const renumbered = renumberCte(tx, values.tenantId, values.surveyId, values.createdAt, {
    gapAt: values.position,
  });
  const touched = touchCte(tx, values.tenantId, values.surveyId, values.createdAt);
  const [row] = await tx.db
    .with(renumbered, touched, auditCte(tx, audit))
    .insert(surveyQuestions)
    .values(values)
    .returning();
  return row!;
}

/** Updates the question's definition. */
export async function updateQuestionAudited(
  tx: Tx,
  question: QuestionRow,
  set: Partial<QuestionRow>,
  audit: Audit,
) {
  const touched = touchCte(tx, question.tenantId, question.surveyId, set.updatedAt!);
  const [row] = await tx.db
    .with(touched, auditCte(tx, audit))
    .update(surveyQuestions)
    .set(set)
    .where(and(eq(surveyQuestions.tenantId, question.tenantId), eq(surveyQuestions.id, question.id)))
    .returning();
  return row!;
}

/** Deletes the question, or archives it (`archive`), and moves the ones after it up. */
export async function removeQuestionAudited(
  tx: Tx,
  question: QuestionRow,
  archive: boolean,
  now: Date,
  audit: Audit,
) {
  const { tenantId, surveyId, id } = question;
  const gone = tx.db.$with('gone', {}).as(
    archive
      ? sql`update survey_questions set archived_at = ${now}, updated_at = ${now}
          where tenant_id = ${tenantId} and id = ${id}`
      : sql`delete from survey_questions where tenant_id = ${tenantId} and id = ${id}`,
  );
  const renumbered = renumberCte(tx, tenantId, surveyId, now, { except: id });
  const touched = touchCte(tx, tenantId, surveyId, now);
  await tx.db
    .with(gone, renumbered, touched, auditCte(tx, audit))
    .select({ done: sql`1` })
    .from(sql`(select 1) as one`);
}

/** Numbers the active questions 1…n in the order of `ids` (every one of them); the rows as stored. */
export async function reorderQuestionsAudited(
  tx: Tx,
  tenantId: string,
  surveyId: string,
  ids: string[],
  now: Date,
  audit: Audit,
) {
  const touched = touchCte(tx, tenantId, surveyId, now);
  const rows = await tx.db
    .with(touched, auditCte(tx, audit))
    .update(surveyQuestions)
    .set({ position: sql`o.n::int`, updatedAt: now })
    .from(sql`jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) with ordinality as o(id, n)`)
    .where(
      and(
        eq(surveyQuestions.tenantId, tenantId),
        sql`${surveyQuestions.id} = o.id::uuid`,
        eq(surveyQuestions.surveyId, surveyId),
        isNull(surveyQuestions.archivedAt),
      ),
    )
    .returning(getTableColumns(surveyQuestions));
  return rows.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
