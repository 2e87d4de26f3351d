import http from 'node:http';

export interface Sent {
  method: string;
  /** Path and query, already percent-encoded (byte for byte what goes on the wire). */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Received {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One request over a real socket to the server on loopback. Rejects when no answer comes. */
export function send(port: number, request: Sent, timeoutMs = 30_000): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        // An event stream never ends: its head is the answer.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

export function closeConnections(): void {
  agent.destroy();
}

/** JSON helper for setting up: sends, expects one of `ok`, returns the parsed body. */
export async function callJson<T = Record<string, unknown>>(
  port: number,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  ok: number[] = [200, 201],
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(port, {
    method,
    url,
    headers,
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  if (!ok.includes(res.status))
    throw new Error(`${method} ${url}: ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  return (res.body.length ? JSON.parse(res.body.toString('utf8')) : {}) as T;
}
