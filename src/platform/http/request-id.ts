import type { IncomingMessage } from 'node:http';
import { uuidv7 } from '../../lib/ids.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a caller's X-Request-ID when it is sane (so logs join up across services), else makes one. */
export function requestIdFrom(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : uuidv7();
}
