import { InvalidKeyError } from './errors.js';

/** S3 allows 1024 bytes per key; keys are ASCII here, so characters equal bytes. */
export const MAX_KEY_LENGTH = 1024;
/** Most local filesystems cap one path component at 255 bytes (NAME_MAX). */
export const MAX_SEGMENT_LENGTH = 255;

/**
 * One key segment: ASCII letters, digits, `.`, `_`, `-`, not starting with a dot. An allow-list rather
 * than a block-list: it rules out `..`, hidden files, backslashes, NUL, control characters, spaces and
 * characters that S3 signing or a filesystem would treat differently, all at once. Keys starting with a
 * dot are also reserved for the storage itself (LocalStorage keeps its temp files in `.tmp/`).
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Why `key` is not a valid storage key, or undefined when it is. */
function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'the key is empty';
  if (key.length > MAX_KEY_LENGTH) return `the key is longer than ${MAX_KEY_LENGTH} characters`;
  if (key.includes('\0')) return 'the key contains a NUL character';
  if (key.includes('\\')) return 'the key contains a backslash';
  if (key.startsWith('/')) return 'the key is an absolute path';
  for (const segment of key.split('/')) {
    if (segment === '') return 'the key has an empty segment';
    if (segment === '.' || segment === '..') return 'the key contains a relative path segment';
    if (segment.length > MAX_SEGMENT_LENGTH) {
      return `a key segment is longer than ${MAX_SEGMENT_LENGTH} characters`;
    }
    if (!SEGMENT.test(segment)) {
      return 'a key segment has characters other than letters, digits, ".", "_" and "-" or starts with "."';
    }
  }
  return undefined;
}

export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/** Throws InvalidKeyError unless `key` is a safe storage key; returns it unchanged otherwise. */
export function assertValidKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(key, problem);
  return key;
}

/**
 * Joins segments into a validated key: `safeKey('tenants', tenantId, 'brands', brandId, fileName)`.
 * Each argument must be a single segment; a `/` inside one is rejected so callers cannot smuggle
 * extra levels (or `..`) through an id or a file name.
 */
export function safeKey(...segments: string[]): string {
  for (const segment of segments) {
    if (segment.includes('/')) throw new InvalidKeyError(segment, 'a key segment contains "/"');
  }
  return assertValidKey(segments.join('/'));
}

/**
 * Turns an arbitrary user-supplied file name into a valid key segment ("Shelf photo (1).JPG" →
 * "Shelf-photo-1-.jpg"). Keep the original name in the database for display; use this only when a
 * readable key is wanted, and prefer a generated id to make keys unique.
 */
export function toKeySegment(name: string, fallback = 'file'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // drop the accents NFKD split off: "Café" → "Cafe"
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.([A-Za-z0-9]+)$/, (ext: string) => ext.toLowerCase());
  // Over-long names lose their start, not their extension.
  const tail = cleaned.length > MAX_SEGMENT_LENGTH ? cleaned.slice(-MAX_SEGMENT_LENGTH) : cleaned;
  const segment = tail.replace(/^[.-]+/, '');
  return SEGMENT.test(segment) ? segment : fallback;
}
