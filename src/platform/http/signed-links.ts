import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed link tokens: `base64url(payload ‖ HMAC-SHA256(key, purpose ‖ 0 ‖ payload))`. The payload
 * is readable by anyone holding the token (it must name nothing secret) and cannot be changed
 * without the server's secret. Unlike sealed tokens they carry no expiry of their own: a link's
 * owner reads its expiry from the payload and answers an expired link differently from a forged one.
 * Short enough for a path segment (a 37-byte payload gives 92 characters).
 */
export interface LinkSigner {
  sign(purpose: string, payload: Uint8Array): string;
  /** The payload of a token this server signed for `purpose`; undefined for anything else. */
  verify(purpose: string, token: string): Buffer | undefined;
}

const MAC_BYTES = 32;
/** Longer tokens are refused before any decoding: nothing this server signs is that long. */
const MAX_TOKEN_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The key ring: the current secret signs, earlier ones (JWT_PREVIOUS_SECRETS) still verify. Keys
 * are derived under their own label, so a link's key is never the access or sealing key.
 */
export function createLinkSigner(secret: string, previousSecrets: readonly string[] = []): LinkSigner {
  const keyOf = (s: string) => createHash('sha256').update(`salesops-link:${s}`).digest();
  const [current, ...older] = [secret, ...previousSecrets].map(keyOf);
  const mac = (key: Buffer, purpose: string, payload: Uint8Array) =>
    createHmac('sha256', key).update(purpose).update(Buffer.of(0)).update(payload).digest();

  return {
    sign(purpose, payload) {
      return Buffer.concat([payload, mac(current!, purpose, payload)]).toString('base64url');
    },
    verify(purpose, token) {
      if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return undefined;
      const bytes = Buffer.from(token, 'base64url');
      if (bytes.length <= MAC_BYTES) return undefined;
      const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
      const given = bytes.subarray(bytes.length - MAC_BYTES);
      const valid = [current!, ...older].some((key) => timingSafeEqual(mac(key, purpose, payload), given));
      return valid ? Buffer.from(payload) : undefined;
    },
  };
}
