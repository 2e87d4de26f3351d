/** What the principal resolver concluded about a session. */
export type Verdict =
  | { ok: true; roles: string[]; permissions: string[]; scope: string }
  | { ok: false; code: 'SESSION_REVOKED' | 'USER_INACTIVE' | 'TENANT_SUSPENDED' };

const MAX_ENTRIES = 50_000;

/** Sessions to forget: by id, every session of a user, of a tenant, or all of them. */
export type Revocation =
  { sessionIds: readonly string[] } | { userId: string } | { tenantId: string } | { all: true };

export interface PrincipalCache {
  ttlMs: number;
  get(sid: string): Verdict | undefined;
  /** The eviction count now; `set` refuses a verdict judged before a later eviction. */
  generation(): number;
  set(sid: string, owner: { userId: string; tenantId: string }, verdict: Verdict, judgedAt: number): void;
  evict(sessionIds: readonly string[]): void;
  forget(revocation: Revocation): void;
  clear(): void;
}

const live = new Set<WeakRef<PrincipalCache>>();

/**
 * One API instance's memory of session verdicts, for at most `ttlMs` (30 s). Revocations reach it
 * after their commit (locally, and from other instances over NOTIFY) and evict what they concern.
 *
 * A request that read the session before a revocation committed may finish after the eviction; it
 * must not put its stale verdict back. Every eviction bumps a generation counter, and `set` keeps
 * a verdict only if no eviction happened since the request started judging.
 */
export function createPrincipalCache(ttlMs = 30_000): PrincipalCache {
  const entries = new Map<string, { at: number; userId: string; tenantId: string; verdict: Verdict }>();
  let generation = 0;
  const cache: PrincipalCache = {
    ttlMs,
    get(sid) {
      const entry = entries.get(sid);
      if (!entry) return undefined;
      if (Date.now() - entry.at >= cache.ttlMs) {
        entries.delete(sid);
        return undefined;
      }
      return entry.verdict;
    },
    generation: () => generation,
    set(sid, owner, verdict, judgedAt) {
      if (judgedAt !== generation) return;
      if (entries.size >= MAX_ENTRIES) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(sid, { at: Date.now(), ...owner, verdict });
    },
    evict(sessionIds) {
      cache.forget({ sessionIds });
    },
    forget(revocation) {
      generation++;
      if ('all' in revocation) return entries.clear();
      if ('sessionIds' in revocation) {
        for (const sid of revocation.sessionIds) entries.delete(sid.toLowerCase());
        return;
      }
      const [field, value] =
        'userId' in revocation
          ? (['userId', revocation.userId.toLowerCase()] as const)
          : (['tenantId', revocation.tenantId.toLowerCase()] as const);
      for (const [sid, entry] of entries) if (entry[field] === value) entries.delete(sid);
    },
    clear() {
      cache.forget({ all: true });
    },
  };
  live.add(new WeakRef(cache));
  return cache;
}

/** Forgets every cached session verdict of every app in this process (tests; bulk database edits). */
export function clearPrincipalCache(): void {
  for (const ref of live) {
    const cache = ref.deref();
    if (cache) cache.clear();
    else live.delete(ref);
  }
}
