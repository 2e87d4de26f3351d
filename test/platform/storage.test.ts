import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
// @ts-expect-error -- s3rver ships no type declarations; the shape used here is declared below.
import S3rverModule from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createStorage,
  detectContentType,
  FileNotFoundError,
  FileTooLargeError,
  InvalidKeyError,
  LocalStorage,
  safeKey,
  sniffStream,
  toKeySegment,
  UnsupportedFileTypeError,
  type FileStorage,
  type DeferredStorage,
} from '../../src/platform/storage/index.js';
import { S3Storage } from '../../src/platform/storage/s3-storage.js';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
const S3rver = S3rverModule as new (options: Record<string, unknown>) => S3rverServer;

const MiB = 1024 * 1024;
const TENANT = '0f3a6b9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b';
const BRAND = '7d8e9f0a-1b2c-4d3e-9f5a-6b7c8d9e0f1a';
const keyFor = (file: string) => safeKey('tenants', TENANT, 'brands', BRAND, file);

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** Start of a JFIF JPEG: SOI, APP0 "JFIF", version 1.1. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00]),
  Buffer.alloc(64),
]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
const CSV = Buffer.from('sku;name;qty\nA-1;Молоко 3,2%;12\nB-2;Café crème;4\n', 'utf8');
/** Deterministic bytes with no magic number (a hash chain), so the test cannot flake. */
const BINARY = Buffer.concat(
  Array.from({ length: 64 }, (_, i) => createHash('sha256').update(`binary-${i}`).digest()),
);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A stream of `totalBytes` random bytes produced chunk by chunk; `sha256()` is known once it ended. */
function generatedStream(totalBytes: number, chunkBytes = 64 * 1024) {
  const hash = createHash('sha256');
  async function* chunks() {
    for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
      const chunk = randomBytes(Math.min(chunkBytes, totalBytes - sent));
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), sha256: () => hash.digest('hex') };
}

/** A stream that sends some bytes and then fails, like a client dropping an upload half-way. */
function failingStream(bytesBeforeFailure: number): Readable {
  async function* chunks() {
    yield Buffer.alloc(bytesBeforeFailure, 1);
    throw new Error('connection reset by client');
  }
  return Readable.from(chunks(), { objectMode: false });
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }).catch(() => []);
}

const UNSAFE_KEYS: [label: string, key: string][] = [
  ...['../x', '/etc/passwd', 'a/../../b', 'a\\b', 'a//b', 'a/./b', 'a/b/', '', 'a\0b', 'a/.hidden'].map(
    (key): [string, string] => [JSON.stringify(key), key],
  ),
  ['of 1025 characters', 'x'.repeat(1025)],
  ['with a 256-character segment', `a/${'x'.repeat(256)}`],
];

interface Backend {
  storage: FileStorage;
  /** Directory whose temp files must be gone after any failed put. */
  scratchDir: string;
  teardown(): Promise<void>;
}

interface BackendFactory {
  name: string;
  setup(): Promise<Backend>;
}

