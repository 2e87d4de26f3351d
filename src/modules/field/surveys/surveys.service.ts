import { and, eq, ilike, isNotNull, isNull } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { brandIdsAmong } from '../../catalog/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { surveyQuestions, surveys } from '../tables/surveys.tables.js';
import { checkQuestionDefinition } from './question-rules.js';
import {
  questionCounts,
  questionsOf,
  surveyIsReferenced,
  type QuestionRow,
  type SurveyRow,
} from './surveys.repository.js';
import type {
  CreateQuestionBody,
  CreateSurveyBody,
  Question,
  Survey,
  SurveyListQuery,
  UpdateSurveyBody,
} from './surveys.schemas.js';

export const toQuestionJson = (row: QuestionRow): Question => ({
  id: row.id,
  survey_id: row.surveyId,
  text: row.text,
  type: row.type,
  options: row.options,
  required: row.required,
  validation: row.validation,
  position: row.position,
  archived_at: iso(row.archivedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export function toSurveyJson(row: SurveyRow, questionCount: number, questions?: QuestionRow[]): Survey {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    type: row.type,
    brand_id: row.brandId,
    is_active: row.isActive,
    archived_at: iso(row.archivedAt),
    question_count: questionCount,
    ...(questions ? { questions: questions.map(toQuestionJson) } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const auditable = (s: Survey): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, questions: _q, question_count: _n, ...rest } = s;
  return rest;
};

/** Survey templates are the tenant's, not a user's: every caller with `surveys:read` sees them all. */
export const surveyResource = defineResource({
  table: surveys,
  name: 'Survey',
  tenantId: surveys.tenantId,
  id: surveys.id,
  sorts: { title: surveys.title, created_at: surveys.createdAt, updated_at: surveys.updatedAt },
});

/** The brand must be one of the tenant's (archived brands keep their old surveys, new ones may not pick them). */
async function checkBrand(tx: Tx, tenantId: string, brandId: string | null | undefined) {
  if (!brandId) return;
  const brand = await brandIdsAmong(tx, tenantId, [brandId], true);
  if (!brand.has(brandId))
    throw validationFailed([{ path: '/body/brand_id', message: 'no such brand' }], 'Unknown brand.');
}

/** Question rows for a new survey or question, after checking each definition. */
export function questionValues(
  tenantId: string,
  surveyId: string,
  bodies: readonly CreateQuestionBody[],
  firstPosition: number,
  pathOf: (index: number) => string,
) {
  const errors: FieldError[] = [];
  const rows = bodies.map((body, i) => {
    const definition = { type: body.type, options: body.options ?? [], validation: body.validation ?? {} };
    errors.push(...checkQuestionDefinition(definition, pathOf(i)));
    return {
      tenantId,
      surveyId,
      text: body.text,
      required: body.required ?? false,
      position: firstPosition + i,
      ...definition,
    };
  });
  if (errors.length) throw validationFailed(errors);
  return rows;
}

export function createSurveysService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  async function present(tx: Tx, tenantId: string, row: SurveyRow): Promise<Survey> {
    const questions = await questionsOf(tx, tenantId, row.id);
    return toSurveyJson(row, questions.length, questions);
  }

  return {
    list(ctx: CallContext, query: SurveyListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await surveyResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(surveys.archivedAt) : isNull(surveys.archivedAt),
            query.q ? ilike(surveys.title, `%${likeEscape(query.q)}%`) : undefined,
            query.type ? eq(surveys.type, query.type) : undefined,
            query.brand ? eq(surveys.brandId, query.brand) : undefined,
            query.active !== undefined ? eq(surveys.isActive, query.active) : undefined,
          ],
        });
        const counts = await questionCounts(
          tx,
          ctx.tenantId,
          page.rows.map((r) => r.id),
        );
        return envelope('surveys', page, (row) => toSurveyJson(row, counts.get(row.id) ?? 0));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => present(tx, ctx.tenantId, await surveyResource.find(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateSurveyBody) {
      return tenantTx(ctx, async (tx) => {
        await checkBrand(tx, ctx.tenantId, body.brand_id);
        const [row] = await tx.db
          .insert(surveys)
          .values({
            tenantId: ctx.tenantId,
            title: body.title,
            description: body.description ?? null,
            type: body.type ?? 'outlet',
            brandId: body.brand_id ?? null,
            isActive: body.is_active ?? true,
          })
          .returning();
        const questions = questionValues(
          ctx.tenantId,
          row!.id,
          body.questions ?? [],
          1,
          (i) => `/body/questions/${i}`,
        );
        if (questions.length) await tx.db.insert(surveyQuestions).values(questions);
        const json = await present(tx, ctx.tenantId, row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'survey.create',
          entityType: 'survey',
          entityId: row!.id,
          changes: { after: { ...auditable(json), question_count: json.question_count } },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateSurveyBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await surveyResource.find(tx, ctx, id, { lock: true });
        if (body.brand_id !== undefined && body.brand_id !== before.brandId)
          await checkBrand(tx, ctx.tenantId, body.brand_id);
        const [row] = await tx.db
          .update(surveys)
          .set({
            title: body.title,
            description: body.description,
            type: body.type,
            brandId: body.brand_id,
            isActive: body.is_active,
            updatedAt: new Date(),
          })
          .where(and(eq(surveys.tenantId, ctx.tenantId), eq(surveys.id, id)))
          .returning();
        const json = await present(tx, ctx.tenantId, row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'survey.update',
          entityType: 'survey',
          entityId: id,
          changes: diff(auditable(toSurveyJson(before, 0)), auditable(json)),
        });
        return json;
      });
    },

    /**
     * A survey no visit or goal uses is deleted with its questions; one with visits or goals is
     * archived (and deactivated) instead, so visits, their answers and goals keep their survey. Deleting an archived
     * survey again is a no-op.
     */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await surveyResource.find(tx, ctx, id, { lock: true });
        if (row.archivedAt) return;
        const where = and(eq(surveys.tenantId, ctx.tenantId), eq(surveys.id, id));
        const used = await surveyIsReferenced(tx, ctx.tenantId, id);
        if (used)
          await tx.db
            .update(surveys)
            .set({ archivedAt: new Date(), isActive: false, updatedAt: new Date() })
            .where(where);
        else await tx.db.delete(surveys).where(where);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: used ? 'survey.archive' : 'survey.delete',
          entityType: 'survey',
          entityId: id,
          changes: { before: auditable(toSurveyJson(row, 0)) },
        });
      });
    },
  };
}

export type SurveysService = ReturnType<typeof createSurveysService>;
