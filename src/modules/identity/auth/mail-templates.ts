import { defineMailTemplate } from '../../../platform/mail/index.js';

export const passwordResetMail = defineMailTemplate<{ name: string; link: string }>(
  'identity.password_reset',
  {
    subject: 'Reset your SalesOps password',
    text:
      'Hello {{name}},\n\nOpen {{link}} to choose a new password. The link expires in one hour and works once.\n\n' +
      'If you did not ask for this, ignore this message.',
    html:
      '<p>Hello {{name}},</p><p><a href="{{link}}">Choose a new password</a> (the link expires in one hour and works once).</p>' +
      '<p>If you did not ask for this, ignore this message.</p>',
  },
);

/** To a new address: the link that creates the organisation (nothing exists until it is opened). */
export const registrationConfirmMail = defineMailTemplate<{
  name: string;
  organisation: string;
  link: string;
}>('identity.registration_confirm', {
  subject: 'Confirm your SalesOps sign-up',
  text:
    'Hello {{name}},\n\nOpen {{link}} to create {{organisation}} on SalesOps and sign in. The link expires in 24 hours.\n\n' +
    'If you did not sign up, ignore this message; nothing has been created.',
  html:
    '<p>Hello {{name}},</p><p><a href="{{link}}">Create {{organisation}} and sign in</a> (the link expires in 24 hours).</p>' +
    '<p>If you did not sign up, ignore this message; nothing has been created.</p>',
});

/** To an address that already has an account: someone (probably its owner) tried to sign up again. */
export const registrationExistingMail = defineMailTemplate<{ name: string; signIn: string; reset: string }>(
  'identity.registration_existing',
  {
    subject: 'Someone tried to sign up with your address',
    text:
      'Hello {{name}},\n\nSomeone tried to sign up for SalesOps with this e-mail address, which already has an account. ' +
      'If it was you, sign in at {{signIn}}, or choose a new password at {{reset}}.\n\n' +
      'If it was not you, ignore this message; your account is unchanged.',
    html:
      '<p>Hello {{name}},</p><p>Someone tried to sign up for SalesOps with this e-mail address, which already has an account. ' +
      'If it was you, <a href="{{signIn}}">sign in</a> or <a href="{{reset}}">choose a new password</a>.</p>' +
      '<p>If it was not you, ignore this message; your account is unchanged.</p>',
  },
);

/** To the owner of an account that just got locked (once per lock, not per attempt). */
export const accountLockedMail = defineMailTemplate<{
  name: string;
  time: string;
  ip: string;
  userAgent: string;
  lockedUntil: string;
  reset: string;
}>('identity.account_locked', {
  subject: 'Your SalesOps account was locked after failed sign-ins',
  text:
    'Hello {{name}},\n\nAfter several wrong passwords your account was locked until {{lockedUntil}} (UTC).\n\n' +
    'Last attempt: {{time}} (UTC) from IP address {{ip}}, browser or app "{{userAgent}}".\n\n' +
    'If it was you, wait until then or choose a new password at {{reset}} (that also unlocks the account). ' +
    'If it was not you, someone is guessing your password: choose a new, strong one.',
  html:
    '<p>Hello {{name}},</p><p>After several wrong passwords your account was locked until {{lockedUntil}} (UTC).</p>' +
    '<p>Last attempt: {{time}} (UTC) from IP address {{ip}}, browser or app “{{userAgent}}”.</p>' +
    '<p>If it was you, wait until then or <a href="{{reset}}">choose a new password</a> (that also unlocks the account). ' +
    'If it was not you, someone is guessing your password: choose a new, strong one.</p>',
});

/** To the new address of an e-mail change: the link that makes it the account's address. */
export const emailChangeConfirmMail = defineMailTemplate<{ name: string; link: string }>(
  'identity.email_change_confirm',
  {
    subject: 'Confirm your new SalesOps e-mail address',
    text:
      'Hello {{name}},\n\nOpen {{link}} to make this your SalesOps sign-in address. The link expires in 24 hours and works once.\n\n' +
      'If you did not ask for this, ignore this message; nothing changes.',
    html:
      '<p>Hello {{name}},</p><p><a href="{{link}}">Make this your SalesOps sign-in address</a> (the link expires in 24 hours and works once).</p>' +
      '<p>If you did not ask for this, ignore this message; nothing changes.</p>',
  },
);

/** To the current address of an e-mail change: what was asked, and how to stop it. */
export const emailChangeNoticeMail = defineMailTemplate<{
  name: string;
  newEmail: string;
  time: string;
  reset: string;
}>('identity.email_change_notice', {
  subject: 'Your SalesOps e-mail address is about to change',
  text:
    'Hello {{name}},\n\nOn {{time}} (UTC) someone signed in to your account asked to change its e-mail address to {{newEmail}}. ' +
    'Nothing changes until the link sent to that address is opened; until then you sign in with this address.\n\n' +
    'If it was not you, choose a new password at {{reset}} now: that cancels the change and ends every session.',
  html:
    '<p>Hello {{name}},</p><p>On {{time}} (UTC) someone signed in to your account asked to change its e-mail address to {{newEmail}}. ' +
    'Nothing changes until the link sent to that address is opened; until then you sign in with this address.</p>' +
    '<p>If it was not you, <a href="{{reset}}">choose a new password</a> now: that cancels the change and ends every session.</p>',
});