const localBackend: BackendFactory = {
  name: 'LocalStorage',
  async setup() {
    const root = await mkdtemp(path.join(tmpdir(), 'salesops-local-'));
    return {
      storage: new LocalStorage({ root }),
      scratchDir: path.join(root, '.tmp'),
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
};

const s3Backend: BackendFactory = {
  name: 'S3Storage (s3rver)',
  async setup() {
    const serverDir = await mkdtemp(path.join(tmpdir(), 'salesops-s3rver-'));
    const spoolDir = await mkdtemp(path.join(tmpdir(), 'salesops-spool-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: serverDir,
      configureBuckets: [{ name: 'salesops-test' }],
    });
    const { port } = await server.run();
    const storage = new S3Storage({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket: 'salesops-test',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      spoolDir,
      // Small enough that the 8 MiB stream below goes up in two parts.
      multipartThresholdBytes: 6 * MiB,
      partSizeBytes: 5 * MiB,
    });
    return {
      storage,
      scratchDir: spoolDir,
      async teardown() {
        storage.destroy();
        await server.close();
        await rm(serverDir, { recursive: true, force: true });
        await rm(spoolDir, { recursive: true, force: true });
      },
    };
  },
};

describe.each([localBackend, s3Backend])('$name', ({ setup }) => {
  let backend: Backend;
  let storage: FileStorage;

  beforeAll(async () => {
    backend = await setup();
    storage = backend.storage;
  });
  afterAll(async () => {
    await backend?.teardown();
  });

  it('stores and reads back a Buffer', async () => {
    const key = keyFor('logo.png');
    const stored = await storage.put(key, PNG);
    expect(stored).toEqual({ key, size: PNG.length, contentType: 'image/png' });
    expect(await readAll(await storage.get(key))).toEqual(PNG);
  });

  it('stores and reads back a small stream', async () => {
    const key = keyFor('small.csv');
    const stored = await storage.put(key, Readable.from([CSV.subarray(0, 10), CSV.subarray(10)]));
    expect(stored).toEqual({ key, size: CSV.length, contentType: 'text/plain' });
    expect(await readAll(await storage.get(key))).toEqual(CSV);
  });

  it('streams an 8 MiB body in and out unchanged', { timeout: 60_000 }, async () => {
    const key = keyFor('large.bin');
    const body = generatedStream(8 * MiB);
    const stored = await storage.put(key, body.stream, { maxBytes: 9 * MiB });
    expect(stored.size).toBe(8 * MiB);
    expect(await storage.size(key)).toBe(8 * MiB);
    expect(await sha256Of(await storage.get(key))).toBe(body.sha256());
    expect(await filesIn(backend.scratchDir)).toEqual([]);
  });

  it('replaces an existing file', async () => {
    const key = keyFor('replaced.txt');
    await storage.put(key, Buffer.from('first version'));
    await storage.put(key, Buffer.from('second'));
    expect((await readAll(await storage.get(key))).toString()).toBe('second');
    expect(await storage.size(key)).toBe(6);
  });

  it('keeps the declared content type when one is given', async () => {
    const stored = await storage.put(keyFor('report.csv'), CSV, { contentType: 'text/csv' });
    expect(stored.contentType).toBe('text/csv');
  });

  it('reports exists and size, and deletes idempotently', async () => {
    const key = keyFor('photo.jpg');
    expect(await storage.exists(key)).toBe(false);
    await storage.put(key, JPEG);
    expect(await storage.exists(key)).toBe(true);
    expect(await storage.size(key)).toBe(JPEG.length);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('stores an empty file', async () => {
    const key = keyFor('empty.txt');
    expect((await storage.put(key, Buffer.alloc(0))).size).toBe(0);
    expect(await storage.size(key)).toBe(0);
    expect(await readAll(await storage.get(key))).toEqual(Buffer.alloc(0));
  });

  it('throws FileNotFoundError for a missing key', async () => {
    const key = keyFor('missing.png');
    await expect(storage.get(key)).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(storage.size(key)).rejects.toBeInstanceOf(FileNotFoundError);
    const error = await storage.get(key).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, code: 'FILE_NOT_FOUND', key });
  });

  it('treats a key that is only a prefix of other keys as missing', async () => {
    await storage.put(keyFor('prefix-test/inner.txt'.replace('/', '-')), Buffer.from('x'));
    await storage.put(`tenants/${TENANT}/nested/inner.txt`, Buffer.from('x'));
    await expect(storage.get(`tenants/${TENANT}/nested`)).rejects.toBeInstanceOf(FileNotFoundError);
    expect(await storage.exists(`tenants/${TENANT}/nested`)).toBe(false);
  });

  it('rejects a stream over maxBytes and leaves nothing behind', async () => {
    const key = keyFor('too-large.bin');
    const error = await storage.put(key, generatedStream(2 * MiB).stream, { maxBytes: MiB }).catch((e) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ status: 413, code: 'FILE_TOO_LARGE', limitBytes: MiB });
    expect(await storage.exists(key)).toBe(false);
    expect(await filesIn(backend.scratchDir)).toEqual([]);
  });

  it('rejects a Buffer over maxBytes', async () => {
    const key = keyFor('too-large-buffer.bin');
    await expect(storage.put(key, Buffer.alloc(11), { maxBytes: 10 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(await storage.exists(key)).toBe(false);
  });

  it('accepts a stream of exactly maxBytes', async () => {
    const stored = await storage.put(keyFor('exact.bin'), generatedStream(MiB).stream, { maxBytes: MiB });
    expect(stored.size).toBe(MiB);
  });

  it('keeps the previous file when an upload fails half-way or is too large', async () => {
    const key = keyFor('kept.txt');
    await storage.put(key, Buffer.from('original'));
    await expect(storage.put(key, failingStream(100_000))).rejects.toThrow('connection reset by client');
    await expect(storage.put(key, generatedStream(MiB).stream, { maxBytes: 1000 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect((await readAll(await storage.get(key))).toString()).toBe('original');
    expect(await filesIn(backend.scratchDir)).toEqual([]);
  });

  it.each(UNSAFE_KEYS)('rejects the unsafe key %s in every method', async (_label, key) => {
    await expect(storage.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(storage.exists(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(storage.size(key)).rejects.toMatchObject({ status: 422, code: 'INVALID_FILE_KEY' });
  });

  it('stores a sniffed upload as detected', async () => {
    const source = Readable.from([PDF], { objectMode: false });
    const sniffed = await sniffStream(source, { allowed: ['application/pdf'] });
    const stored = await storage.put(keyFor('brochure.pdf'), sniffed.stream, {
      contentType: sniffed.contentType,
    });
    expect(stored).toMatchObject({ size: PDF.length, contentType: 'application/pdf' });
    expect(await readAll(await storage.get(keyFor('brochure.pdf')))).toEqual(PDF);
  });
});

describe('LocalStorage specifics', () => {
  let backend: Backend;
  let storage: LocalStorage;

  beforeAll(async () => {
    backend = await localBackend.setup();
    storage = backend.storage as LocalStorage;
  });
  afterAll(async () => {
    await backend?.teardown();
  });

  it('refuses a key that would need a file to be a folder too', async () => {
    await storage.put('tenants/x/report', Buffer.from('x'));
    await expect(storage.put('tenants/x/report/part', Buffer.from('y'))).rejects.toBeInstanceOf(
      InvalidKeyError,
    );
    await expect(storage.put('tenants', Buffer.from('y'))).rejects.toBeInstanceOf(InvalidKeyError);
    expect((await readAll(await storage.get('tenants/x/report'))).toString()).toBe('x');
    expect(await filesIn(backend.scratchDir)).toEqual([]);
  });

  it('removes temp files left by a crash, but only old ones', async () => {
    await mkdir(backend.scratchDir, { recursive: true });
    const stale = path.join(backend.scratchDir, 'upload-stale.part');
    await writeFile(stale, 'half an upload');
    await utimes(stale, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    await writeFile(path.join(backend.scratchDir, 'upload-fresh.part'), 'in progress');
    expect(await storage.removeStaleTempFiles()).toBe(1);
    expect(await filesIn(backend.scratchDir)).toEqual(['upload-fresh.part']);
  });
});

describe('S3Storage specifics', () => {
  let backend: Backend;
  let storage: S3Storage;
  /** Names of the commands sent since the last reset. */
  let sent: string[] = [];
  /** When set, called before each command is sent; throwing fails that attempt. */
  let inject: ((command: string, input: Record<string, unknown>) => void) | undefined;

  beforeAll(async () => {
    backend = await s3Backend.setup();
    storage = backend.storage as S3Storage;
    storage.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? 'unknown');
        inject?.(context.commandName ?? 'unknown', args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandsForTests' },
    );
  });
  afterAll(async () => {
    await backend?.teardown();
  });
  beforeEach(() => {
    sent = [];
    inject = undefined;
  });

  const s3Error = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it('sends the content type to the bucket', async () => {
    const key = 'tenants/x/photo';
    await storage.put(key, Readable.from([JPEG], { objectMode: false }));
    const head = await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    expect(head.ContentType).toBe('image/jpeg');
  });

  it('uploads a stream above the threshold in parts', { timeout: 60_000 }, async () => {
    const body = generatedStream(8 * MiB);
    await storage.put('tenants/x/parts.bin', body.stream);
    expect(sent).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(await sha256Of(await storage.get('tenants/x/parts.bin'))).toBe(body.sha256());
  });

  it('retries a part after a transient failure', { timeout: 60_000 }, async () => {
    let failures = 0;
    inject = (command, input) => {
      if (command === 'UploadPartCommand' && input.PartNumber === 2 && failures++ === 0) {
        throw s3Error('SlowDown', 503);
      }
    };
    const body = generatedStream(8 * MiB);
    await storage.put('tenants/x/retried.bin', body.stream);
    expect(sent.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(await sha256Of(await storage.get('tenants/x/retried.bin'))).toBe(body.sha256());
  });

  it('aborts the multipart upload when a part fails for good', { timeout: 60_000 }, async () => {
    inject = (command, input) => {
      if (command === 'UploadPartCommand' && input.PartNumber === 2) throw s3Error('AccessDenied', 403);
    };
    const key = 'tenants/x/aborted.bin';
    await expect(storage.put(key, generatedStream(8 * MiB).stream)).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    expect(sent).toContain('AbortMultipartUploadCommand');
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    inject = undefined;
    expect(await storage.exists(key)).toBe(false);
    expect(await filesIn(backend.scratchDir)).toEqual([]);
  });

  it('does not mistake a missing bucket for a missing file', async () => {
    const other = new S3Storage({ bucket: 'no-such-bucket', client: storage.client });
    await expect(other.get('tenants/x/a')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('safeKey', () => {
  it('joins valid segments', () => {
    expect(keyFor('logo.png')).toBe(`tenants/${TENANT}/brands/${BRAND}/logo.png`);
  });

  it.each([['..'], ['a/b'], ['.hidden'], [''], ['a b'], ['a\\b'], ['x'.repeat(256)]])(
    'rejects the segment %j',
    (segment) => {
      expect(() => safeKey('tenants', segment)).toThrow(InvalidKeyError);
    },
  );

  it('turns file names into valid segments', () => {
    expect(toKeySegment('Shelf photo (1).JPG')).toBe('Shelf-photo-1-.jpg');
    expect(toKeySegment('../../etc/passwd')).toBe('passwd');
    expect(toKeySegment('C:\\Users\\me\\Café.png')).toBe('Cafe.png');
    expect(toKeySegment('...')).toBe('file');
    expect(toKeySegment(`${'a'.repeat(300)}.pdf`)).toMatch(/^a{251}\.pdf$/);
  });
});

describe('detectContentType', () => {
  it.each([
    ['PNG', PNG, 'image/png'],
    ['JPEG', JPEG, 'image/jpeg'],
    ['PDF', PDF, 'application/pdf'],
    ['CSV', CSV, 'text/plain'],
    ['binary', BINARY, 'application/octet-stream'],
    ['text with NUL', Buffer.from('a,b\0c\n'), 'application/octet-stream'],
    ['invalid UTF-8', Buffer.from([0x61, 0xc3, 0x28, 0x62]), 'application/octet-stream'],
    ['nothing', Buffer.alloc(0), 'application/octet-stream'],
  ])('recognises %s', async (_name, bytes, expected) => {
    expect(await detectContentType(bytes)).toBe(expected);
  });

  it('accepts a UTF-8 character cut off at the end of the sample', async () => {
    const text = Buffer.from('name\nЖ', 'utf8');
    expect(await detectContentType(text.subarray(0, text.length - 1))).toBe('text/plain');
  });
});

describe('sniffStream', () => {
  /** Splits `bytes` into small chunks so the sample spans several of them. */
  const chunked = (bytes: Buffer, size = 1000) =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
        bytes.subarray(i * size, (i + 1) * size),
      ),
      { objectMode: false },
    );

  it('detects the type and replays every byte', async () => {
    const body = Buffer.concat([PNG, randomBytes(50_000)]);
    const sniffed = await sniffStream(chunked(body), { allowed: ['image/png', 'image/jpeg'] });
    expect(sniffed.contentType).toBe('image/png');
    expect(await readAll(sniffed.stream)).toEqual(body);
  });

  it('handles a body shorter than the sample', async () => {
    const sniffed = await sniffStream(chunked(CSV, 7), { allowed: ['text/plain'] });
    expect(sniffed.contentType).toBe('text/plain');
    expect(await readAll(sniffed.stream)).toEqual(CSV);
  });

  it('accepts a family pattern', async () => {
    const sniffed = await sniffStream(chunked(JPEG), { allowed: ['image/*'] });
    expect(sniffed.contentType).toBe('image/jpeg');
  });

  it('rejects a type that is not allowed and destroys the source', async () => {
    const source = chunked(Buffer.concat([BINARY, BINARY, BINARY]));
    const error = await sniffStream(source, { allowed: ['image/png', 'text/plain'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedFileTypeError);
    expect(error).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_FILE_TYPE',
      detectedType: 'application/octet-stream',
    });
    expect(source.destroyed).toBe(true);
  });

  it('rejects a PDF where only images are allowed', async () => {
    await expect(sniffStream(chunked(PDF), { allowed: ['image/*'] })).rejects.toMatchObject({
      detectedType: 'application/pdf',
    });
  });

  it('destroys the source when the consumer stops early', async () => {
    const source = chunked(Buffer.concat([PNG, randomBytes(200_000)]));
    const sniffed = await sniffStream(source, { allowed: ['image/png'] });
    for await (const _chunk of sniffed.stream) break;
    expect(source.destroyed).toBe(true);
  });

  it('passes a source error through', async () => {
    const sniffed = await sniffStream(failingStream(10_000), { allowed: ['application/octet-stream'] });
    await expect(readAll(sniffed.stream)).rejects.toThrow('connection reset by client');
  });
});

describe('createStorage', () => {
  const base = {
    storageDir: path.join(tmpdir(), 'salesops-factory-never-written'),
    s3Region: 'us-east-1',
    s3ForcePathStyle: true,
    uploadLimitBytes: 1024,
  };

  it('builds local storage with the upload limit as default', async () => {
    const storage = createStorage({ ...base, storageDriver: 'local' });
    expect(storage).toBeInstanceOf(LocalStorage);
    await expect(storage.put('a/big', Buffer.alloc(1025))).rejects.toMatchObject({ limitBytes: 1024 });
  });

  it('builds S3 storage on first use', async () => {
    const storage = createStorage({ ...base, storageDriver: 's3', s3Bucket: 'files' });
    const built = await (storage as DeferredStorage).resolve();
    expect(built).toBeInstanceOf(S3Storage);
    expect(await (storage as DeferredStorage).resolve()).toBe(built);
    (built as S3Storage).destroy();
  });

  it('refuses S3 without a bucket', () => {
    expect(() => createStorage({ ...base, storageDriver: 's3' })).toThrow(/S3_BUCKET/);
  });
});
