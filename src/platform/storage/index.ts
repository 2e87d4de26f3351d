export type { FileStorage, PutOptions, StoredFile } from './types.js';
export {
  FileNotFoundError,
  FileTooLargeError,
  ImageTooLargeError,
  InvalidKeyError,
  UnreadableImageError,
  UnsupportedFileTypeError,
} from './errors.js';
export {
  assertImagePixels,
  IMAGE_HEADER_BYTES,
  imageSize,
  limitImagePixels,
  type ImageSize,
} from './image-size.js';
export {
  assertValidKey,
  isValidKey,
  MAX_KEY_LENGTH,
  MAX_SEGMENT_LENGTH,
  safeKey,
  toKeySegment,
} from './keys.js';
export {
  detectContentType,
  isAllowedType,
  looksLikeText,
  OCTET_STREAM,
  SNIFF_BYTES,
  sniffStream,
  TEXT_PLAIN,
  type SniffedStream,
  type SniffOptions,
} from './content-type.js';
export { LocalStorage, type LocalStorageOptions } from './local-storage.js';
export type { S3ConnectionOptions, S3StorageOptions } from './s3-storage.js';
export { deferredStorage, type DeferredStorage } from './deferred.js';
export { createStorage, type StorageConfig } from './factory.js';
