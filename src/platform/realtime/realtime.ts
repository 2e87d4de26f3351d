import type { Database } from '../db/types.js';
import {
  assertTopic,
  canonicalId,
  decodeEvent,
  encodeEvent,
  InvalidRealtimeEventError,
  UndeclaredRealtimeTopicError,
} from './envelope.js';
import type {
  Realtime,
  RealtimeEvent,
  RealtimeEventInput,
  RealtimeListener,
  RealtimeLogger,
  RealtimeStats,
  RealtimeTopic,
  SubscribeOptions,
  SubscriberAccess,
  SubscriptionFilter,
  SubscriptionMatch,
} from './types.js';

/** The one NOTIFY channel every SalesOps process shares (lower case: LISTEN folds unquoted names). */
export const REALTIME_CHANNEL = 'salesops_events';

export interface RealtimeOptions {
  /** Another channel (separate deployments sharing one database). */
  channel?: string;
  /** Every topic that may be published and delivered (the platform's and the modules'). */
  topics?: readonly RealtimeTopic[];
}

interface Subscription {
  tenantId: string;
  userId: string | null;
  topics: ReadonlySet<string> | null;
  access: SubscriberAccess;
  sessionId: string | null;
  listener: RealtimeListener;
  onEnd?: () => void;
}

/**
 * Local delivery happens only through the NOTIFY loopback: a process receives its own notifications
 * like everyone else's. That gives one code path, the same commit order on every instance, and
 * transactional publishing for free (an event published in a transaction that rolls back reaches no
 * one, including the local process); the cost is one database round trip of latency.
 */
