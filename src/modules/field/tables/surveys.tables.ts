import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { brands } from '../../catalog/tables.js';
import { tenants } from '../../identity/tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

export const SURVEY_TYPES = ['individual', 'outlet'] as const;
export type SurveyType = (typeof SURVEY_TYPES)[number];

export const QUESTION_TYPES = [
  'text',
  'number',
  'single_choice',
  'multiple_choice',
  'yes_no',
  'rating',
  'photo',
  'date',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Limits an answer must respect: min/max for number and rating, max_length for text. */
export interface QuestionValidation {
  min?: number;
  max?: number;
  max_length?: number;
}

/** Survey templates: about one agent (individual) or about the outlet visited, optionally for a brand. */
export const surveys = pgTable(
  'surveys',
  {
    ...tenantColumns(),
    title: text('title').notNull(),
    description: text('description'),
    type: text('type', { enum: SURVEY_TYPES }).notNull().default('outlet'),
    brandId: uuid('brand_id'),
    isActive: boolean('is_active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }),
    index('surveys_tenant_brand_idx').on(t.tenantId, t.brandId),
    index('surveys_tenant_title_idx').on(t.tenantId, t.title),
    check('surveys_type_check', sql`${t.type} in ('individual', 'outlet')`),
  ],
);
appAccess(surveys, READ_WRITE);

/**
 * Ordered questions of a survey. An answered question is archived instead of deleted, so the
 * answers of completed visits always keep the question they answer.
 */
export const surveyQuestions = pgTable(
  'survey_questions',
  {
    ...tenantColumns(),
    surveyId: uuid('survey_id').notNull(),
    text: text('text').notNull(),
    type: text('type', { enum: QUESTION_TYPES }).notNull(),
    options: jsonb('options')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    required: boolean('required').notNull().default(false),
    validation: jsonb('validation')
      .$type<QuestionValidation>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    position: integer('position').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.surveyId],
      foreignColumns: [surveys.tenantId, surveys.id],
    }).onDelete('cascade'),
    index('survey_questions_tenant_survey_idx').on(t.tenantId, t.surveyId, t.position),
    check(
      'survey_questions_type_check',
      sql`${t.type} in ('text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'rating', 'photo', 'date')`,
    ),
  ],
);
appAccess(surveyQuestions, READ_WRITE);
