import type { FastifyBaseLogger } from 'fastify';
import type { SqlClient } from '../db/types.js';

/**
 * A topic a module (or the platform) declares before publishing to it. Nothing is delivered on an
 * undeclared topic, and publishing to one throws: a new topic is closed until declared.
 */
export interface RealtimeTopic {
  /** Lower-case name the client filters on: `notifications`, `alerts`, `reports.completed`… */
  topic: string;
  /**
   * The permission a subscriber needs to receive the topic (any of a list). `authenticated` = any
   * signed-in user of the tenant: only for topics whose events are addressed to one user (`userId`).
   */
  permission: string | readonly string[];
  /**
   * `owner`: every event is about a record a user owns and carries `ownerId`; it reaches only
   * subscribers whose data scope (own/team/org_unit/tenant) covers that owner.
   */
  scope?: 'owner';
  /** What an event on it means and what `data` holds (documentation). */
  description: string;
}

/** What a module publishes. The tenant always comes from the caller's context, never from input. */
export interface RealtimeEventInput {
  tenantId: string;
  /** A declared topic (see RealtimeTopic). */
  topic: string;
  /** Only this user (in this tenant) receives the event; omitted = everyone in the tenant. */
  userId?: string;
  /**
   * The user who owns the record the event is about (required on `scope: 'owner'` topics): only
   * subscribers whose data scope covers this user receive it.
   */
  ownerId?: string;
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
  ownerId?: string;
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

/** What a subscriber may receive, fixed when it subscribes (an SSE stream: when it opens). */
export interface SubscriberAccess {
  /** Whether the subscriber holds a topic's permission (`authenticated` and lists as on routes). */
  hasPermission(permission: string | readonly string[]): boolean;
  /** The users whose owned records the subscriber may see; `'all'` for the whole tenant. */
  owners: ReadonlySet<string> | 'all';
}

export interface SubscriptionFilter {
  tenantId: string;
  /** Receives events targeted at this user too; null = only the tenant-wide events. */
  userId: string | null;
  /** Only these topics; omitted or empty = every declared topic the subscriber may receive. */
  topics?: readonly string[];
  /** The subscriber's permissions and data scope; each event is checked against its topic's declaration. */
  access: SubscriberAccess;
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
  /**
   * Validates and sends the event; rejects with UndeclaredRealtimeTopicError for a topic nobody
   * declared, and RealtimeEventTooLargeError over the NOTIFY limit.
   */
  publish(event: RealtimeEventInput, options?: PublishOptions): Promise<RealtimeEvent>;
  /**
   * `publish` for many events in one statement (bulk work such as alerts raised by a check): all are
   * validated before any is sent, and they are delivered in order.
   */
  publishMany(events: readonly RealtimeEventInput[], options?: PublishOptions): Promise<RealtimeEvent[]>;
  /** Returns the function that unsubscribes (idempotent). */
  subscribe(filter: SubscriptionFilter, listener: RealtimeListener, options?: SubscribeOptions): () => void;
  /**
   * Ends the local subscriptions that match (calling their `onEnd`, which closes an SSE stream) and
   * returns how many: a revoked session or a deactivated user must stop receiving events at once.
   */
  end(match: SubscriptionMatch): number;
  stats(): RealtimeStats;
  /** The declared topics (platform's and modules'), by name. */
  topics(): ReadonlyMap<string, RealtimeTopic>;
}

export type RealtimeLogger = Pick<FastifyBaseLogger, 'debug' | 'warn' | 'error'>;
