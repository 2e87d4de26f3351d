import { createHash } from 'node:crypto';
import { EncryptJWT, SignJWT, jwtDecrypt, jwtVerify, errors as joseErrors } from 'jose';
import { unauthenticated } from './errors.js';
import { createLinkSigner, type LinkSigner } from './signed-links.js';

/** Claims of a SalesOps access token. `tid` is null for super_admin, who belongs to no tenant. */
export interface AccessClaims {
  sub: string;
  tid: string | null;
  sid?: string;
  roles: string[];
  /**
   * Permissions carried by the token, for a deployment without a principal resolver that loads
   * them. Login tokens leave them out: every request reads the current ones, and a hundred of them
   * would make each request's header several kilobytes. A token without the claim verifies with [].
   */
  perms: string[];
  /** Data scope inside the tenant: own | team | org_unit | tenant. */
  scope?: string;
}

const ISSUER = 'salesops';
const AUDIENCE = 'salesops-api';

const keyId = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

export interface TokenService {
  signAccess(claims: Omit<AccessClaims, 'perms'> & { perms?: string[] }, ttlSeconds: number): Promise<string>;
  verifyAccess(token: string): Promise<AccessClaims>;
  /**
   * An encrypted, expiring token carrying `payload` for one `purpose` (a sign-up confirmation link):
   * unreadable and unforgeable without the secret, so it can hold what must not be shown.
   */
  seal(purpose: string, payload: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /** The payload of a sealed token of that purpose; undefined when it is forged, expired or another purpose's. */
  unseal(purpose: string, token: string): Promise<Record<string, unknown> | undefined>;
  /**
   * A short, readable, unforgeable token for a link whose owner must tell an expired link from a
   * forged one (survey links): see `signed-links.ts`. `verifyLink` answers the payload or undefined.
   */
  signLink: LinkSigner['sign'];
  verifyLink: LinkSigner['verify'];
}

/**
 * HS256 access tokens. The key id in the header names the secret that signed a token, so a new
 * JWT_SECRET can be rolled out while tokens signed with a previous one (JWT_PREVIOUS_SECRETS) still
 * verify until they expire.
 */
export function createTokenService(secret: string, previousSecrets: string[] = []): TokenService {
  const encoder = new TextEncoder();
  const current = { kid: keyId(secret), key: encoder.encode(secret) };
  const verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();
  const ring = new Map(
    [current, ...previousSecrets.map((s) => ({ kid: keyId(s), key: encoder.encode(s) }))].map((k) => [
      k.kid,
      k.key,
    ]),
  );

  // A separate key for sealed tokens (derived from the same secrets), so no token of one kind
  // can ever be taken for the other.
  const sealKey = (s: string) => createHash('sha256').update(`salesops-seal:${s}`).digest();
  const sealing = { kid: current.kid, key: sealKey(secret) };
  const sealRing = new Map([
    [current.kid, sealing.key],
    ...previousSecrets.map((s) => [keyId(s), sealKey(s)] as const),
  ]);

  const links = createLinkSigner(secret, previousSecrets);

  return {
    signLink: links.sign,
    verifyLink: links.verify,
    async seal(purpose, payload, ttlSeconds) {
      return new EncryptJWT({ ...payload, pur: purpose })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: sealing.kid })
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .encrypt(sealing.key);
    },
    async unseal(purpose, token) {
      try {
        const { payload } = await jwtDecrypt(
          token,
          async (header) => {
            const key = header.kid ? sealRing.get(header.kid) : undefined;
            if (!key) throw new Error('unknown key id');
            return key;
          },
          { issuer: ISSUER, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
        );
        if (payload.pur !== purpose) return undefined;
        const { pur: _p, iss: _i, iat: _a, exp: _e, ...rest } = payload;
        return rest;
      } catch {
        return undefined;
      }
    },
    async signAccess(claims, ttlSeconds) {
      return new SignJWT({
        tid: claims.tid,
        sid: claims.sid,
        roles: claims.roles,
        perms: claims.perms,
        scope: claims.scope,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: current.kid })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(current.key);
    },
    async verifyAccess(token) {
      const cached = verified.get(token);
      if (cached && cached.expiresAt > Date.now()) return cached.claims;
      const { claims, expiresAt } = await verifyWithJose(token);
      remember(token, claims, expiresAt);
      return claims;
    },
  };

  async function verifyWithJose(token: string): Promise<{ claims: AccessClaims; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? ring.get(header.kid) : undefined;
          if (!key) throw new joseErrors.JWSSignatureVerificationFailed('unknown key id');
          return key;
        },
        { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] },
      );
      if (typeof payload.sub !== 'string') throw new Error('no subject');
      const claims: AccessClaims = {
        sub: payload.sub,
        tid: typeof payload.tid === 'string' ? payload.tid : null,
        sid: typeof payload.sid === 'string' ? payload.sid : undefined,
        roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
        perms: Array.isArray(payload.perms) ? payload.perms.map(String) : [],
        scope: typeof payload.scope === 'string' ? payload.scope : undefined,
      };
      return { claims, expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw unauthenticated('The access token has expired.', 'TOKEN_EXPIRED');
      throw unauthenticated('The access token is not valid.', 'INVALID_TOKEN');
    }
  }

  /**
   * Verified tokens are remembered until they expire: a client sends the same token with every
   * request, and checking the signature costs more than the rest of a simple read. The same string
   * carries the same signature, so a cache hit proves what the first check proved.
   */
  function remember(token: string, claims: AccessClaims, expiresAt: number) {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, expiresAt });
  }
}

const VERIFIED_CACHE_SIZE = 10_000;
