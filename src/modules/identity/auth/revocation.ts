import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { Realtime } from '../../../platform/realtime/index.js';
import { createPrincipalCache, type PrincipalCache, type Revocation } from './principal-cache.js';

/** The NOTIFY channel on which instances tell each other about revoked sessions. */
export const REVOCATION_CHANNEL = 'salesops_revocations';

/** Session ids per notification: 36 characters each keeps a payload far below PostgreSQL's 8000 bytes. */
const IDS_PER_NOTIFICATION = 150;

export interface SessionRevocations {
  /** The principal resolver's verdicts on this instance. */
  cache: PrincipalCache;
  /**
   * Inside the revoking transaction: NOTIFY every instance (this one too), delivered only if and
   * when the transaction commits. Each then forgets its verdicts and closes the event streams.
   */
  announce(tx: Tx, revocation: Revocation): Promise<void>;
  /** After the commit, on this instance, without waiting for the notification to come back. */
  apply(revocation: Revocation): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type Wire = { s: string[] } | { u: string } | { t: string } | { a: 1 };

const toWire = (r: Revocation): Wire[] => {
  if ('sessionIds' in r) {
    const chunks: Wire[] = [];
    for (let i = 0; i < r.sessionIds.length; i += IDS_PER_NOTIFICATION)
      chunks.push({ s: r.sessionIds.slice(i, i + IDS_PER_NOTIFICATION) });
    return chunks;
  }
  if ('userId' in r) return [{ u: r.userId }];
  if ('tenantId' in r) return [{ t: r.tenantId }];
  return [{ a: 1 }];
};

function fromWire(payload: string): Revocation | undefined {
  try {
    const w = JSON.parse(payload) as Partial<{ s: unknown; u: unknown; t: unknown; a: unknown }>;
    if (Array.isArray(w.s) && w.s.every((id) => typeof id === 'string')) return { sessionIds: w.s };
    if (typeof w.u === 'string') return { userId: w.u };
    if (typeof w.t === 'string') return { tenantId: w.t };
    if (w.a === 1) return { all: true };
  } catch {
    // not ours to understand; ignored below
  }
  return undefined;
}

export function createSessionRevocations(deps: {
  db: TenantDatabase;
  realtime: Pick<Realtime, 'end'>;
}): SessionRevocations {
  const cache = createPrincipalCache();
  let unlisten: (() => Promise<void>) | undefined;
  let starting: Promise<void> | undefined;

  function apply(revocation: Revocation): void {
    cache.forget(revocation);
    if ('sessionIds' in revocation) {
      if (revocation.sessionIds.length > 0) deps.realtime.end({ sessionIds: revocation.sessionIds });
    } else if ('userId' in revocation) deps.realtime.end({ userId: revocation.userId });
    else if ('tenantId' in revocation) deps.realtime.end({ tenantId: revocation.tenantId });
  }

  return {
    cache,
    apply,
    async announce(tx, revocation) {
      if ('sessionIds' in revocation && revocation.sessionIds.length === 0) return;
      for (const wire of toWire(revocation))
        await tx.sql.query('select pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(wire)]);
    },
    start() {
      starting ??= deps.db
        .listen(REVOCATION_CHANNEL, (payload) => {
          const revocation = fromWire(payload);
          if (revocation) apply(revocation);
        })
        .then((off) => {
          unlisten = off;
        });
      return starting;
    },
    async stop() {
      await starting?.catch(() => undefined);
      await unlisten?.();
      unlisten = undefined;
    },
  };
}

const byPlatform = new WeakMap<object, SessionRevocations>();

/** The revocation machinery of one app (its platform object): one cache and one LISTEN per instance. */
export function sessionRevocationsOf(platform: {
  db: TenantDatabase;
  realtime: Realtime;
}): SessionRevocations {
  let found = byPlatform.get(platform);
  if (!found) {
    found = createSessionRevocations(platform);
    byPlatform.set(platform, found);
  }
  return found;
}

/** The revocation machinery an API app created for this platform, if any (a worker has none). */
export const existingSessionRevocationsOf = (platform: object): SessionRevocations | undefined =>
  byPlatform.get(platform);
