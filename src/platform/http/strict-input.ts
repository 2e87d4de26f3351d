import type { FastifyInstance } from 'fastify';
import { jsonPointer, validationFailed, type FieldError } from './errors.js';
import { API_PREFIX } from './openapi.js';

type Schema = Record<string, unknown>;

/** The query schema of an API route that declares none. */
const NO_PARAMETERS: Schema = { type: 'object', properties: {}, additionalProperties: false };

/**
 * Request input is strict by construction, so a client's mistake is an answer rather than a silent
 * no-op:
 *
 * - bodies: every object schema in a route's `body` that does not say otherwise gets
 *   `additionalProperties: false`, so a typo (`latitude` for `check_in_latitude`) is 422
 *   `VALIDATION_FAILED` naming `/body/latitude` instead of being dropped;
 * - query strings: an API route's `querystring` is closed the same way, and a route without one
 *   takes no parameters, so `?search=x` on a list whose filter is `q` is 422 naming `/query/search`
 *   instead of listing everything;
 * - no string anywhere in the query, the path parameters or the body may contain a NUL character
 *   (PostgreSQL cannot store one): 422 naming each field;
 * - no query or path number may be infinite (`limit=-Infinity` passes the validator's coercion).
 *
 * A schema that really accepts open keys says so (`additionalProperties: true`, a `Type.Record`);
 * objects with `additionalProperties` or `patternProperties` of their own keep them. Works on a
 * copy: schemas are often shared with responses and other routes.
 */
export function registerStrictInput(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const { body, querystring } = (route.schema ?? {}) as { body?: unknown; querystring?: unknown };
    const api = route.url.startsWith(`${API_PREFIX}/`);
    const query = isObject(querystring) ? closed(querystring) : api ? NO_PARAMETERS : undefined;
    if (isObject(body)) route.schema = { ...route.schema, body: strict(body) };
    if (query) route.schema = { ...route.schema, querystring: query };
  });
  app.addHook('preValidation', async (request) =>
    refuseNulCharacters([
      [request.body, '/body'],
      [request.params, '/params'],
      [request.query, '/query'],
    ]),
  );
  // After validation: coercion turns `limit=-Infinity` into a number that the validator's
  // integer and minimum checks let through, and no handler expects one.
  app.addHook('preHandler', async (request) => {
    const errors = [
      ...nonFiniteNumbers(request.query, '/query'),
      ...nonFiniteNumbers(request.params, '/params'),
    ];
    if (errors.length) throw validationFailed(errors);
  });
}

/** Query and path values (and their list items) that were coerced to ±Infinity or NaN. */
function nonFiniteNumbers(values: unknown, pointer: string): FieldError[] {
  if (!isObject(values)) return [];
  return Object.entries(values).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).some((v) => typeof v === 'number' && !Number.isFinite(v))
      ? [{ path: jsonPointer(pointer, key), message: 'must be a finite number' }]
      : [],
  );
}

/**
 * 422 naming every string and member name that holds a NUL. Routes that read input themselves
 * (multipart text fields, file names) call it with what they read: `[[{ title }, '/body']]`.
 */
export function refuseNulCharacters(roots: [value: unknown, pointer: string][]): void {
  const errors = nulCharacters(roots);
  if (errors.length) throw validationFailed(errors, 'Text may not contain NUL characters.');
}

export function strict(schema: Schema): Schema {
  const copy: Schema = closed(schema);
  if (isObject(copy.properties)) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, value]) => [key, isObject(value) ? strict(value) : value]),
    );
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = copy[key];
    if (Array.isArray(branches)) copy[key] = branches.map((b) => (isObject(b) ? strict(b) : b));
  }
  if (isObject(copy.items)) copy.items = strict(copy.items);
  return copy;
}

/** The object schema itself (not its members) closed, unless it says otherwise. */
function closed(schema: Schema): Schema {
  const open = 'additionalProperties' in schema || 'patternProperties' in schema;
  return isObject(schema.properties) && !open ? { ...schema, additionalProperties: false } : { ...schema };
}

/** Where a value sits: its key and its parent's place, or the root's pointer (`/body`). */
type Place = { root: string } | { parent: Place; key: string | number };

function pointerOf(place: Place): string {
  const keys: (string | number)[] = [];
  let at = place;
  for (; 'parent' in at; at = at.parent) keys.push(at.key);
  return jsonPointer(at.root, ...keys.reverse());
}

/**
 * Every string, and every member name, of the parsed input that holds a NUL (iterative: any depth).
 * A pointer is spelled out only for what is reported: building one per visited value costs time
 * quadratic in the depth, and a 200 kB body of nested arrays then held the event loop for minutes.
 */
function nulCharacters(roots: [unknown, string][]): FieldError[] {
  const found: FieldError[] = [];
  const stack: [unknown, Place][] = roots.map(([value, root]) => [value, { root }]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, place] = next;
    if (typeof value === 'string') {
      if (value.includes('\0'))
        found.push({ path: pointerOf(place), message: 'must not contain NUL characters' });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, { parent: place, key: i }]));
    } else if (isPlain(value)) {
      for (const [key, item] of Object.entries(value))
        stack.push([key.includes('\0') ? key : item, { parent: place, key }]);
    }
  }
  return found.reverse();
}

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parsed input: JSON and forms (plain objects), query strings and parameters (dictionaries whose
 * prototype has none). Never buffers, streams or other class instances.
 */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
