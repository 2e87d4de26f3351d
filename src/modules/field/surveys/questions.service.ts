import { and, eq, isNull } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { surveyQuestions, surveys } from '../tables/surveys.tables.js';
import { checkQuestionDefinition } from './question-rules.js';
import {
  activeQuestionCount,
  answersOf,
  questionHasAnswers,
  questionsOf,
  renumberActiveQuestions,
  shiftQuestionsFrom,
} from './surveys.repository.js';
import type {
  AddQuestionBody,
  QuestionListQuery,
  QuestionOrderBody,
  UpdateQuestionBody,
} from './surveys.schemas.js';
import { questionValues, surveyResource, toQuestionJson } from './surveys.service.js';

/** Questions are addressed one by one; they are listed only as their survey's ordered set. */
const questionResource = defineResource({
  table: surveyQuestions,
  name: 'Question',
  tenantId: surveyQuestions.tenantId,
  id: surveyQuestions.id,
  sorts: { position: surveyQuestions.position },
});

const questionAnswered = (detail: string) => new AppError(409, 'QUESTION_ANSWERED', detail);

/** Choice values an answer holds (a string for single choice, a list for multiple choice). */
const chosen = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];

export function createQuestionsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  /** Touches the survey so its updated_at reflects question changes (and serialises concurrent edits). */
  async function touchSurvey(tx: Tx, tenantId: string, surveyId: string) {
    await tx.db
      .update(surveys)
      .set({ updatedAt: new Date() })
      .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
  }

  /**
   * Locks the question's survey, then the question: every change to a survey's questions takes
   * the survey's row first (as add and reorder do), so concurrent edits queue instead of
   * deadlocking, and the order they renumber is the one the previous edit left.
   */
  async function lockQuestionAndSurvey(tx: Tx, ctx: CallContext, id: string) {
    const { surveyId } = await questionResource.find(tx, ctx, id);
    await surveyResource.find(tx, ctx, surveyId, { lock: true });
    return questionResource.find(tx, ctx, id, { lock: true });
  }

  /** The audit row of a change to one question. */
  function audit(
    tx: Tx,
    ctx: CallContext,
    action: string,
    id: string,
    changes: Parameters<typeof writeAudit>[2]['changes'],
  ) {
    return writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'survey_question',
      entityId: id,
      changes,
    });
  }

  return {
    list(ctx: CallContext, surveyId: string, query: QuestionListQuery) {
      return tenantTx(ctx, async (tx) => {
        await surveyResource.find(tx, ctx, surveyId);
        const rows = await questionsOf(tx, ctx.tenantId, surveyId, query.include_archived);
        return { questions: rows.map(toQuestionJson) };
      });
    },

    /** Appends, or inserts at `position` moving the questions from there on one place down. */
    add(ctx: CallContext, surveyId: string, body: AddQuestionBody) {
      return tenantTx(ctx, async (tx) => {
        // The survey's row lock serialises every change to its order, so positions stay dense.
        await surveyResource.find(tx, ctx, surveyId, { lock: true });
        const { position: wanted, ...definition } = body;
        // Orders left with gaps by earlier versions are closed first, so the shift below is exact.
        await renumberActiveQuestions(tx, ctx.tenantId, surveyId);
        const last = (await activeQuestionCount(tx, ctx.tenantId, surveyId)) + 1;
        if (wanted !== undefined && wanted > last)
          throw validationFailed([
            { path: '/body/position', message: `must be between 1 and ${last} (the survey has ${last - 1})` },
          ]);
        const position = wanted ?? last;
        const [values] = questionValues(ctx.tenantId, surveyId, [definition], position, () => '/body');
        if (position < last) await shiftQuestionsFrom(tx, ctx.tenantId, surveyId, position);
        const [row] = await tx.db.insert(surveyQuestions).values(values!).returning();
        await touchSurvey(tx, ctx.tenantId, surveyId);
        const question = toQuestionJson(row!);
        await audit(tx, ctx, 'question.create', row!.id, { after: question });
        return question;
      });
    },

    /**
     * An answered question keeps what its answers rely on: its type cannot change and its options
     * can only grow, so no stored answer ever stops matching its question.
     */
    update(ctx: CallContext, id: string, body: UpdateQuestionBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await lockQuestionAndSurvey(tx, ctx, id);
        if (before.archivedAt)
          throw new AppError(409, 'QUESTION_ARCHIVED', 'An archived question cannot be changed.');
        const next = {
          type: body.type ?? before.type,
          options: body.options ?? (body.type && body.type !== before.type ? [] : before.options),
          validation: body.validation ?? before.validation,
        };
        const errors = checkQuestionDefinition(next, '/body');
        if (errors.length) throw validationFailed(errors);
        if (next.type !== before.type || body.options) {
          const answers = await answersOf(tx, ctx.tenantId, id);
          if (answers.length > 0 && next.type !== before.type)
            throw questionAnswered('The question has answers; its type cannot change.');
          const dropped = answers.flatMap(chosen).filter((v) => !next.options.includes(v));
          if (dropped.length > 0)
            throw questionAnswered(
              `Options already answered cannot be removed: ${[...new Set(dropped)].join(', ')}.`,
            );
        }
        const [row] = await tx.db
          .update(surveyQuestions)
          .set({ text: body.text, required: body.required, ...next, updatedAt: new Date() })
          .where(and(eq(surveyQuestions.tenantId, ctx.tenantId), eq(surveyQuestions.id, id)))
          .returning();
        await touchSurvey(tx, ctx.tenantId, before.surveyId);
        const question = toQuestionJson(row!);
        await audit(tx, ctx, 'question.update', id, diff(toQuestionJson(before), question));
        return question;
      });
    },

    /** Deletes an unanswered question; an answered one is archived so its answers keep it. */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await lockQuestionAndSurvey(tx, ctx, id);
        if (row.archivedAt) return;
        const where = and(eq(surveyQuestions.tenantId, ctx.tenantId), eq(surveyQuestions.id, id));
        const answered = await questionHasAnswers(tx, ctx.tenantId, id);
        if (answered)
          await tx.db
            .update(surveyQuestions)
            .set({ archivedAt: new Date(), updatedAt: new Date() })
            .where(where);
        else await tx.db.delete(surveyQuestions).where(where);
        // The questions after it move up: the active ones stay numbered 1…n.
        await renumberActiveQuestions(tx, ctx.tenantId, row.surveyId);
        await touchSurvey(tx, ctx.tenantId, row.surveyId);
        await audit(tx, ctx, answered ? 'question.archive' : 'question.delete', id, {
          before: toQuestionJson(row),
        });
      });
    },

    /** Sets the order of the active questions; the list must name each of them exactly once. */
    reorder(ctx: CallContext, surveyId: string, body: QuestionOrderBody) {
      return tenantTx(ctx, async (tx) => {
        await surveyResource.find(tx, ctx, surveyId, { lock: true });
        const active = await questionsOf(tx, ctx.tenantId, surveyId);
        const ids = body.question_ids.map((id) => id.toLowerCase());
        const known = new Set(active.map((q) => q.id));
        const errors = ids.flatMap((id, i) =>
          !known.has(id)
            ? [{ path: `/body/question_ids/${i}`, message: 'is not an active question of the survey' }]
            : ids.indexOf(id) !== i
              ? [{ path: `/body/question_ids/${i}`, message: 'appears twice' }]
              : [],
        );
        const missing = active.filter((q) => !ids.includes(q.id));
        if (missing.length)
          errors.push({
            path: '/body/question_ids',
            message: `must list every active question; missing ${missing.map((q) => q.id).join(', ')}`,
          });
        if (errors.length) throw validationFailed(errors);
        for (const [i, id] of ids.entries())
          await tx.db
            .update(surveyQuestions)
            .set({ position: i + 1, updatedAt: new Date() })
            .where(
              and(
                eq(surveyQuestions.tenantId, ctx.tenantId),
                eq(surveyQuestions.id, id),
                eq(surveyQuestions.surveyId, surveyId),
                isNull(surveyQuestions.archivedAt),
              ),
            );
        await touchSurvey(tx, ctx.tenantId, surveyId);
        const rows = await questionsOf(tx, ctx.tenantId, surveyId);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'survey.reorder_questions',
          entityType: 'survey',
          entityId: surveyId,
          changes: { before: { question_ids: active.map((q) => q.id) }, after: { question_ids: ids } },
        });
        return { questions: rows.map(toQuestionJson) };
      });
    },
  };
}

export type QuestionsService = ReturnType<typeof createQuestionsService>;
