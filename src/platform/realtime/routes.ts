import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import {
  hasPermission,
  ownUsersInScope,
  requirePrincipal,
  requireTenant,
  type Principal,
  type UsersInScopeResolver,
} from '../http/auth.js';
import { AppError, forbidden } from '../http/errors.js';
import { openSseStream, type SseOptions, type SseStream } from './sse.js';
import type { Realtime, SubscriberAccess } from './types.js';

export type RealtimeRouteOptions = Partial<SseOptions> & {
  /** The users a subscriber's data scope covers (identity's); without it team/org_unit act as own. */
  usersInScope?: UsersInScopeResolver;
};

export const DEFAULT_SSE_OPTIONS: SseOptions = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  maxBufferedBytes: 1024 * 1024,
};

const topicList = '[a-z][a-z0-9_.-]{0,62}';

export const EventsQuery = Type.Object({
  topics: Type.Optional(
    Type.String({
      pattern: `^${topicList}(,${topicList})*$`,
      maxLength: 1024,
      description:
        'Comma-separated declared topics to receive (`notifications,alerts`); every topic the caller may ' +
        'receive when omitted',
    }),
  ),
});
export type EventsQuery = Static<typeof EventsQuery>;

const EVENTS_DESCRIPTION = [
  'A Server-Sent Events stream of the real-time events of the caller’s tenant: events for the whole',
  'tenant and events addressed to the caller, on the topics whose permission the caller holds; events',
  'about a user-owned record only when the caller’s data scope covers its owner (resolved when the',
  'stream opens). Each event is `id: <uuid>`, `event: <topic>`,',
  '`data: <json>`; a `: heartbeat` comment arrives every 15 s. Delivery is at-most-once and only',
  'while connected (`Last-Event-ID` is not supported): after reconnecting, reload state over the',
  'REST API. Browsers cannot set an Authorization header on `EventSource`; use a fetch-based client.',
].join(' ');

/**
 * `GET /events` (under /api/v1): the caller's events as `text/event-stream`. Open streams end when
 * the app closes (preClose), so they never hold up a graceful shutdown.
 */
export async function registerRealtimeRoutes(
  api: FastifyInstance,
  realtime: Realtime,
  options: RealtimeRouteOptions = {},
): Promise<void> {
  const { usersInScope = ownUsersInScope, ...sseOverrides } = options;
  const sse: SseOptions = { ...DEFAULT_SSE_OPTIONS, ...sseOverrides };
  const open = new Set<SseStream>();
  let closing = false;

  api.addHook('preClose', async () => {
    closing = true;
    for (const stream of open) stream.end();
  });

  api.withTypeProvider<TypeBoxTypeProvider>().get(
    '/events',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Stream real-time events (Server-Sent Events)',
        description: EVENTS_DESCRIPTION,
        tags: ['realtime'],
        querystring: EventsQuery,
        response: {
          200: {
            description: 'An endless `text/event-stream`',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
        },
      },
    },
    async (request, reply) => {
      // Everything that can fail answers with a problem document before the response is taken over.
      const { tenantId, userId } = requireTenant(request);
      const topics = request.query.topics ? [...new Set(request.query.topics.split(','))] : undefined;
      const principal = requirePrincipal(request);
      checkRequestedTopics(realtime, principal, topics);
      // The data scope is resolved once, here: each event is then a set lookup (see the README).
      const access: SubscriberAccess = {
        hasPermission: (permission) => hasPermission(principal, permission),
        owners: lowerCased(await usersInScope(principal, tenantId)),
      };
      // Checked after the await: shutdown may have begun while the scope was being resolved.
      if (closing) {
        throw new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; reconnect shortly.', {
          retryAfterSeconds: 1,
        });
      }

      // Subscribe first: an invalid filter must still fail as a normal error response. Events are only
      // ever delivered from a later tick (the NOTIFY callback), so `stream` is set by then.
      let stream: SseStream | undefined;
      const unsubscribe = realtime.subscribe(
        { tenantId, userId, topics, access, sessionId: requirePrincipal(request).sessionId },
        (event) => stream?.send({ id: event.id, event: event.topic, data: JSON.stringify(event.data) }),
        { onEnd: () => stream?.end() },
      );
      try {
        stream = openSseStream(request, reply, sse);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      const opened = stream;
      open.add(opened);
      opened.onClose(() => {
        unsubscribe();
        open.delete(opened);
      });
      return reply;
    },
  );
}

/** A topic asked for by name must exist (422 UNKNOWN_TOPIC) and be one the caller may receive (403). */
function checkRequestedTopics(
  realtime: Realtime,
  principal: Principal,
  topics: readonly string[] | undefined,
) {
  const declared = realtime.topics();
  const unknown = (topics ?? []).filter((topic) => !declared.has(topic));
  if (unknown.length > 0)
    throw new AppError(422, 'UNKNOWN_TOPIC', `No topic ${unknown.join(', ')} is declared.`, {
      errors: unknown.map((topic) => ({ path: '/query/topics', message: `unknown topic ${topic}` })),
    });
  const denied = (topics ?? []).filter((topic) => !hasPermission(principal, declared.get(topic)!.permission));
  if (denied.length > 0)
    throw forbidden(`You may not receive the topic ${denied.join(', ')}.`, 'TOPIC_FORBIDDEN');
}

const lowerCased = (owners: ReadonlySet<string> | 'all'): ReadonlySet<string> | 'all' =>
  owners === 'all' ? owners : new Set([...owners].map((id) => id.toLowerCase()));
