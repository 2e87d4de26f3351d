/**
 * The load generator's HTTP/1.1 client: kept-alive sockets, one request in flight on each, requests
 * written as one buffer and responses read by Content-Length (or chunked). It shares the 2 cores
 * with the server and the database, so its own CPU per request is part of what a benchmark
 * measures: `fetch` cost several times a server's request, `node:http` about a third of one; this
 * costs a few tens of microseconds.
 */
import net from 'node:net';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One kept-alive connection; requests on it run one after another. */
class Connection {
  private readonly socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (res: HttpResponse) => void; reject: (error: Error) => void };
  closed = false;

  constructor(port: number, host: string) {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closed = true;
      this.pending?.reject(error);
      this.pending = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  request(head: string, body: Buffer | undefined): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(body ? Buffer.concat([Buffer.from(head), body]) : head);
    });
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const parsed = parseResponse(this.buffered);
    if (!parsed || !this.pending) return;
    this.buffered = this.buffered.subarray(parsed.consumed);
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve(parsed.response);
  }
}

/** A whole response at the start of `data`, or undefined while it is still arriving. */
function parseResponse(data: Buffer): { response: HttpResponse; consumed: number } | undefined {
  const end = data.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const head = data.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const start = end + HEADER_END.length;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const finish = start + Number(length[1]);
    return data.length < finish
      ? undefined
      : { response: { status, body: data.subarray(start, finish) }, consumed: finish };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return parseChunked(data, start, status);
  return { response: { status, body: Buffer.alloc(0) }, consumed: start };
}

function parseChunked(data: Buffer, from: number, status: number) {
  const parts: Buffer[] = [];
  for (let at = from; ;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    const chunkEnd = lineEnd + 2 + size;
    if (data.length < chunkEnd + 2) return undefined;
    if (size === 0) return { response: { status, body: Buffer.concat(parts) }, consumed: chunkEnd + 2 };
    parts.push(data.subarray(lineEnd + 2, chunkEnd));
    at = chunkEnd + 2;
  }
}

/** Kept-alive connections to one server, opened as concurrent callers need them. */
export class HttpClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {}

  async request(method: string, path: string, headers: Record<string, string>, body?: string) {
    const payload = body === undefined ? undefined : Buffer.from(body);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (payload || (method !== 'GET' && method !== 'HEAD'))
      head += `content-length: ${payload?.length ?? 0}\r\n`;
    head += '\r\n';
    const connection = this.take();
    try {
      const response = await connection.request(head, payload);
      this.idle.push(connection);
      return response;
    } catch (error) {
      this.all.delete(connection);
      connection.close();
      throw error;
    }
  }

  close() {
    for (const connection of this.all) connection.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private take(): Connection {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop())
      if (!connection.closed) return connection;
    const connection = new Connection(this.port, this.host);
    this.all.add(connection);
    return connection;
  }
}
