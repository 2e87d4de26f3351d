import type { FieldError } from '../../../platform/http/errors.js';
import type { QuestionType, QuestionValidation } from '../tables/surveys.tables.js';

/** Pure rules for question definitions and the answers given to them. */

const CHOICE_TYPES: readonly QuestionType[] = ['single_choice', 'multiple_choice'];
const RANGE_TYPES: readonly QuestionType[] = ['number', 'rating'];
/** A rating without explicit bounds is a 1–5 scale. */
export const DEFAULT_RATING = { min: 1, max: 5 } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface QuestionDefinition {
  type: QuestionType;
  options: string[];
  validation: QuestionValidation;
}

/** Options only for choice types (at least two, distinct); min/max only for number and rating, max_length only for text. */
export function checkQuestionDefinition(q: QuestionDefinition, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (CHOICE_TYPES.includes(q.type)) {
    if (q.options.length < 2) errors.push({ path: `${path}/options`, message: 'needs at least two options' });
    if (new Set(q.options).size !== q.options.length)
      errors.push({ path: `${path}/options`, message: 'options must be distinct' });
  } else if (q.options.length > 0) {
    errors.push({ path: `${path}/options`, message: `a ${q.type} question has no options` });
  }
  const { min, max, max_length: maxLength } = q.validation;
  if ((min !== undefined || max !== undefined) && !RANGE_TYPES.includes(q.type))
    errors.push({ path: `${path}/validation`, message: 'min and max apply to number and rating questions' });
  if (min !== undefined && max !== undefined && min > max)
    errors.push({ path: `${path}/validation/min`, message: 'must not be greater than max' });
  if (q.type === 'rating' && [min, max].some((v) => v !== undefined && !Number.isInteger(v)))
    errors.push({ path: `${path}/validation`, message: 'rating bounds are whole numbers' });
  // A rating's missing bound is the default scale's: {min: 6} alone would accept no answer.
  if (
    q.type === 'rating' &&
    (min === undefined || max === undefined) &&
    (min ?? DEFAULT_RATING.min) > (max ?? DEFAULT_RATING.max)
  )
    errors.push({
      path: `${path}/validation`,
      message: `the scale would run from ${min ?? DEFAULT_RATING.min} to ${max ?? DEFAULT_RATING.max}; give both bounds`,
    });
  if (maxLength !== undefined && q.type !== 'text')
    errors.push({ path: `${path}/validation/max_length`, message: 'max_length applies to text questions' });
  return errors;
}

export interface AnswerableQuestion extends QuestionDefinition {
  id: string;
  text: string;
  required: boolean;
}

export interface AnswerInput {
  question_id: string;
  value?: unknown;
}

const isBlank = (value: unknown) =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Why `value` is not a valid answer to `q`, or undefined when it is. */
export function answerProblem(
  q: AnswerableQuestion,
  value: unknown,
  visitPhotoIds: ReadonlySet<string>,
): string | undefined {
  const { min, max, max_length: maxLength } = q.validation;
  switch (q.type) {
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      if (maxLength !== undefined && value.length > maxLength)
        return `must be at most ${maxLength} characters`;
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (min !== undefined && value < min) return `must be at least ${min}`;
      if (max !== undefined && value > max) return `must be at most ${max}`;
      return undefined;
    case 'rating': {
      const lo = min ?? DEFAULT_RATING.min;
      const hi = max ?? DEFAULT_RATING.max;
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
      if (value < lo || value > hi) return `must be between ${lo} and ${hi}`;
      return undefined;
    }
    case 'yes_no':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'single_choice':
      if (typeof value !== 'string') return 'must be one of the options';
      return q.options.includes(value) ? undefined : `must be one of: ${q.options.join(', ')}`;
    case 'multiple_choice': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        return 'must be a list of options';
      const unknown = value.filter((v) => !q.options.includes(v as string));
      if (unknown.length > 0) return `unknown options: ${unknown.join(', ')}`;
      return new Set(value).size === value.length ? undefined : 'options must not repeat';
    }
    case 'date':
      return typeof value === 'string' && isRealDate(value) ? undefined : 'must be a date (YYYY-MM-DD)';
    case 'photo':
      if (typeof value !== 'string' || !UUID.test(value)) return 'must be the id of a photo';
      return visitPhotoIds.has(value.toLowerCase()) ? undefined : 'must be a photo of this visit';
  }
}

/**
 * Checks a visit's answers against the survey's active questions. Paths are JSON Pointers into the
 * request (`/body/answers/2/value`); a missing required answer points at `/body/answers` and names
 * the question. Blank answers to optional questions are dropped.
 */
export function checkAnswers(
  questions: readonly AnswerableQuestion[],
  answers: readonly AnswerInput[],
  visitPhotoIds: ReadonlySet<string>,
): { errors: FieldError[]; values: Map<string, unknown> } {
  const errors: FieldError[] = [];
  const values = new Map<string, unknown>();
  const byId = new Map(questions.map((q) => [q.id, q]));
  answers.forEach((answer, i) => {
    const path = `/body/answers/${i}`;
    const q = byId.get(answer.question_id);
    if (!q) {
      errors.push({ path: `${path}/question_id`, message: 'is not an active question of the survey' });
      return;
    }
    if (values.has(q.id)) {
      errors.push({ path: `${path}/question_id`, message: 'is answered twice' });
      return;
    }
    if (isBlank(answer.value)) {
      values.set(q.id, undefined);
      return;
    }
    const problem = answerProblem(q, answer.value, visitPhotoIds);
    if (problem) errors.push({ path: `${path}/value`, message: problem });
    values.set(q.id, q.type === 'photo' ? (answer.value as string).toLowerCase() : answer.value);
  });
  for (const q of questions) {
    if (q.required && values.get(q.id) === undefined)
      errors.push({ path: '/body/answers', message: `question ${q.id} ("${q.text}") is required` });
  }
  for (const [id, value] of values) if (value === undefined) values.delete(id);
  return { errors, values };
}
