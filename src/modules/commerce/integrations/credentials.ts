import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ensureIntegrationKeys, type Config, type IntegrationKey } from '../../../config.js';
import { AppError } from '../../../platform/http/errors.js';

/** A sealed secret: the ciphertext (IV, tag and data in one string) and the id of the key that sealed it. */
export interface Sealed {
  cipher: string;
  keyId: string;
}

/** Seals and opens integration secrets with a ring of keys: the first seals, every key opens. */
export interface CredentialVault {
  /** The id of the key that seals now; a row sealed with another one is re-sealed when read. */
  readonly currentKeyId: string;
  seal(plaintext: unknown): Sealed;
  open<T = unknown>(cipher: string, keyId: string): T;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The credentials cannot be opened: the key that sealed them is no longer configured, or the
 * ciphertext was altered. Never carries the secret; the admin enters the credentials again.
 */
export const credentialsUnreadable = (keyId: string) =>
  new AppError(
    409,
    'INTEGRATION_CREDENTIALS_UNREADABLE',
    `The stored credentials cannot be opened with the configured keys (sealed with key "${keyId}"); enter them again.`,
  );

/**
 * AES-256-GCM with a random 96-bit IV per seal; the key id is authenticated data, so a ciphertext
 * cannot be passed off as sealed by another key. Format: `v1.<base64url(iv ‖ tag ‖ ciphertext)>`.
 */
export function createVault(keys: readonly IntegrationKey[]): CredentialVault {
  const current = keys[0];
  if (!current) throw new Error('At least one integration key is needed');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    currentKeyId: current.id,
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const data = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
      const sealed = Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
      return { cipher: `${VERSION}.${sealed}`, keyId: current.id };
    },
    open<T>(text: string, keyId: string): T {
      const key = byId.get(keyId);
      const [version, body] = text.split('.');
      if (!key || version !== VERSION || !body) throw credentialsUnreadable(keyId);
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) throw credentialsUnreadable(keyId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
        return JSON.parse(plain.toString('utf8')) as T;
      } catch {
        throw credentialsUnreadable(keyId);
      }
    },
  };
}

/**
 * The process's vault. The integrations part installs the configuration when the module starts
 * (API and worker alike); the keys are read on first use, so a process that never touches
 * credentials (the OpenAPI generator) never generates the development key file.
 */
let installedConfig: Config | undefined;
let vault: CredentialVault | undefined;

export function installIntegrationKeys(config: Config): void {
  installedConfig = config;
  vault = undefined;
}

export function currentVault(): CredentialVault {
  if (!vault) {
    if (!installedConfig)
      throw new Error('Integration keys are not installed (the commerce module did not start)');
    vault = createVault(ensureIntegrationKeys(installedConfig).integrationKeys);
  }
  return vault;
}

/** Seals a JSON value with the current key. */
export const seal = (plaintext: unknown): Sealed => currentVault().seal(plaintext);

/** Opens what `seal` sealed, with the key named; 409 INTEGRATION_CREDENTIALS_UNREADABLE otherwise. */
export const open = <T = unknown>(cipher: string, keyId: string): T => currentVault().open<T>(cipher, keyId);
