import { createHash, randomBytes } from 'node:crypto';

/** An opaque secret for refresh and reset tokens: 32 random bytes, base64url. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored as their SHA-256 (hex); a leaked table yields nothing usable. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
