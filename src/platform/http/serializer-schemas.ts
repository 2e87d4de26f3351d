/**
 * Response schemas as the serializer compiles them.
 *
 * fast-json-stringify serialises an `anyOf` by running an Ajv validation of each branch against the
 * value until one matches: for `Nullable(X)` that is a full validation of X (a date-time regex, a
 * whole nested object) for every field of every response. The two union shapes the API uses
 * everywhere are rewritten into forms it serialises directly:
 *
 * - X or null → X with `nullable: true` (a null check, then X's own serializer);
 * - literals of one type, or null → that type, nullable when null was a branch.
 *
 * Validation, types and the OpenAPI document keep the original schemas; only the serializer sees
 * these. A value that fits no branch is then serialised as the type's coercion would write it,
 * where it used to fail the response.
 */

type Schema = Record<string | symbol, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys that describe a schema without constraining the value. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment', 'deprecated']);
const STRUCTURAL = ['anyOf', 'oneOf', 'allOf', 'not', 'if', '$ref'];
const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

const isNull = (s: Schema) =>
  s.type === 'null' && Object.keys(s).every((key) => key === 'type' || ANNOTATIONS.has(key));
const isPlain = (s: Schema) => typeof s.type === 'string' && STRUCTURAL.every((key) => s[key] === undefined);
const isLiteral = (s: Schema) => isPlain(s) && PRIMITIVES.has(s.type as string) && s.const !== undefined;

function simplifyUnion(schema: Schema, key: 'anyOf' | 'oneOf'): Schema {
  const branches = (schema[key] as unknown[]).filter(isSchema);
  if (branches.length !== (schema[key] as unknown[]).length) return schema;
  const nullable = branches.some(isNull);
  const rest = branches.filter((b) => !isNull(b));
  const { [key]: _union, ...siblings } = schema;
  if (rest.length === 1 && isPlain(rest[0]!)) {
    return { ...siblings, ...rest[0], ...(nullable ? { nullable: true } : {}) };
  }
  if (rest.length > 1 && rest.every(isLiteral) && new Set(rest.map((b) => b.type)).size === 1) {
    return { ...siblings, type: rest[0]!.type, ...(nullable ? { nullable: true } : {}) };
  }
  return schema;
}

const mapValues = (record: unknown) =>
  isSchema(record)
    ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k, serializableSchema(v)]))
    : record;

/** A copy of `schema` with its nullable and literal unions rewritten, at every depth. */
export function serializableSchema<T>(schema: T): T {
  if (!isSchema(schema)) return schema;
  const out: Schema = { ...schema };
  for (const key of ['properties', 'patternProperties', '$defs', 'definitions']) {
    if (out[key] !== undefined) out[key] = mapValues(out[key]);
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']) {
    if (isSchema(out[key])) out[key] = serializableSchema(out[key]);
  }
  for (const key of ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(serializableSchema);
  }
  const union = Array.isArray(out.anyOf) ? 'anyOf' : Array.isArray(out.oneOf) ? 'oneOf' : undefined;
  return (union ? simplifyUnion(out, union) : out) as T;
}
