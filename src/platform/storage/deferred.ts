import { lazy } from '../../lib/lazy.js';
import type { FileStorage } from './types.js';

/** A storage whose implementation is built on first use; `resolve()` gives that implementation. */
export interface DeferredStorage extends FileStorage {
  resolve(): Promise<FileStorage>;
}

/**
 * Builds the storage on its first call. The S3 driver needs the AWS SDK (~25 MB of memory and a
 * part of every start when imported eagerly); a process that never touches a file never loads it.
 */
export function deferredStorage(build: () => Promise<FileStorage>): DeferredStorage {
  const resolve = lazy(build);
  return {
    resolve,
    put: async (key, body, opts) => (await resolve()).put(key, body, opts),
    get: async (key) => (await resolve()).get(key),
    delete: async (key) => (await resolve()).delete(key),
    exists: async (key) => (await resolve()).exists(key),
    size: async (key) => (await resolve()).size(key),
  };
}
