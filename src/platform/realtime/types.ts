import type { FastifyBaseLogger } from 'fastify';
import type { SqlClient } from '../db/types.js';

/** What a module publishes. The tenant always comes from the caller's context, never from input. */
export interface RealtimeEventInput {
  tenantId: string;
  /** Lower-case name the client filters on: `notifications`, `alerts`, `reports.completed`… */
  topic: string;
  /** Only this user (in this tenant) receives the event; omitted = everyone in the tenant. */
  userId?: string;
  /** Any JSON value; the encoded event must stay under the NOTIFY limit (see MAX_NOTIFY_PAYLOAD_BYTES). */
  data: unknown;
}

/** What subscribers receive. */
export interface RealtimeEvent {
  /** UUID v7 assigned at publish time (the SSE `id:`). */
  id: string;
  tenantId: string;
  topic: string;
  userId?: string;
  data: unknown;
  /** ISO 8601 UTC time of publishing. */
  publishedAt: string;
}

export interface PublishOptions {
  /**
   * The transaction the event belongs to (`Tx` fits): NOTIFY is transactional, so the event is
   * delivered only if that transaction commits, and only after it has.
   */
  tx?: { sql: SqlClient };
}

export interface SubscriptionFilter {
  tenantId: string;
  /** Receives events targeted at this user too; null = only the tenant-wide events. */
  userId: string | null;
  /** Only these topics; omitted or empty = every topic. */
  topics?: readonly string[];
  /** The sign-in session the subscriber authenticated with, so `end` can close it when it is revoked. */
  sessionId?: string;
}

/** Which subscriptions `end` closes: those matching every field given (at least one). */
export interface SubscriptionMatch {
  sessionIds?: readonly string[];
  userId?: string;
  tenantId?: string;
}

export type RealtimeListener = (event: RealtimeEvent) => void;

export interface SubscribeOptions {
  /** Called once when the subscription is ended by `stop()` or `end()` (not when you unsubscribe yourself). */
  onEnd?: () => void;
}

export interface RealtimeStats {
  state: 'idle' | 'starting' | 'running' | 'stopped';
  subscribers: number;
}

/**
 * Tenant-scoped publish/subscribe across every API instance that shares the database: publish
 * sends one Postgres NOTIFY, each process LISTENs once and hands events to its local subscribers.
 */
export interface Realtime {
  /** LISTENs on the channel; events published before start() finishes are not delivered here. */
  start(): Promise<void>;
  /** UNLISTENs and ends every subscription (calling their `onEnd`). The instance cannot restart. */
  stop(): Promise<void>;
  /** Validates and sends the event; rejects with RealtimeEventTooLargeError over the NOTIFY limit. */
  publish(event: RealtimeEventInput, options?: PublishOptions): Promise<RealtimeEvent>;
  /** Returns the function that unsubscribes (idempotent). */
  subscribe(filter: SubscriptionFilter, listener: RealtimeListener, options?: SubscribeOptions): () => void;
  /**
   * Ends the local subscriptions that match (calling their `onEnd`, which closes an SSE stream) and
   * returns how many: a revoked session or a deactivated user must stop receiving events at once.
   */
  end(match: SubscriptionMatch): number;
  stats(): RealtimeStats;
}

export type RealtimeLogger = Pick<FastifyBaseLogger, 'debug' | 'warn' | 'error'>;
