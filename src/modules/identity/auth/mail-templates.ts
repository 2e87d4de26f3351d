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
