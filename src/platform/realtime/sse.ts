import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseOptions {
  /** A comment line this often keeps proxies and load balancers from timing the stream out. */
  heartbeatMs: number;
  /** The reconnection delay the client's EventSource should use (`retry:`). */
  retryMs: number;
  /** A client this far behind (bytes queued in the socket) is dropped; it reconnects and catches up via REST. */
  maxBufferedBytes: number;
}

export interface SseMessage {
  id?: string;
  event?: string;
  /** Already serialised; one line (JSON.stringify output never contains a raw line break). */
  data: string;
}

export interface SseStream {
  send(message: SseMessage): void;
  comment(text: string): void;
  /** Ends the response (idempotent); the client sees a finished stream. */
  end(): void;
  readonly closed: boolean;
  /** Called once when the response is over, whoever ended it (us, the client, a network error). */
  onClose(handler: () => void): void;
}

/** One field per line; values never contain CR or LF (SSE has no escaping, so they are stripped). */
const field = (name: string, value: string) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`;

export function formatSseMessage(message: SseMessage): string {
  let frame = '';
  if (message.id !== undefined) frame += field('id', message.id);
  if (message.event !== undefined) frame += field('event', message.event);
  for (const line of message.data.split(/\r\n|\r|\n/)) frame += field('data', line);
  return `${frame}\n`;
}

/**
 * Takes over the response (`reply.hijack()`) and writes an event stream straight to the socket, so
 * no onSend hook (compression in particular) buffers it. The headers the request hooks already set
 * on the reply (CORS, security headers, rate-limit counters) are carried over.
 */
export function openSseStream(request: FastifyRequest, reply: FastifyReply, options: SseOptions): SseStream {
  const res = reply.raw;
  const closeHandlers: (() => void)[] = [];
  let closed = false;

  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache, no-transform';
  headers['x-accel-buffering'] = 'no';
  headers['x-request-id'] = request.id;
  // The socket is not reused after a stream ends, so an ended stream never holds up server.close().
  if (request.raw.httpVersionMajor < 2) headers.connection = 'close';
  delete headers['content-length'];
  delete headers['content-encoding'];
  res.writeHead(200, headers);
  request.raw.socket?.setNoDelay(true);

  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const handler of closeHandlers.splice(0)) handler();
  };
  res.on('close', finish);
  res.on('error', finish);

  const write = (chunk: string) => {
    if (closed || res.writableEnded) return;
    res.write(chunk);
    if (res.writableLength > options.maxBufferedBytes) {
      request.log.warn({ buffered: res.writableLength }, 'realtime: dropping a client that does not keep up');
      res.destroy();
    }
  };

  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();
  write(`retry: ${options.retryMs}\n: connected\n\n`);

  return {
    send: (message) => write(formatSseMessage(message)),
    comment: (text) => write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`),
    end() {
      if (!res.writableEnded && !res.destroyed) res.end();
      clearInterval(heartbeat);
    },
    get closed() {
      return closed;
    },
    onClose(handler) {
      if (closed) queueMicrotask(handler);
      else closeHandlers.push(handler);
    },
  };
}
