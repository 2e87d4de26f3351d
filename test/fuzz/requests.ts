import { percentEncode, queryString, type WireValue } from './encode.js';
import { HOSTILE_STRINGS, INVALID_UTF8, hostileCursor, hostileJson } from './hostile.js';
import type { Sent } from './http.js';
import { multipartBody } from './multipart.js';
import { mutate } from './mutate.js';
import type { Rng } from './random.js';
import type { Operation, Parameter } from './spec.js';
import { boundaryValue, validValue, type IdLookup } from './values.js';
import { kindOfName, pathKinds, type Role, type World } from './world.js';

export interface FuzzRequest extends Sent {
  n: number;
  route: string;
  role: Role;
}

const wire = (value: unknown): WireValue =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

function pathValue(kind: string, rng: Rng, world: World): WireValue {
  return (
    rng.weighted<() => WireValue | undefined>([
      [55, () => world.idFor(kind, rng, true)],
      [8, () => world.idFor('*', rng, true)],
      [8, () => (world.foreignIds.length ? rng.pick(world.foreignIds) : undefined)],
      [10, () => rng.uuid()],
      [14, () => rng.pick(HOSTILE_STRINGS)],
      [3, () => rng.pick(INVALID_UTF8)],
      [2, () => rng.pick(['a'.repeat(201), '..', '.', '%2F', 'ｉｄ'])],
    ])() ?? rng.uuid()
  );
}

function queryValue(param: Parameter, route: string, rng: Rng, world: World, ids: IdLookup): WireValue {
  if (param.name === 'cursor') {
    const own = world.cursors.get(route) ?? [];
    return own.length && rng.chance(0.4) ? rng.pick(own) : hostileCursor(rng, world.allCursors());
  }
  return rng.weighted<() => WireValue>([
    [5, () => wire(validValue(param.schema, param.name, rng, ids))],
    [3, () => wire(boundaryValue(param.schema, rng))],
    [2, () => rng.pick(HOSTILE_STRINGS)],
    [1, () => Buffer.concat([Buffer.from('a'), rng.pick(INVALID_UTF8)])],
  ])();
}

function query(op: Operation, rng: Rng, world: World, ids: IdLookup): string {
  const pairs: [string, WireValue][] = [];
  for (const param of op.params.filter((p) => p.in === 'query')) {
    if (!rng.chance(param.required ? 0.95 : 0.35)) continue;
    pairs.push([param.name, queryValue(param, op.key, rng, world, ids)]);
    if (rng.chance(0.04)) pairs.push([param.name, queryValue(param, op.key, rng, world, ids)]);
  }
  if (rng.chance(0.04))
    pairs.push([
      rng.pick(['search', 'limit', 'tenant_id', '', 'q[]', '__proto__']),
      rng.pick(HOSTILE_STRINGS),
    ]);
  return queryString(pairs);
}

/** A body that is not the JSON the route reads: malformed, mislabelled, not UTF-8, or over the limit. */
function rawBody(valid: unknown, rng: Rng): { body: Buffer; type: string } {
  const text = JSON.stringify(valid) ?? 'null';
  return rng.weighted<() => { body: Buffer; type: string }>([
    [
      3,
      () => ({
        body: Buffer.from(rng.pick(['{', '{"a":', '[1,]', 'nul', '{"a":1}}', '', '\u0000', "{'a':1}"])),
        type: 'application/json',
      }),
    ],
    [
      3,
      () => {
        const at = text.indexOf('":"') + 3;
        const bad = rng.pick(INVALID_UTF8);
        return {
          body:
            at > 2
              ? Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))])
              : Buffer.concat([bad, Buffer.from(text)]),
          type: 'application/json',
        };
      },
    ],
    [
      2,
      () => ({
        body: Buffer.from(text),
        type: rng.pick([
          'text/plain',
          'application/xml',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/jsonx',
        ]),
      }),
    ],
    [1, () => ({ body: Buffer.from(`{"a":"${'x'.repeat(1_100_000)}"}`), type: 'application/json' })],
    [
      1,
      () => ({ body: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), type: 'application/json' }),
    ],
  ])();
}

function jsonBody(op: Operation, rng: Rng, ids: IdLookup): { body: Buffer; type: string } {
  const valid = validValue(op.json!, 'body', rng, ids);
  if (op.form && rng.chance(0.2)) {
    const fields = Object.entries(valid as Record<string, unknown>).map(([k, v]): [string, WireValue] => [
      k,
      wire(rng.chance(0.7) ? v : rng.pick(HOSTILE_STRINGS)),
    ]);
    return { body: Buffer.from(queryString(fields).slice(1)), type: 'application/x-www-form-urlencoded' };
  }
  const mode = rng.weighted([
    [3, 'valid'],
    [6, 'mutated'],
    [1, 'raw'],
  ] as const);
  if (mode === 'raw') return rawBody(valid, rng);
  let body = valid;
  if (mode === 'mutated') for (let i = rng.int(1, 3); i > 0; i--) body = mutate(body, op.json, rng);
  return { body: Buffer.from(JSON.stringify(body) ?? 'null'), type: 'application/json' };
}

/** Authorization for a role; the anonymous one sometimes sends a broken or forged token. */
function authorization(role: Role, rng: Rng, world: World): string | undefined {
  const token = world.token(role);
  if (token) return `Bearer ${token}`;
  const admin = world.token('admin') ?? 'x.y.z';
  return rng.weighted<() => string | undefined>([
    [6, () => undefined],
    [1, () => 'Bearer garbage'],
    [1, () => `Bearer ${admin.slice(0, -3)}abc`],
    [1, () => rng.pick(['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer  ', `Bearer ${'a'.repeat(5_000)}`])],
  ])();
}

/** Request n for one operation: a role, path parameters, a query and a body, all from `rng`. */
export function buildRequest(n: number, op: Operation, rng: Rng, world: World): FuzzRequest {
  const role = rng.weighted<Role>([
    [6, 'admin'],
    [3, 'agent'],
    [op.public ? 3 : 1.5, 'anonymous'],
  ]);
  const ids: IdLookup = (name, r) => world.idFor(kindOfName(name), r);
  const kinds = pathKinds(op.path);
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    percentEncode(pathValue(kinds[name]!, rng, world)),
  );
  const headers: Record<string, string> = {};
  const auth = authorization(role, rng, world);
  if (auth) headers.authorization = auth;
  if (role === 'admin' && rng.chance(0.02))
    headers['x-tenant-id'] = rng.pick([...world.foreignIds.slice(-1), 'not-a-uuid', rng.uuid()]);
  let body: Buffer | undefined;
  if (op.multipart) {
    const form = multipartBody(op, rng, world);
    [body, headers['content-type']] = [form.body, form.contentType];
  } else if (op.json) {
    const json = jsonBody(op, rng, ids);
    [body, headers['content-type']] = [json.body, json.type];
  } else if (op.method !== 'GET' && rng.chance(0.03)) {
    [body, headers['content-type']] = [
      Buffer.from(JSON.stringify(hostileJson(rng)) ?? '{}'),
      'application/json',
    ];
  }
  return {
    n,
    route: op.key,
    role,
    method: op.method,
    url: `${path}${query(op, rng, world, ids)}`,
    headers,
    body,
  };
}
