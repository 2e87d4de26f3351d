import { isUuid, uuidv7 } from '../../lib/ids.js';
import type { RealtimeEvent, RealtimeEventInput } from './types.js';

/**
 * PostgreSQL rejects NOTIFY payloads of 8000 bytes or more (the default build; PGlite is the same).
 * The limit applies to the whole encoded envelope below, not just `data`.
 */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7999;

/** Lower-case, starts with a letter, no separators a comma list or an SSE line could trip on. */
export const TOPIC_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;

export class InvalidRealtimeEventError extends Error {
  constructor(detail: string) {
    super(`Invalid realtime event: ${detail}`);
    this.name = 'InvalidRealtimeEventError';
  }
}

export class RealtimeEventTooLargeError extends Error {
  constructor(
    readonly topic: string,
    readonly bytes: number,
  ) {
    super(
      `Realtime event on topic "${topic}" encodes to ${bytes} bytes; the limit is ${MAX_NOTIFY_PAYLOAD_BYTES}. ` +
        'Publish a reference (an id the client fetches over the REST API) instead of the whole record.',
    );
    this.name = 'RealtimeEventTooLargeError';
  }
}

/** Publishing to a topic that no module or platform part declared (a programming error). */
export class UndeclaredRealtimeTopicError extends Error {
  constructor(readonly topic: string) {
    super(
      `Realtime topic "${topic}" is not declared. Declare it in the publishing module's realtimeTopics ` +
        '(with the permission a subscriber needs) before publishing to it.',
    );
    this.name = 'UndeclaredRealtimeTopicError';
  }
}

/** The wire format on the NOTIFY channel. `v` lets a later format coexist during a rolling deploy. */
interface Envelope {
  v: 1;
  id: string;
  tenant_id: string;
  user_id?: string;
  owner_id?: string;
  topic: string;
  at: string;
  data: unknown;
}

export function assertTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
    throw new InvalidRealtimeEventError(
      `topic must match ${TOPIC_PATTERN.source}, got ${JSON.stringify(topic)}`,
    );
  }
}

/** UUIDs compare case-insensitively; one canonical form keeps tenant matching an exact comparison. */
export function canonicalId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new InvalidRealtimeEventError(`${what} must be a UUID, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

/** Builds the event and its NOTIFY payload; throws before anything is sent. */
export function encodeEvent(input: RealtimeEventInput): { event: RealtimeEvent; payload: string } {
  assertTopic(input.topic);
  const event: RealtimeEvent = {
    id: uuidv7(),
    tenantId: canonicalId(input.tenantId, 'tenantId'),
    topic: input.topic,
    ...(input.userId !== undefined ? { userId: canonicalId(input.userId, 'userId') } : {}),
    ...(input.ownerId !== undefined ? { ownerId: canonicalId(input.ownerId, 'ownerId') } : {}),
    data: input.data === undefined ? null : input.data,
    publishedAt: new Date().toISOString(),
  };
  const envelope: Envelope = {
    v: 1,
    id: event.id,
    tenant_id: event.tenantId,
    ...(event.userId ? { user_id: event.userId } : {}),
    ...(event.ownerId ? { owner_id: event.ownerId } : {}),
    topic: event.topic,
    at: event.publishedAt,
    data: event.data,
  };
  let payload: string;
  try {
    payload = JSON.stringify(envelope);
  } catch (error) {
    throw new InvalidRealtimeEventError(`data is not JSON-serialisable (${(error as Error).message})`);
  }
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_NOTIFY_PAYLOAD_BYTES) throw new RealtimeEventTooLargeError(event.topic, bytes);
  // Round-trip the data so local subscribers see exactly what remote ones do (no Dates, no undefined).
  event.data = (JSON.parse(payload) as Envelope).data;
  return { event, payload };
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Parses a notification; null for anything that is not a well-formed envelope (never trusted blindly). */
export function decodeEvent(payload: string): RealtimeEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const envelope = parsed as Partial<Envelope>;
  if (envelope.v !== 1 || !isString(envelope.id) || !isString(envelope.at)) return null;
  if (!isString(envelope.tenant_id) || !isUuid(envelope.tenant_id)) return null;
  if (!isString(envelope.topic) || !TOPIC_PATTERN.test(envelope.topic)) return null;
  if (envelope.user_id !== undefined && (!isString(envelope.user_id) || !isUuid(envelope.user_id)))
    return null;
  if (envelope.owner_id !== undefined && (!isString(envelope.owner_id) || !isUuid(envelope.owner_id)))
    return null;
  return {
    id: envelope.id,
    tenantId: envelope.tenant_id.toLowerCase(),
    topic: envelope.topic,
    ...(envelope.user_id !== undefined ? { userId: envelope.user_id.toLowerCase() } : {}),
    ...(envelope.owner_id !== undefined ? { ownerId: envelope.owner_id.toLowerCase() } : {}),
    data: envelope.data ?? null,
    publishedAt: envelope.at,
  };
}
