import { createReadStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 rejects parts under 5 MiB (except the last) and uploads of more than 10,000 parts. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const ATTEMPTS = 3;

export interface MultipartSettings {
  /** Files above this size go up in parts (a single PutObject is capped at 5 GiB by S3). */
  thresholdBytes: number;
  partSizeBytes: number;
  /** Parts uploaded at the same time. */
  concurrency: number;
}

export interface FileUpload {
  client: S3Client;
  bucket: string;
  key: string;
  /** A local file holding the complete body. */
  file: string;
  size: number;
  contentType: string;
}

/** Uploads a local file to S3, in one request or in parts, streaming from disk either way. */
export async function uploadFile(upload: FileUpload, settings: MultipartSettings): Promise<void> {
  if (upload.size <= settings.thresholdBytes) {
    await withRetries(() =>
      upload.client.send(
        new PutObjectCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          Body: createReadStream(upload.file),
          ContentLength: upload.size,
          ContentType: upload.contentType,
        }),
      ),
    );
    return;
  }
  await uploadInParts(upload, settings);
}

async function uploadInParts(upload: FileUpload, settings: MultipartSettings): Promise<void> {
  const { client, bucket, key, file, size } = upload;
  const partSize = Math.max(settings.partSizeBytes, MIN_PART_BYTES, Math.ceil(size / MAX_PARTS));
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: upload.contentType }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
  try {
    const partNumbers = Array.from({ length: Math.ceil(size / partSize) }, (_, index) => index + 1);
    const parts: CompletedPart[] = [];
    await forEachLimited(partNumbers, settings.concurrency, async (partNumber) => {
      const start = (partNumber - 1) * partSize;
      const end = Math.min(start + partSize, size);
      const result = await withRetries(() =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            ContentLength: end - start,
            // `end` of createReadStream is inclusive.
            Body: createReadStream(file, { start, end: end - 1 }),
          }),
        ),
      );
      parts[partNumber - 1] = { PartNumber: partNumber, ETag: result.ETag };
    });
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // Uploaded parts are billed storage until the upload is aborted.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Runs `run` over `items` with at most `concurrency` at once. After a failure no new item starts, and
 * the error is thrown only once the running ones have settled, so nothing is still uploading when the
 * caller aborts the multipart upload.
 */
async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await run(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
}

/**
 * The SDK never retries a request whose body is a stream (it cannot rewind it). These bodies come
 * from a file, so a fresh stream per attempt makes transient failures (5xx, throttling, dropped
 * connections) retryable after all.
 */
async function withRetries<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransient(error)) throw error;
      await delay(200 * 2 ** attempt);
    }
  }
}

const NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN']);

function isTransient(error: unknown): boolean {
  const failure = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string };
  const status = failure.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return NETWORK_ERRORS.has(failure.code ?? '') || failure.name === 'TimeoutError';
}
