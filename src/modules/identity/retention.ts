import type { RetentionRule } from '../../platform/retention/index.js';

/**
 * Sign-in state nobody can use any more. A session's refresh tokens go with it (cascade); the
 * tokens of live sessions are deleted once long expired, so a rotated token is kept — and reuse of
 * it still detected — for as long as it could have been presented.
 */
export const IDENTITY_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: 'identity.sessions',
    table: 'sessions',
    days: (config) => config.retentionSessionsDays,
    expired: 'expires_at < $1 or revoked_at < $1',
  },
  {
    name: 'identity.refresh_tokens',
    table: 'refresh_tokens',
    days: (config) => config.retentionSessionsDays,
    expired: 'expires_at < $1',
  },
  {
    name: 'identity.password_reset_tokens',
    table: 'password_reset_tokens',
    days: (config) => config.retentionSessionsDays,
    expired: 'expires_at < $1 or used_at < $1',
  },
  {
    name: 'identity.email_change_tokens',
    table: 'email_change_tokens',
    days: (config) => config.retentionSessionsDays,
    expired: 'expires_at < $1 or used_at < $1',
  },
];
