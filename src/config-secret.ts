import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import type { IntegrationKey } from './config-integrations.js';

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

/** The id of the key generated outside production (kept in DATA_DIR/integration-key). */
export const GENERATED_INTEGRATION_KEY_ID = 'local';

/**
 * Fills in INTEGRATION_KEYS outside production: a random 32-byte key generated on first use and
 * kept in DATA_DIR, so sealed ERP credentials survive restarts without any set-up. Production
 * requires the setting (loadConfig refuses to start without it).
 */
export function ensureIntegrationKeys(config: Config): Config & { integrationKeys: IntegrationKey[] } {
  if (config.integrationKeys?.length) return config as Config & { integrationKeys: IntegrationKey[] };
  if (config.nodeEnv === 'production')
    throw new Error('INTEGRATION_KEYS is required when NODE_ENV=production');
  const file = path.join(config.dataDir, 'integration-key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process wrote it first: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  return { ...config, integrationKeys: [{ id: GENERATED_INTEGRATION_KEY_ID, key }] };
}
