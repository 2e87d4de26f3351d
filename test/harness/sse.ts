import http from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

export interface SseClient {
  response: http.IncomingMessage;
  frames: SseFrame[];
  /** Events only (frames with data), parsed. */
  events(): { id?: string; event?: string; data: unknown }[];
  waitFor(predicate: (frame: SseFrame) => boolean, what: string, timeoutMs?: number): Promise<SseFrame>;
  ended: Promise<void>;
  close(): void;
}

export function parseFrame(block: string): SseFrame {
  const frame: SseFrame = { comments: [] };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      frame.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    else if (name === 'id' || name === 'event' || name === 'retry') frame[name] = value;
  }
  if (data.length) frame.data = data.join('\n');
  return frame;
}

/** A real HTTP client reading `GET /api/v1/events` frame by frame. Resolves once the response headers arrive. */
export function connect(baseUrl: string, token: string | undefined, query = ''): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { accept: 'text/event-stream', 'accept-encoding': 'gzip, br' };
    if (token) headers.authorization = `Bearer ${token}`;
    const request = http.get(`${baseUrl}/api/v1/events${query}`, { headers }, (response) => {
      const frames: SseFrame[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let endedResolve: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, at)));
          buffer = buffer.slice(at + 2);
        }
        for (const waiter of [...waiters]) waiter();
      });
      response.on('close', () => endedResolve());
      response.on('error', () => endedResolve());
      resolve({
        response,
        frames,
        ended,
        events: () =>
          frames
            .filter((f) => f.data !== undefined)
            .map((f) => ({ id: f.id, event: f.event, data: JSON.parse(f.data!) as unknown })),
        waitFor(predicate, what, timeoutMs = 5_000) {
          return new Promise((found, fail) => {
            const check = () => {
              const frame = frames.find(predicate);
              if (!frame) return;
              clearTimeout(timer);
              waiters.delete(check);
              found(frame);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out waiting for ${what}; got ${JSON.stringify(frames)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

export const isData = (value: unknown) => (frame: SseFrame) =>
  frame.data !== undefined && JSON.stringify(JSON.parse(frame.data)) === JSON.stringify(value);

export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
