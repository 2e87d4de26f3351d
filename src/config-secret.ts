import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/**
 * Fills in JWT_SECRET outside production: a random secret generated on first start and kept in
 * DATA_DIR, so tokens survive restarts without any set-up.
 */
export function ensureJwtSecret(config: Config): Config & { jwtSecret: string } {
  if (config.jwtSecret) return config as Config & { jwtSecret: string };
  const file = path.join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return { ...config, jwtSecret: readFileSync(file, 'utf8').trim() };
}
