import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertWithinLimit, UploadMeter } from './upload-meter.js';

export interface SpooledFile {
  path: string;
  size: number;
  /** The first bytes (the whole buffer for Buffer bodies), for content-type detection. */
  head: Buffer;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** fsync before returning, for a file that is about to be renamed into its final place. */
  durable?: boolean;
}

/**
 * Writes `body` to a new temp file in `dir`, enforcing `maxBytes` while streaming, so memory use stays
 * flat however large the body is. On any failure the temp file is removed before the error is rethrown.
 */
export async function spoolToTempFile(body: Buffer | Readable, options: SpoolOptions): Promise<SpooledFile> {
  if (Buffer.isBuffer(body)) assertWithinLimit(body.length, options.maxBytes);
  await mkdir(options.dir, { recursive: true });
  const tempPath = path.join(options.dir, `upload-${randomUUID()}.part`);
  // `wx`: a fresh file or failure, never someone else's. `flush` fsyncs before close: without it a crash
  // right after the rename could leave an empty or partial file under the real key.
  const fileOptions = { flags: 'wx', flush: options.durable ?? false };
  // Not a FileHandle stream: FileHandle.close() waits forever for a stream opened with autoClose: false.
  const file = createWriteStream(tempPath, fileOptions);
  try {
    // Waiting for the file to exist means the cleanup below cannot run before a late open creates it.
    await once(file, 'open');
    if (Buffer.isBuffer(body)) {
      await pipeline(Readable.from([body]), file);
      return { path: tempPath, size: body.length, head: body };
    }
    const meter = new UploadMeter(options.maxBytes);
    await pipeline(body, meter, file);
    return { path: tempPath, size: meter.bytes, head: meter.head() };
  } catch (error) {
    file.destroy();
    await rm(tempPath, { force: true });
    throw error;
  }
}
