import { Readable } from 'node:stream';
import { ImageTooLargeError, UnreadableImageError } from './errors.js';

export interface ImageSize {
  width: number;
  height: number;
}

/** Bytes read at most while looking for the dimensions (a JPEG's may follow large EXIF/ICC blocks). */
export const IMAGE_HEADER_BYTES = 1_048_576;

/**
 * The dimensions an image's header declares, read from its first bytes without decoding it: PNG,
 * JPEG, WebP and GIF. Null when the format is another one or the header is not (yet) complete.
 * A decoder allocates width × height pixels, so this is what must be checked before decoding: a
 * few kilobytes of compressed file can declare gigapixels.
 */
export function imageSize(head: Buffer): ImageSize | null {
  if (
    head.length >= 24 &&
    head.readUInt32BE(0) === 0x89504e47 &&
    head.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8) return jpegSize(head);
  if (
    head.length >= 30 &&
    head.toString('latin1', 0, 4) === 'RIFF' &&
    head.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return webpSize(head);
  }
  if (head.length >= 10 && head.toString('latin1', 0, 4) === 'GIF8') {
    return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  }
  return null;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Buffer): ImageSize | null {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / scan data before any frame
    const length = bytes.readUInt16BE(offset + 2);
    if (JPEG_SOF.has(marker)) {
      if (offset + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}

function webpSize(bytes: Buffer): ImageSize | null {
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8X') {
    return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  }
  if (chunk === 'VP8L') {
    const b = bytes.subarray(21, 25);
    return {
      width: 1 + (b[0]! | ((b[1]! & 0x3f) << 8)),
      height: 1 + ((b[1]! >> 6) | (b[2]! << 2) | ((b[3]! & 0x0f) << 10)),
    };
  }
  if (chunk === 'VP8 ') {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return null;
}

/** Throws ImageTooLargeError (413 IMAGE_TOO_LARGE) when the image has more than `maxPixels` pixels. */
export function assertImagePixels(size: ImageSize, maxPixels: number): void {
  if (size.width * size.height > maxPixels) throw new ImageTooLargeError(size, maxPixels);
}

/**
 * Reads a streamed PNG, JPEG or WebP upload only as far as its header, refuses it when it declares
 * more than `maxPixels` pixels (or no dimensions within the first megabyte: 422 IMAGE_UNREADABLE),
 * and otherwise returns a stream of the whole image. Only the header is held in memory.
 */
export async function limitImagePixels(source: Readable, maxPixels: number): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let length = 0;
  let ended = false;
  let size: ImageSize | null = null;
  while (!size && length < IMAGE_HEADER_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    length += chunk.length;
    size = imageSize(Buffer.concat(head));
  }
  try {
    if (!size) throw new UnreadableImageError();
    assertImagePixels(size, maxPixels);
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
  const bytes = Buffer.concat(head);
  async function* replay(): AsyncGenerator<Buffer | string> {
    try {
      yield bytes;
      if (ended) return;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  }
  return Readable.from(replay(), { objectMode: false });
}
