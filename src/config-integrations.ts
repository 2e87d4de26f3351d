import { int, type Parser } from './config-parsers.js';

/** A key that seals integration credentials: its id (stored next to each ciphertext) and 32 bytes. */
export interface IntegrationKey {
  id: string;
  key: Buffer;
}

/**
 * `k2:<base64 of 32 bytes>,k1:<…>`: the first key seals, every key opens. Ids are short names
 * (letters, digits, `_`, `-`), unique; the key is standard or URL-safe base64.
 */
export const integrationKeyList: Parser<IntegrationKey[]> = (raw) => {
  const keys = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_=-]+)$/.exec(item);
      if (!match) throw new Error('must list <id>:<base64 key> pairs separated by commas');
      const key = Buffer.from(match[2]!, 'base64');
      if (key.length !== 32) throw new Error(`key ${match[1]} must be 32 bytes (base64 of 32 random bytes)`);
      return { id: match[1]!, key };
    });
  if (!keys.length) throw new Error('must list at least one key');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('must not repeat a key id');
  return keys;
};

/**
 * The commerce integrations' settings, spread into the settings table of config.ts so they parse,
 * print and document like every other setting.
 */
export const integrationSettings = {
  integrationKeys: {
    env: 'INTEGRATION_KEYS',
    description:
      'Keys sealing ERP credentials (AES-256-GCM), `<id>:<base64 of 32 bytes>` comma-separated: the first seals, all open (rotate by putting a new key first). Required in production; otherwise generated once into DATA_DIR/integration-key',
    parse: integrationKeyList,
  },
  moyskladSyncIntervalMinutes: {
    env: 'MOYSKLAD_SYNC_INTERVAL_MINUTES',
    description: 'Default minutes between incremental syncs of a new MoySklad integration',
    default: 15,
    parse: int(1, 10_080),
  },
};
