import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { installTypeBoxFormats } from '../http/formats.js';
import type { RowProblem } from './entity.js';

// Formats as the API's validator checks them (`email`, `uuid`, dates): one definition for both.
installTypeBoxFormats();

type Validator = ReturnType<typeof Compile>;
const validators = new WeakMap<TSchema, Validator>();

function validatorOf(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  return validator;
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/**
 * Checks an API body built from a row against the API's own TypeBox schema, so a row is accepted
 * exactly when the same body sent to the API would be. Errors are reported on the file's column:
 * `columnOf` maps a body field (`folder_id`) to the column it came from (`folder_code`).
 */
export function validateAgainstSchema(
  schema: TSchema,
  body: unknown,
  rowNumber: number,
  columnOf: (field: string) => string = (field) => field,
): RowProblem[] {
  const validator = validatorOf(schema);
  if (validator.Check(body)) return [];
  const byField = new Map<string, SchemaError[]>();
  for (const error of validator.Errors(body) as Iterable<SchemaError>) {
    const field = error.instancePath.split('/')[1] ?? '';
    byField.set(field, [...(byField.get(field) ?? []), error]);
  }
  const problems: RowProblem[] = [];
  for (const [field, errors] of byField) {
    const error = mostSpecific(errors);
    const value = field ? (body as Record<string, unknown>)[field] : undefined;
    problems.push({
      rowNumber,
      column: field ? columnOf(field) : null,
      code: 'VALUE_INVALID',
      // An empty cell reaches the schema as null; "must be string" would puzzle a person.
      message: value === null && error.keyword === 'type' ? 'must not be empty' : error.message,
      value:
        value === undefined || value === null
          ? null
          : typeof value === 'string'
            ? value
            : JSON.stringify(value),
    });
  }
  return problems;
}

/**
 * Of the errors on one field, the one a person can act on: not the umbrella `anyOf`, and not
 * "must be null" from the null branch of a nullable field.
 */
function mostSpecific(errors: SchemaError[]): SchemaError {
  return (
    errors.find((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null')) ??
    errors[0]!
  );
}
