export type {
  PublishOptions,
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
export { createRealtime, REALTIME_CHANNEL, type RealtimeOptions } from './realtime.js';
export {
  InvalidRealtimeEventError,
  MAX_NOTIFY_PAYLOAD_BYTES,
  RealtimeEventTooLargeError,
  TOPIC_PATTERN,
  UndeclaredRealtimeTopicError,
} from './envelope.js';
export {
  DEFAULT_SSE_OPTIONS,
  EventsQuery,
  registerRealtimeRoutes,
  type RealtimeRouteOptions,
} from './routes.js';
export { formatSseMessage, openSseStream, type SseMessage, type SseOptions, type SseStream } from './sse.js';
