import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { UnsupportedFileTypeError } from './errors.js';

/** How many leading bytes are enough for file-type to recognise a format (its documented size). */
export const SNIFF_BYTES = 4100;
export const OCTET_STREAM = 'application/octet-stream';
export const TEXT_PLAIN = 'text/plain';

/**
 * Control bytes that never appear in text files. TAB, LF, VT, FF, CR, SUB (the DOS end-of-file mark)
 * and ESC are allowed because real CSV exports sometimes carry them.
 */
function isBinaryControlByte(byte: number): boolean {
  return byte <= 0x08 || (byte >= 0x0e && byte <= 0x19) || (byte >= 0x1c && byte <= 0x1f);
}

/**
 * True when `bytes` can be the start of a UTF-8 text file (plain ASCII included). A multi-byte
 * character cut off at the end of the sample is tolerated: the sample is usually the first chunk only.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (isBinaryControlByte(byte)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The content type of a file from its first bytes (a whole buffer or its first chunk): the format's
 * magic number via file-type, else `text/plain` for UTF-8 text such as CSV, else
 * `application/octet-stream`. The declared type of an upload is never trusted for this.
 */
export async function detectContentType(head: Uint8Array): Promise<string> {
  if (head.length === 0) return OCTET_STREAM;
  let detected: string | undefined;
  try {
    detected = (await fileTypeFromBuffer(head))?.mime;
  } catch {
    // A truncated or malformed header can make a parser throw; that just means "not recognised".
    detected = undefined;
  }
  if (detected) return detected;
  return looksLikeText(head.subarray(0, SNIFF_BYTES)) ? TEXT_PLAIN : OCTET_STREAM;
}

/** `allowed` entries are exact types (`image/png`) or a whole family (`image/*`). */
export function isAllowedType(contentType: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) =>
    pattern.endsWith('/*') ? contentType.startsWith(pattern.slice(0, -1)) : pattern === contentType,
  );
}

export interface SniffOptions {
  /** Accepted content types; CSV and other plain text is detected as `text/plain`. */
  allowed: readonly string[];
  /** How many leading bytes to inspect; defaults to SNIFF_BYTES. */
  sampleBytes?: number;
}

export interface SniffedStream {
  contentType: string;
  /** Replays the inspected bytes, then the rest of the source, so nothing is lost. */
  stream: Readable;
}

/**
 * Reads just enough of `source` to detect its type, rejects types outside `allowed`
 * (UnsupportedFileTypeError, after destroying the source) and otherwise returns a stream of the whole
 * content. Only the sample is held in memory.
 */
export async function sniffStream(source: Readable, options: SniffOptions): Promise<SniffedStream> {
  const sampleBytes = options.sampleBytes ?? SNIFF_BYTES;
  // A manual iterator (not for-await) so reading can stop after the sample without destroying the source.
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const sample: Buffer[] = [];
  let sampleLength = 0;
  let ended = false;
  while (sampleLength < sampleBytes) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    sample.push(chunk);
    sampleLength += chunk.length;
  }
  const head = Buffer.concat(sample);
  const contentType = await detectContentType(head);
  if (!isAllowedType(contentType, options.allowed)) {
    await chunks.return?.();
    throw new UnsupportedFileTypeError(contentType, options.allowed);
  }
  return { contentType, stream: Readable.from(replay(head, chunks, ended), { objectMode: false }) };
}

async function* replay(
  head: Buffer,
  rest: AsyncIterator<Buffer | string>,
  ended: boolean,
): AsyncGenerator<Buffer | string> {
  try {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Runs when the consumer stops early too: destroys the source instead of leaving it paused forever.
    await rest.return?.();
  }
}
