import type { Rng } from './random.js';
import { callJson } from './http.js';
import type { Operation } from './spec.js';

export type Role = 'admin' | 'agent' | 'anonymous';

export interface Principal {
  email: string;
  password: string;
  token: string;
  userId: string;
}

/** `call_cycles` → `call_cycle`, `industries` → `industry`: the kind of record an id names. */
export function singular(word: string): string {
  const w = word.replace(/-/g, '_');
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  return w.endsWith('s') ? w.slice(0, -1) : w;
}

/** Field and parameter names whose ids are users'. */
const USER_NAMES = new Set([
  'agent',
  'user',
  'leader',
  'member',
  'owner',
  'assignee',
  'account_manager',
  'manager',
]);

/** The kind of record a field or parameter name refers to (`outlet_id`, `outlet_ids`, `agent`). */
export function kindOfName(name: string): string {
  const base = name.replace(/_ids?$/, '');
  if (USER_NAMES.has(base)) return 'user';
  if (base === 'under') return 'org_unit';
  return singular(base);
}

/** The kind of each path parameter: `{id}` takes it from the segment before, others from their name. */
export function pathKinds(path: string): Record<string, string> {
  const kinds: Record<string, string> = {};
  const segments = path.split('/');
  segments.forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) kinds[name] = name === 'id' ? singular(segments[i - 1]!) : kindOfName(name);
  });
  return kinds;
}

/**
 * What the fuzzer knows about the server: who it signs in as, real ids by kind (so requests get past
 * the 404s), ids of another tenant, cursors lists issued, and the ids it must not hit in a path (its
 * own users, their roles, sessions and tenant: deleting those tests the fuzzer, not the server).
 */
export class World {
  readonly ids = new Map<string, string[]>();
  readonly foreignIds: string[] = [];
  readonly cursors = new Map<string, string[]>();
  readonly protectedIds = new Set<string>();
  readonly principals = new Map<Exclude<Role, 'anonymous'>, Principal>();
  files: Record<'png' | 'jpeg' | 'pdf' | 'csv' | 'bomb', Buffer> = {} as never;
  csvTemplates = new Map<string, Buffer>();
  /** Puts a principal's account back (active, its e-mail, unlocked) when a request changed it. */
  restore?: (principal: Principal) => Promise<void>;

  constructor(readonly port: number) {}

  addId(kind: string, id: unknown): void {
    if (typeof id !== 'string') return;
    const pool = this.ids.get(kind) ?? [];
    if (pool.length < 200 && !pool.includes(id)) pool.push(id);
    this.ids.set(kind, pool);
  }

  /** Collects `{id}`s of every list in a response body, and its `next_cursor` for `route`. */
  harvest(route: string, body: unknown, kind?: string): void {
    if (typeof body !== 'object' || body === null) return;
    const record = body as Record<string, unknown>;
    if (kind && typeof record.id === 'string') this.addId(kind, record.id);
    for (const [key, value] of Object.entries(record))
      if (Array.isArray(value))
        for (const item of value as unknown[])
          if (item && typeof item === 'object') this.addId(singular(key), (item as { id?: unknown }).id);
    if (typeof record.next_cursor === 'string') {
      const pool = this.cursors.get(route) ?? [];
      if (pool.length < 20) pool.push(record.next_cursor);
      this.cursors.set(route, pool);
    }
  }

  /** A real id of `kind` (or, now and then, of any kind), for body fields and query filters. */
  idFor(kind: string, rng: Rng, forPath = false): string | undefined {
    let pool = this.ids.get(kind) ?? [];
    if (!pool.length || rng.chance(0.08)) pool = [...this.ids.values()].flat();
    if (forPath) pool = pool.filter((id) => !this.protectedIds.has(id));
    return pool.length ? rng.pick(pool) : undefined;
  }

  allCursors(): string[] {
    return [...this.cursors.values()].flat();
  }

  token(role: Role): string | undefined {
    return role === 'anonymous' ? undefined : this.principals.get(role)?.token;
  }

  /** Lists every list route (and each nested list under a few parents) as `role`, harvesting ids. */
  async harvestAll(
    operations: Operation[],
    token: string,
    into: (route: string, body: unknown) => void,
  ): Promise<void> {
    const lists = operations.filter((op) => op.method === 'GET' && op.path.startsWith('/api/v1/'));
    for (const op of lists.filter((o) => !o.path.includes('{') && !o.params.some((p) => p.required))) {
      const paged = op.params.some((p) => p.name === 'limit') ? '?limit=2' : '';
      const body = await callJson(this.port, 'GET', `${op.path}${paged}`, token, undefined, [200, 403]).catch(
        () => undefined,
      );
      into(op.key, body);
    }
    for (const op of lists.filter((o) => /^\/api\/v1\/[a-z-/]+\/\{id\}\/[a-z-]+$/.test(o.path))) {
      const parents = (this.ids.get(pathKinds(op.path).id!) ?? []).slice(0, 4);
      for (const id of parents) {
        const body = await callJson(
          this.port,
          'GET',
          op.path.replace('{id}', id),
          token,
          undefined,
          [200, 403, 404],
        ).catch(() => undefined);
        into(op.key, body);
      }
    }
  }
}
