import type { Readable } from 'node:stream';

export interface PutOptions {
  /** Stored as the object's content type; detected from the first bytes when omitted. */
  contentType?: string;
  /**
   * Largest accepted size in bytes, enforced while streaming. Defaults to the storage's own limit
   * (UPLOAD_LIMIT_BYTES through `createStorage`); pass `Infinity` for trusted, generated files.
   */
  maxBytes?: number;
}

export interface StoredFile {
  key: string;
  size: number;
  contentType: string;
}

/**
 * The file store every module uses. Keys are `/`-separated paths such as
 * `tenants/<uuid>/brands/<uuid>/<file>`; every method validates its key (InvalidKeyError).
 */
export interface FileStorage {
  /**
   * Stores `body` under `key`, replacing any previous file. Streams are never held whole in memory.
   * Either the whole file is stored or nothing is: a body over `maxBytes` throws FileTooLargeError and a
   * failed or aborted body leaves the previous file (if any) untouched.
   */
  put(key: string, body: Buffer | Readable, opts?: PutOptions): Promise<StoredFile>;
  /** Opens the file for reading; throws FileNotFoundError when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Removes the file; removing a missing file is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Size in bytes; throws FileNotFoundError when the file does not exist. */
  size(key: string): Promise<number>;
}
