import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { detectContentType } from './content-type.js';
import { existsBySize, FileNotFoundError, InvalidKeyError } from './errors.js';
import { assertValidKey } from './keys.js';
import { spoolToTempFile } from './spool.js';
import type { FileStorage, PutOptions, StoredFile } from './types.js';
import { resolveMaxBytes } from './upload-meter.js';

export interface LocalStorageOptions {
  /** Directory holding the files; created on first write. */
  root: string;
  /** Limit for puts that do not pass `maxBytes`; unlimited when omitted. */
  defaultMaxBytes?: number;
}

/** Temp files live inside the root so the final rename never crosses a filesystem (and stays atomic). */
const TEMP_DIR = '.tmp';

/** Errors meaning "no file at this path": missing, or a path component is a file rather than a folder. */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);
/** Errors from keys that clash with the folder layout ("a/b" stored, then "a" or "a/b/c" written). */
const CLASHING = new Set(['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST']);

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Files on local disk under one root directory; the key is the relative path. */
export class LocalStorage implements FileStorage {
  readonly root: string;
  private readonly tempDir: string;
  private readonly defaultMaxBytes: number;

  constructor(options: LocalStorageOptions) {
    this.root = path.resolve(options.root);
    this.tempDir = path.join(this.root, TEMP_DIR);
    this.defaultMaxBytes = options.defaultMaxBytes ?? Number.POSITIVE_INFINITY;
  }

  async put(key: string, body: Buffer | Readable, opts: PutOptions = {}): Promise<StoredFile> {
    const target = this.pathOf(key);
    const maxBytes = resolveMaxBytes(opts.maxBytes, this.defaultMaxBytes);
    // Write everything to a temp file first and rename it into place: readers and crashes only ever
    // see the old file or the complete new one, never a half-written one under the real key.
    const spooled = await spoolToTempFile(body, { dir: this.tempDir, maxBytes, durable: true });
    try {
      const contentType = opts.contentType ?? (await detectContentType(spooled.head));
      await mkdir(path.dirname(target), { recursive: true });
      await rename(spooled.path, target);
      return { key, size: spooled.size, contentType };
    } catch (error) {
      await rm(spooled.path, { force: true });
      if (CLASHING.has(errorCode(error) ?? '')) {
        throw new InvalidKeyError(key, 'the key clashes with an existing file or folder', { cause: error });
      }
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Opening first (rather than returning a lazy stream) makes a missing file fail here, as a
    // FileNotFoundError, instead of as an 'error' event after the response has started.
    const handle = await open(file, 'r').catch((error: unknown) => {
      throw MISSING.has(errorCode(error) ?? '') ? new FileNotFoundError(key) : error;
    });
    const isFile = await handle
      .stat()
      .then((stats) => stats.isFile())
      .catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
    if (!isFile) {
      await handle.close();
      throw new FileNotFoundError(key);
    }
    return handle.createReadStream();
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (error) {
      // Missing already, or the key names a folder (which holds other keys, not this file): nothing to do.
      if (MISSING.has(errorCode(error) ?? '') || errorCode(error) === 'EISDIR') return;
      throw error;
    }
  }

  exists(key: string): Promise<boolean> {
    return existsBySize(() => this.size(key));
  }

  async size(key: string): Promise<number> {
    const file = this.pathOf(key);
    const stats = await stat(file).catch((error: unknown) => {
      throw MISSING.has(errorCode(error) ?? '') ? new FileNotFoundError(key) : error;
    });
    if (!stats.isFile()) throw new FileNotFoundError(key);
    return stats.size;
  }

  /**
   * Removes temp files a crashed process left behind; returns how many. Safe while other puts are
   * running as long as `olderThanMs` is longer than any upload takes.
   */
  async removeStaleTempFiles(olderThanMs = 24 * 60 * 60 * 1000): Promise<number> {
    const names = await readdir(this.tempDir).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    });
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const stats = await stat(file).catch(() => undefined);
      if (stats && Date.now() - stats.mtimeMs > olderThanMs) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const file = path.join(this.root, ...key.split('/'));
    // Defence in depth: the key rules already exclude this, but a file outside the root must be impossible.
    if (!file.startsWith(this.root + path.sep))
      throw new InvalidKeyError(key, 'the key leaves the storage root');
    return file;
  }
}
