import { createHash, randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes drawn from the system in batches, as crypto.randomUUID does: one call for 256 ids
// instead of two per id (every request gets an id, so this is on the hot path).
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids created in one process
 * sort by creation time (a 12-bit counter keeps ids of the same millisecond ordered), which keeps
 * B-tree inserts local and makes ids usable as keyset cursors.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = random16();
  if (now === lastMs) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMs = now;
    sequence = bytes.readUInt16BE(6) & 0x7ff; // random start, room to count up (bytes 6–7 are then overwritten)
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * UUID version 5 (RFC 9562): SHA-1 of the namespace's 16 bytes and the name, with the version and
 * variant bits set. The same namespace and name always give the same id, so a record derived from
 * the same facts twice (a re-imported file row) lands on the same key.
 */
export function uuidv5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = 0x50 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
