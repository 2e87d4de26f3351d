import { HOSTILE_STRINGS, hostileJson } from './hostile.js';
import type { Rng } from './random.js';
import type { Schema } from './spec.js';
import { boundaryValue } from './values.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object schema of a body (the first object branch of a union). */
function objectSchema(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.properties) return schema;
  return schema.anyOf?.find((s) => s.properties);
}

/**
 * One mutation of a valid body: a required field dropped, a field set to a boundary or hostile
 * value, an unknown field added, or (rarely) the whole body replaced. Recurses into nested objects
 * and arrays so inner fields get the same treatment.
 */
export function mutate(value: unknown, schema: Schema | undefined, rng: Rng): unknown {
  const shape = objectSchema(schema);
  if (!isObject(value) || !shape || rng.chance(0.05))
    return rng.chance(0.5) && schema ? boundaryValue(schema, rng) : hostileJson(rng);
  const out: Json = { ...value };
  const keys = Object.keys(shape.properties ?? {});
  const nested = keys.filter((k) => isObject(out[k]) || Array.isArray(out[k]));
  const action = rng.weighted<string>([
    [2, 'drop'],
    [6, 'set'],
    [1, 'extra'],
    [nested.length ? 2 : 0, 'nested'],
  ]);
  if (action === 'drop' && shape.required?.length) delete out[rng.pick(shape.required)];
  else if (action === 'extra')
    out[rng.pick(['id', 'tenant_id', 'is_builtin', 'extra', HOSTILE_STRINGS[9]!, '__proto__'])] =
      hostileJson(rng);
  else if (action === 'nested') {
    const key = rng.pick(nested);
    const property = shape.properties![key]!;
    const child = out[key];
    if (Array.isArray(child) && child.length) {
      const items = [...(child as unknown[])];
      const at = rng.int(0, items.length - 1);
      const itemSchema = (property.anyOf?.find((s) => s.items) ?? property).items;
      items[at] = mutate(items[at], itemSchema, rng);
      out[key] = items;
    } else out[key] = mutate(child, property, rng);
  } else if (keys.length) {
    const key = rng.pick(keys);
    out[key] = boundaryValue(shape.properties![key]!, rng);
  }
  return out;
}
