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
