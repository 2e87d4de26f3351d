import { int, limitPair } from './config-parsers.js';

/**
 * The request rate limits (platform/http), spread into the settings table of config.ts so they
 * parse, print and document like every other setting.
 */
export const rateLimitSettings = {
  rateLimitMax: {
    env: 'RATE_LIMIT_MAX',
    description: 'Requests per client IP per window',
    default: 600,
    parse: int(1, 1_000_000),
  },
  rateLimitWindowMs: {
    env: 'RATE_LIMIT_WINDOW_MS',
    description: 'Rate-limit window',
    default: 60_000,
    parse: int(1000, 86_400_000),
  },
  rateLimitAuthWindowMs: {
    env: 'RATE_LIMIT_AUTH_WINDOW_MS',
    description: 'Window of the sign-in, registration and password-reset limits below',
    default: 900_000,
    parse: int(1000, 86_400_000),
  },
  rateLimitLogin: {
    env: 'RATE_LIMIT_LOGIN',
    description: 'POST /auth/login attempts per window: <per client IP>/<per login>',
    default: { perIp: 100, perAccount: 20 },
    parse: limitPair,
  },
  rateLimitLoginFailures: {
    env: 'RATE_LIMIT_LOGIN_FAILURES',
    description:
      'Failed POST /auth/login attempts per client IP per window; more → 429 until the window ends (limits lockouts one address can cause)',
    default: 10,
    parse: int(1, 1_000_000),
  },
  rateLimitRegister: {
    env: 'RATE_LIMIT_REGISTER',
    description: 'POST /auth/register requests per window: <per client IP>/<per e-mail address>',
    default: { perIp: 10, perAccount: 3 },
    parse: limitPair,
  },
  rateLimitForgotPassword: {
    env: 'RATE_LIMIT_FORGOT_PASSWORD',
    description: 'POST /auth/forgot-password requests per window: <per client IP>/<per e-mail address>',
    default: { perIp: 20, perAccount: 3 },
    parse: limitPair,
  },
  rateLimitResetPassword: {
    env: 'RATE_LIMIT_RESET_PASSWORD',
    description: 'POST /auth/reset-password attempts per window: <per client IP>/<per reset token>',
    default: { perIp: 20, perAccount: 5 },
    parse: limitPair,
  },
} as const;
