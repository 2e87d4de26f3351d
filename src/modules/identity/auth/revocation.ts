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
  /**
   * Permissions changed (a user's roles, a role's permissions): inside the transaction, tell every
   * instance to forget the cached verdicts of that user or tenant. Sessions stay valid and event
   * streams stay open; the next request is judged afresh.
   */
  announceStale(tx: Tx, who: Stale): Promise<void>;
  /** The same after the commit, on this instance. */
  applyStale(who: Stale): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Whose cached verdicts no longer hold. */
export type Stale = { userId: string } | { tenantId: string };

type Wire = { s: string[] } | { u: string } | { t: string } | { a: 1 } | { su: string } | { st: string };

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

const staleToWire = (who: Stale): Wire => ('userId' in who ? { su: who.userId } : { st: who.tenantId });

type Received = { revoked: Revocation } | { stale: Stale };

function fromWire(payload: string): Received | undefined {
  const revoked = (r: Revocation) => ({ revoked: r });
  try {
    const w = JSON.parse(payload) as Partial<Record<'s' | 'u' | 't' | 'a' | 'su' | 'st', unknown>>;
    if (Array.isArray(w.s) && w.s.every((id) => typeof id === 'string')) return revoked({ sessionIds: w.s });
    if (typeof w.u === 'string') return revoked({ userId: w.u });
    if (typeof w.t === 'string') return revoked({ tenantId: w.t });
    if (w.a === 1) return revoked({ all: true });
    if (typeof w.su === 'string') return { stale: { userId: w.su } };
    if (typeof w.st === 'string') return { stale: { tenantId: w.st } };
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

  const notify = async (tx: Tx, wire: Wire) => {
    await tx.sql.query('select pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(wire)]);
  };

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
      for (const wire of toWire(revocation)) await notify(tx, wire);
    },
    announceStale: (tx, who) => notify(tx, staleToWire(who)),
    applyStale: (who) => cache.forget(who),
    start() {
      starting ??= deps.db
        .listen(
          REVOCATION_CHANNEL,
          (payload) => {
            const received = fromWire(payload);
            if (received && 'revoked' in received) apply(received.revoked);
            else if (received) cache.forget(received.stale);
          },
          // Revocations announced while the listener was away are lost: judge everyone afresh.
          () => cache.clear(),
        )
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
