import { AppError, forbidden, unauthenticated } from '../../../platform/http/errors.js';

/** Also the answer for a locked account, so a lockout tells nobody that the account exists. */
export const invalidCredentials = () =>
  unauthenticated('The login or password is wrong.', 'INVALID_CREDENTIALS');
export const sessionRevoked = () =>
  unauthenticated('The session has ended; sign in again.', 'SESSION_REVOKED');
export const userInactive = () => forbidden('This account is deactivated.', 'USER_INACTIVE');
export const tenantSuspended = () => forbidden('This organisation is suspended.', 'TENANT_SUSPENDED');
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
export const invalidCurrentPassword = () =>
  new AppError(422, 'INVALID_CURRENT_PASSWORD', 'The current password is wrong.', {
    errors: [{ path: '/body/current_password', message: 'is wrong' }],
  });
export const invalidEmailChangeToken = () =>
  new AppError(422, 'INVALID_EMAIL_CHANGE_TOKEN', 'The confirmation link is invalid, used or expired.', {
    errors: [{ path: '/body/token', message: 'is invalid, used or expired' }],
  });
export const emailTaken = (path?: string) =>
  new AppError(409, 'DUPLICATE', 'Another user has this e-mail address.', {
    errors: path ? [{ path, message: 'is taken' }] : undefined,
  });
