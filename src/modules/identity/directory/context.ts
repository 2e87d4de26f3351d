// The request plumbing moved to the platform's resource toolkit; re-exported for existing callers.
export {
  callContext,
  inTenant,
  iso,
  likeEscape,
  parseSort,
  type CallContext,
} from '../../../platform/resource/index.js';

/**
 * The principal resolver's per-instance cache of session verdicts. Services evict what they change
 * (after the transaction), so the change applies at once on this instance and within the cache's
 * lifetime on the others.
 */
export interface SessionCache {
  evict(sessionIds: readonly string[]): void;
  clear(): void;
}

export const noSessionCache: SessionCache = { evict: () => undefined, clear: () => undefined };
