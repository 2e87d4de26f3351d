import type { FastifyInstance } from 'fastify';

type Schema = Record<string, unknown>;

/**
 * Request bodies are strict by construction: every object schema in a route's `body` that does not
 * say otherwise gets `additionalProperties: false`, so a client's typo (`latitude` for
 * `check_in_latitude`) is 422 `VALIDATION_FAILED` naming `/body/latitude` instead of being dropped.
 * Works on a copy: body schemas are often shared with responses and other routes. Objects with
 * `additionalProperties` or `patternProperties` of their own (maps, open settings) keep them.
 */
export function registerStrictBodies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const body = route.schema?.body as Schema | undefined;
    if (body && typeof body === 'object') route.schema = { ...route.schema, body: strict(body) };
  });
}

export function strict(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  if (isObject(copy.properties)) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, value]) => [key, isObject(value) ? strict(value) : value]),
    );
    if (!('additionalProperties' in copy) && !('patternProperties' in copy))
      copy.additionalProperties = false;
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = copy[key];
    if (Array.isArray(branches)) copy[key] = branches.map((b) => (isObject(b) ? strict(b) : b));
  }
  if (isObject(copy.items)) copy.items = strict(copy.items);
  return copy;
}

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
