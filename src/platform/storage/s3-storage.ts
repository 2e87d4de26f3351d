import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { detectContentType } from './content-type.js';
import { existsBySize, FileNotFoundError } from './errors.js';
import { assertValidKey } from './keys.js';
import { uploadFile, type MultipartSettings } from './s3-upload.js';
import { spoolToTempFile } from './spool.js';
import type { FileStorage, PutOptions, StoredFile } from './types.js';
import { assertWithinLimit, resolveMaxBytes } from './upload-meter.js';

export interface S3ConnectionOptions {
  /** S3-compatible endpoint (MinIO, R2, s3rver…); unset = AWS. */
  endpoint?: string;
  region?: string;
  /** Both keys, or neither to use the SDK's default credential chain (environment, instance role…). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; most S3-compatible servers need it. */
  forcePathStyle?: boolean;
}

export interface S3StorageOptions extends S3ConnectionOptions {
  bucket: string;
  /** Limit for puts that do not pass `maxBytes`; unlimited when omitted. */
  defaultMaxBytes?: number;
  /** Where stream bodies are spooled before upload; defaults to the OS temp directory. */
  spoolDir?: string;
  /** Files above this size are uploaded in parts; default 64 MiB. */
  multipartThresholdBytes?: number;
  /** Default 16 MiB; S3's minimum of 5 MiB and maximum of 10,000 parts are applied on top. */
  partSizeBytes?: number;
  /** Default 4. */
  partConcurrency?: number;
  /** Use this client instead of building one from the connection options. */
  client?: S3Client;
}

export function createS3Client(options: S3ConnectionOptions): S3Client {
  return new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    // Since 3.729 the SDK adds CRC32 checksums (and aws-chunked encoding) to every upload and validates
    // them on download by default. Many S3-compatible servers reject or ignore those, so only send
    // checksums where an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Files in one S3 (or S3-compatible) bucket; the key is the object key. */
export class S3Storage implements FileStorage {
  readonly bucket: string;
  readonly client: S3Client;
  private readonly defaultMaxBytes: number;
  private readonly spoolDir: string;
  private readonly multipart: MultipartSettings;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? createS3Client(options);
    this.defaultMaxBytes = options.defaultMaxBytes ?? Number.POSITIVE_INFINITY;
    this.spoolDir = options.spoolDir ?? tmpdir();
    this.multipart = {
      thresholdBytes: options.multipartThresholdBytes ?? 64 * 1024 * 1024,
      partSizeBytes: options.partSizeBytes ?? 16 * 1024 * 1024,
      concurrency: options.partConcurrency ?? 4,
    };
  }

  async put(key: string, body: Buffer | Readable, opts: PutOptions = {}): Promise<StoredFile> {
    assertValidKey(key);
    const maxBytes = resolveMaxBytes(opts.maxBytes, this.defaultMaxBytes);
    if (Buffer.isBuffer(body)) {
      assertWithinLimit(body.length, maxBytes);
      const contentType = opts.contentType ?? (await detectContentType(body));
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: contentType,
        }),
      );
      return { key, size: body.length, contentType };
    }
    // A stream of unknown length is spooled to local disk first: PutObject needs the length up front,
    // client-s3 alone has no streaming multipart helper, the limit is enforced before anything reaches
    // the bucket (an oversized upload leaves no object behind), and a file can be re-read on retry.
    const spooled = await spoolToTempFile(body, { dir: this.spoolDir, maxBytes });
    try {
      const contentType = opts.contentType ?? (await detectContentType(spooled.head));
      const upload = { client: this.client, bucket: this.bucket, key, file: spooled.path, contentType };
      await uploadFile({ ...upload, size: spooled.size }, this.multipart);
      return { key, size: spooled.size, contentType };
    } finally {
      await rm(spooled.path, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(object.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream body');
      return object.Body;
    } catch (error) {
      throw isMissingObject(error) ? new FileNotFoundError(key) : error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 for a missing key too, which makes delete idempotent without a check.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  exists(key: string): Promise<boolean> {
    return existsBySize(() => this.size(key));
  }

  async size(key: string): Promise<number> {
    assertValidKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      throw isMissingObject(error) ? new FileNotFoundError(key) : error;
    }
  }

  /** Closes the client's idle connections. */
  destroy(): void {
    this.client.destroy();
  }
}

/**
 * GetObject reports NoSuchKey; HeadObject has no body, so only its 404 status ("NotFound") is known.
 * A missing bucket is a configuration error and must not look like a missing file.
 */
function isMissingObject(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (failure.name === 'NoSuchBucket') return false;
  return (
    failure.name === 'NoSuchKey' || failure.name === 'NotFound' || failure.$metadata?.httpStatusCode === 404
  );
}
