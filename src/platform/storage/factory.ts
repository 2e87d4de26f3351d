import type { Config } from '../../config.js';
import { LocalStorage } from './local-storage.js';
import { deferredStorage } from './deferred.js';
import type { FileStorage } from './types.js';

export type StorageConfig = Pick<
  Config,
  | 'storageDriver'
  | 'storageDir'
  | 's3Endpoint'
  | 's3Region'
  | 's3Bucket'
  | 's3AccessKeyId'
  | 's3SecretAccessKey'
  | 's3ForcePathStyle'
  | 'uploadLimitBytes'
>;

/**
 * The storage the configuration asks for. UPLOAD_LIMIT_BYTES becomes the default `maxBytes` of every
 * put, so no caller can fill the disk or bucket by forgetting a limit; generated files that may be
 * larger pass their own `maxBytes`.
 */
export function createStorage(config: StorageConfig): FileStorage {
  if (config.storageDriver === 's3') {
    const bucket = config.s3Bucket;
    if (!bucket) throw new Error('S3_BUCKET is required when STORAGE_DRIVER=s3');
    return deferredStorage(async () => {
      const { S3Storage } = await import('./s3-storage.js');
      return new S3Storage({
        bucket,
        endpoint: config.s3Endpoint,
        region: config.s3Region,
        accessKeyId: config.s3AccessKeyId,
        secretAccessKey: config.s3SecretAccessKey,
        forcePathStyle: config.s3ForcePathStyle,
        defaultMaxBytes: config.uploadLimitBytes,
      });
    });
  }
  return new LocalStorage({ root: config.storageDir, defaultMaxBytes: config.uploadLimitBytes });
}
