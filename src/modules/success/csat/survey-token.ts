import type { TokenService } from '../../../platform/http/tokens.js';

/**
 * A survey link's token: version (1 byte), tenant id (16), link id (16), expiry in Unix seconds
 * (4, unsigned: good until 2106), signed with the server's link key (`tokens.signLink`). The token
 * is not stored: the link row is found by the id it names, in the tenant it names, and must expire
 * when the token says — anything else is not a link this server made.
 */
const PURPOSE = 'csat-survey-link';
const VERSION = 1;
const LENGTH = 37;

export interface SurveyTokenClaims {
  tenantId: string;
  linkId: string;
  /** Whole seconds. */
  expiresAt: Date;
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export function surveyToken(tokens: Pick<TokenService, 'signLink'>, claims: SurveyTokenClaims): string {
  const payload = Buffer.alloc(LENGTH);
  payload[0] = VERSION;
  uuidBytes(claims.tenantId).copy(payload, 1);
  uuidBytes(claims.linkId).copy(payload, 17);
  payload.writeUInt32BE(Math.floor(claims.expiresAt.getTime() / 1000), 33);
  return tokens.signLink(PURPOSE, payload);
}

/** The claims of a token this server signed; undefined for a forged, altered or malformed one. */
export function readSurveyToken(
  tokens: Pick<TokenService, 'verifyLink'>,
  token: string,
): SurveyTokenClaims | undefined {
  const payload = tokens.verifyLink(PURPOSE, token);
  if (!payload || payload.length !== LENGTH || payload[0] !== VERSION) return undefined;
  return {
    tenantId: uuidOf(payload.subarray(1, 17)),
    linkId: uuidOf(payload.subarray(17, 33)),
    expiresAt: new Date(payload.readUInt32BE(33) * 1000),
  };
}