export function createRealtime(db: Database, log: RealtimeLogger, options: RealtimeOptions = {}): Realtime {
  const channel = options.channel ?? REALTIME_CHANNEL;
  // PGlite interpolates the name into LISTEN unquoted; a plain lower-case identifier is safe on both drivers.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`Invalid realtime channel name: ${channel}`);
  const declared = declareTopics(options.topics ?? []);
  const byTenant = new Map<string, Set<Subscription>>();
  let state: RealtimeStats['state'] = 'idle';
  // A function, not the variable: TypeScript would keep a narrowing across the awaits in start().
  const current = () => state;
  let starting: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  /**
   * Closed by default: an event reaches a subscriber only on a declared topic whose permission the
   * subscriber holds, addressed to it or to the whole tenant, and — when it names an owner — only if
   * the subscriber's data scope covers that owner.
   */
  function matches(subscription: Subscription, event: RealtimeEvent): boolean {
    const topic = declared.get(event.topic);
    if (!topic) return false;
    if (subscription.topics !== null && !subscription.topics.has(event.topic)) return false;
    if (event.userId !== undefined && event.userId !== subscription.userId) return false;
    if (!subscription.access.hasPermission(topic.permission)) return false;
    const { owners } = subscription.access;
    if (topic.scope === 'owner' && event.ownerId === undefined) return false;
    return event.ownerId === undefined || owners === 'all' || owners.has(event.ownerId);
  }

  /** Encodes an event for the channel; an undeclared topic or an owner-scoped one without owner throws. */
  function encodeDeclared(input: RealtimeEventInput) {
    const encoded = encodeEvent(input);
    const topic = declared.get(encoded.event.topic);
    if (!topic) throw new UndeclaredRealtimeTopicError(encoded.event.topic);
    if (topic.scope === 'owner' && encoded.event.ownerId === undefined)
      throw new InvalidRealtimeEventError(`topic "${encoded.event.topic}" is owner-scoped; set ownerId`);
    return encoded;
  }

  function deliver(payload: string): void {
    if (state === 'stopped') return;
    const event = decodeEvent(payload);
    if (!event) {
      log.warn({ channel, bytes: payload.length }, 'realtime: ignored a malformed notification');
      return;
    }
    const subscriptions = byTenant.get(event.tenantId);
    if (!subscriptions) return;
    for (const subscription of [...subscriptions]) {
      if (!matches(subscription, event)) continue;
      try {
        subscription.listener(event);
      } catch (error) {
        log.error({ err: error, topic: event.topic }, 'realtime: a subscriber failed');
      }
    }
  }

  function remove(subscription: Subscription): boolean {
    const set = byTenant.get(subscription.tenantId);
    if (!set?.delete(subscription)) return false;
    if (set.size === 0) byTenant.delete(subscription.tenantId);
    return true;
  }

  /** Ends every open subscription (its stream closes; the client reconnects and reloads). */
  function endAll(): void {
    const ended = [...byTenant.values()].flatMap((set) => [...set]);
    byTenant.clear();
    for (const subscription of ended) {
      try {
        subscription.onEnd?.();
      } catch (error) {
        log.error({ err: error }, 'realtime: a subscription end handler failed');
      }
    }
  }

  /**
   * The LISTEN connection was lost and is back: events of that gap are gone, so every stream is
   * ended, and its client reconnects and reloads over REST as after any reconnection.
   */
  function resubscribed(): void {
    if (state === 'stopped') return;
    log.warn(
      { channel },
      'realtime: the listening connection came back; ending open streams so clients reload',
    );
    endAll();
  }

  return {
    start() {
      if (state === 'stopped') return Promise.reject(new Error('Realtime was stopped; create a new one.'));
      starting ??= (async () => {
        state = 'starting';
        const off = await db.listen(channel, deliver, resubscribed);
        // stop() may have run while LISTEN was in flight.
        if (current() === 'stopped') {
          await off();
        } else {
          unlisten = off;
          state = 'running';
        }
      })().catch((error: unknown) => {
        starting = undefined;
        if (current() === 'starting') state = 'idle';
        throw error;
      });
      return starting;
    },

    async stop() {
      if (state === 'stopped') return;
      const pending = starting;
      state = 'stopped';
      endAll();
      await pending?.catch(() => undefined);
      await unlisten?.().catch((error: unknown) => log.warn({ err: error }, 'realtime: UNLISTEN failed'));
      unlisten = undefined;
    },

    async publish(input, options = {}) {
      const { event, payload } = encodeDeclared(input);
      const client = options.tx?.sql ?? db;
      await client.query('select pg_notify($1, $2)', [channel, payload]);
      return event;
    },

    async publishMany(inputs, options = {}) {
      const encoded = inputs.map(encodeDeclared);
      if (!encoded.length) return [];
      const client = options.tx?.sql ?? db;
      // unnest yields the array in order, so the events are notified (and delivered) in order.
      await client.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [
        channel,
        encoded.map((e) => e.payload),
      ]);
      return encoded.map((e) => e.event);
    },

    subscribe(filter: SubscriptionFilter, listener: RealtimeListener, options: SubscribeOptions = {}) {
      for (const topic of filter.topics ?? []) assertTopic(topic);
      const subscription: Subscription = {
        tenantId: canonicalId(filter.tenantId, 'tenantId'),
        userId: filter.userId === null ? null : canonicalId(filter.userId, 'userId'),
        topics: filter.topics?.length ? new Set(filter.topics) : null,
        access: filter.access,
        sessionId: filter.sessionId ? canonicalId(filter.sessionId, 'sessionId') : null,
        listener,
        onEnd: options.onEnd,
      };
      if (state === 'stopped') {
        // Shutting down: the subscriber learns it is over the same way as the ones stop() ended.
        queueMicrotask(() => subscription.onEnd?.());
        return () => undefined;
      }
      let set = byTenant.get(subscription.tenantId);
      if (!set) byTenant.set(subscription.tenantId, (set = new Set()));
      set.add(subscription);
      return () => void remove(subscription);
    },

    end(match: SubscriptionMatch) {
      const sessionIds = match.sessionIds ? new Set(match.sessionIds.map((id) => id.toLowerCase())) : null;
      const userId = match.userId?.toLowerCase();
      const tenantId = match.tenantId?.toLowerCase();
      if (!sessionIds && !userId && !tenantId) return 0;
      const ended: Subscription[] = [];
      for (const set of byTenant.values()) {
        for (const s of set) {
          if (sessionIds && !(s.sessionId && sessionIds.has(s.sessionId))) continue;
          if (userId && s.userId !== userId) continue;
          if (tenantId && s.tenantId !== tenantId) continue;
          ended.push(s);
        }
      }
      for (const subscription of ended) {
        remove(subscription);
        try {
          subscription.onEnd?.();
        } catch (error) {
          log.error({ err: error }, 'realtime: a subscription end handler failed');
        }
      }
      return ended.length;
    },

    stats() {
      let subscribers = 0;
      for (const set of byTenant.values()) subscribers += set.size;
      return { state, subscribers };
    },

    topics: () => declared,
  };
}

/** Checks every declaration once, at start-up: a malformed or twice-declared topic stops the app. */
function declareTopics(topics: readonly RealtimeTopic[]): ReadonlyMap<string, RealtimeTopic> {
  const declared = new Map<string, RealtimeTopic>();
  for (const topic of topics) {
    assertTopic(topic.topic);
    if (declared.has(topic.topic)) throw new Error(`Realtime topic "${topic.topic}" is declared twice.`);
    const permissions = [topic.permission].flat();
    if (permissions.length === 0 || permissions.some((p) => typeof p !== 'string' || p === ''))
      throw new Error(`Realtime topic "${topic.topic}" must declare the permission that receives it.`);
    declared.set(topic.topic, topic);
  }
  return declared;
}
