import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { requirePrincipal, requireTenant } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { openSseStream, type SseOptions, type SseStream } from './sse.js';
import type { Realtime } from './types.js';

export type RealtimeRouteOptions = Partial<SseOptions>;

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
      description: 'Comma-separated topics to receive (`notifications,alerts`); all topics when omitted',
    }),
  ),
});
export type EventsQuery = Static<typeof EventsQuery>;

const EVENTS_DESCRIPTION = [
  'A Server-Sent Events stream of the real-time events of the caller’s tenant: events for the whole',
  'tenant and events addressed to the caller. Each event is `id: <uuid>`, `event: <topic>`,',
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
  const sse: SseOptions = { ...DEFAULT_SSE_OPTIONS, ...options };
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
      if (closing) {
        throw new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; reconnect shortly.', {
          retryAfterSeconds: 1,
        });
      }
      const topics = request.query.topics ? [...new Set(request.query.topics.split(','))] : undefined;

      // Subscribe first: an invalid filter must still fail as a normal error response. Events are only
      // ever delivered from a later tick (the NOTIFY callback), so `stream` is set by then.
      let stream: SseStream | undefined;
      const unsubscribe = realtime.subscribe(
        { tenantId, userId, topics, sessionId: requirePrincipal(request).sessionId },
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
