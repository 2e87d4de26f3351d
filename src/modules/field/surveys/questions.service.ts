import type { TenantDatabase } from '../../../platform/db/types.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { diff, type AuditEntry } from '../../identity/index.js';
import { checkQuestionDefinition } from './question-rules.js';
import {
  insertQuestionAudited,
  lockQuestion,
  lockSurveyWithQuestions,
  removeQuestionAudited,
  reorderQuestionsAudited,
  updateQuestionAudited,
} from './question-statements.js';
import { questionsOf, type QuestionRow } from './surveys.repository.js';
import type {
  AddQuestionBody,
  QuestionListQuery,
  QuestionOrderBody,
  UpdateQuestionBody,
} from './surveys.schemas.js';
import { questionValues, surveyResource, toQuestionJson } from './surveys.service.js';

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

  /** The audit row of a change to one question. */
  const audit = (ctx: CallContext, action: string, entityId: string, changes: AuditEntry['changes']) => ({
    source: ctx.audit,
    entry: { tenantId: ctx.tenantId, action, entityType: 'survey_question', entityId, changes },
  });

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
        const active = await lockSurveyWithQuestions(tx, ctx, surveyId);
        const { position: wanted, ...definition } = body;
        const last = active.length + 1;
        if (wanted !== undefined && wanted > last)
          throw validationFailed([
            { path: '/body/position', message: `must be between 1 and ${last} (the survey has ${last - 1})` },
          ]);
        const position = wanted ?? last;
        const [values] = questionValues(ctx.tenantId, surveyId, [definition], position, () => '/body');
        // Timestamps and id are set here, so the audit row (written by the insert) shows the row as stored.
        const now = new Date();
        const row: QuestionRow = {
          ...values!,
          id: uuidv7(),
          archivedAt: null,
          createdAt: now,
          updatedAt: now,
        };
        // Orders left with gaps by earlier versions are closed by the same renumbering.
        const stored = await insertQuestionAudited(
          tx,
          row,
          audit(ctx, 'question.create', row.id, { after: toQuestionJson(row) }),
        );
        return toQuestionJson(stored);
      });
    },

    /**
     * An answered question keeps what its answers rely on: its type cannot change and its options
     * can only grow, so no stored answer ever stops matching its question.
     */
    update(ctx: CallContext, id: string, body: UpdateQuestionBody) {
      return tenantTx(ctx, async (tx) => {
        const { question: before, answers } = await lockQuestion(tx, ctx, id);
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
          if (answers.length > 0 && next.type !== before.type)
            throw questionAnswered('The question has answers; its type cannot change.');
          const dropped = answers.flatMap(chosen).filter((v) => !next.options.includes(v));
          if (dropped.length > 0)
            throw questionAnswered(
              `Options already answered cannot be removed: ${[...new Set(dropped)].join(', ')}.`,
            );
        }
        const set = {
          text: body.text ?? before.text,
          required: body.required ?? before.required,
          ...next,
          updatedAt: new Date(),
        };
        const changes = diff(toQuestionJson(before), toQuestionJson({ ...before, ...set }));
        const row = await updateQuestionAudited(tx, before, set, audit(ctx, 'question.update', id, changes));
        return toQuestionJson(row);
      });
    },

    /** Deletes an unanswered question; an answered one is archived so its answers keep it. */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const { question, answers } = await lockQuestion(tx, ctx, id);
        if (question.archivedAt) return;
        const answered = answers.length > 0;
        // The questions after it move up: the active ones stay numbered 1…n.
        await removeQuestionAudited(
          tx,
          question,
          answered,
          new Date(),
          audit(ctx, answered ? 'question.archive' : 'question.delete', id, {
            before: toQuestionJson(question),
          }),
        );
      });
    },

    /** Sets the order of the active questions; the list must name each of them exactly once. */
    reorder(ctx: CallContext, surveyId: string, body: QuestionOrderBody) {
      return tenantTx(ctx, async (tx) => {
        const active = await lockSurveyWithQuestions(tx, ctx, surveyId);
        const ids = body.question_ids.map((id) => id.toLowerCase());
        const known = new Set(active);
        const errors = ids.flatMap((id, i) =>
          !known.has(id)
            ? [{ path: `/body/question_ids/${i}`, message: 'is not an active question of the survey' }]
            : ids.indexOf(id) !== i
              ? [{ path: `/body/question_ids/${i}`, message: 'appears twice' }]
              : [],
        );
        const missing = active.filter((q) => !ids.includes(q));
        if (missing.length)
          errors.push({
            path: '/body/question_ids',
            message: `must list every active question; missing ${missing.join(', ')}`,
          });
        if (errors.length) throw validationFailed(errors);
        const rows = await reorderQuestionsAudited(tx, ctx.tenantId, surveyId, ids, new Date(), {
          source: ctx.audit,
          entry: {
            tenantId: ctx.tenantId,
            action: 'survey.reorder_questions',
            entityType: 'survey',
            entityId: surveyId,
            changes: { before: { question_ids: active }, after: { question_ids: ids } },
          },
        });
        return { questions: rows.map(toQuestionJson) };
      });
    },
  };
}

export type QuestionsService = ReturnType<typeof createQuestionsService>;
