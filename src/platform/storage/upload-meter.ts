import { Transform, type TransformCallback } from 'node:stream';
import { SNIFF_BYTES } from './content-type.js';
import { FileTooLargeError } from './errors.js';

/** The effective limit of one put: the call's own, else the storage's default. */
export function resolveMaxBytes(requested: number | undefined, fallback: number): number {
  const limit = requested ?? fallback;
  if (Number.isNaN(limit) || limit < 0) throw new TypeError(`maxBytes must be a non-negative number`);
  return limit;
}

export function assertWithinLimit(size: number, maxBytes: number): void {
  if (size > maxBytes) throw new FileTooLargeError(maxBytes);
}

/**
 * A pass-through that counts bytes, fails with FileTooLargeError as soon as the count passes the limit
 * (so an oversized upload is cut off without reading the rest) and keeps a copy of the first bytes for
 * content-type detection.
 */
export class UploadMeter extends Transform {
  bytes = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly keepHeadBytes = SNIFF_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new FileTooLargeError(this.maxBytes));
      return;
    }
    if (this.headLength < this.keepHeadBytes) {
      // Copied so a large first chunk is not kept alive for the whole upload.
      const part = Buffer.from(chunk.subarray(0, this.keepHeadBytes - this.headLength));
      this.headChunks.push(part);
      this.headLength += part.length;
    }
    callback(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
