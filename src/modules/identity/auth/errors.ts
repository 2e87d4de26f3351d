import { AppError, forbidden, unauthenticated } from '../../../platform/http/errors.js';

export const invalidCredentials = () =>
  unauthenticated('The login or password is wrong.', 'INVALID_CREDENTIALS');
export const sessionRevoked = () =>
  unauthenticated('The session has ended; sign in again.', 'SESSION_REVOKED');
export const userInactive = () => forbidden('This account is deactivated.', 'USER_INACTIVE');
export const tenantSuspended = () => forbidden('This organisation is suspended.', 'TENANT_SUSPENDED');
export const accountLocked = (until: Date) =>
  new AppError(
    423,
    'ACCOUNT_LOCKED',
    `Too many failed logins; the account is locked until ${until.toISOString()}.`,
    {
      extensions: { locked_until: until.toISOString() },
    },
  );
export const invalidRefreshToken = () =>
  unauthenticated('The refresh token is not valid.', 'INVALID_REFRESH_TOKEN');
export const refreshTokenReused = () =>
  unauthenticated(
    'This refresh token was already used; the session has been revoked. Sign in again.',
    'REFRESH_TOKEN_REUSED',
  );
export const invalidResetToken = () =>
  new AppError(422, 'INVALID_RESET_TOKEN', 'The reset link is invalid, used or expired.', {
    errors: [{ path: '/body/token', message: 'is invalid, used or expired' }],
  });
export const registrationClosed = () =>
  forbidden('Sign-up is closed on this server; ask an administrator for an account.', 'REGISTRATION_CLOSED');
