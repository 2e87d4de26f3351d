import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { IdParams } from '../../../platform/http/schemas.js';
import { auditSourceOf } from '../audit.js';
import type { AccountService } from './account.service.js';
import {
  Accepted,
  ChangePasswordBody,
  ConfirmEmailBody,
  ForgotBody,
  Profile,
  ResetBody,
  SessionList,
  UpdateMeBody,
} from './auth.schemas.js';
import { NoContent, self, tags, type Body, type Limited } from './route-kit.js';

type LimitPair = { perIp: number; perAccount: number };

/** The signed-in user's own account: profile, e-mail and password changes, resets and sessions. */
export function accountRoutes(
  api: FastifyInstance,
  account: AccountService,
  limited: Limited,
  rateLimitResetPassword: LimitPair,
  rateLimitForgotPassword: LimitPair,
): void {
  api.get(
    '/auth/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'The signed-in user with roles, permissions, scope and any pending e-mail change',
        tags,
        response: { 200: Profile },
      },
    },
    async (request) => {
      const me = self(request);
      const principal = requirePrincipal(request);
      return account.me(me.tenantId, me.userId, {
        roles: principal.roles,
        permissions: [...principal.permissions].sort(),
        scope: principal.scope,
        isSuperAdmin: principal.isSuperAdmin,
      });
    },
  );

  api.put(
    '/auth/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Change the own name or phone (E.164, tenant default region), or start an e-mail change',
        description:
          'Names and phone change at once. A new `email` needs `current_password` (missing → 422 at `/body/current_password`, ' +
          'wrong → 422 `INVALID_CURRENT_PASSWORD`) and an address no other user of the tenant has (409 `DUPLICATE`); ' +
          'it is then pending (`pending_email`): a link valid 24 h is mailed to the new address, a notice to the current one, ' +
          'and the account keeps its current address until `POST /auth/me/email/confirm`. A newer change replaces an open one.',
        tags,
        body: UpdateMeBody,
        response: { 200: Profile },
      },
    },
    async (request: Body<Static<typeof UpdateMeBody>>) => {
      const me = self(request);
      return account.updateMe(me.tenantId, me.userId, request.body, auditSourceOf(request));
    },
  );

  api.post(
    '/auth/me/email/confirm',
    {
      config: { public: true },
      preHandler: limited('email-confirm', rateLimitResetPassword, (b) => b.token),
      schema: {
        summary: 'Confirm an e-mail change with the token mailed to the new address',
        description:
          'Public: the link is opened from the mailbox. The token works once and for 24 hours (otherwise 422 ' +
          '`INVALID_EMAIL_CHANGE_TOKEN`); a password change or reset, or a newer e-mail change, cancels it. ' +
          'An address another user took meanwhile is 409 `DUPLICATE`. Sessions stay open.',
        tags,
        body: ConfirmEmailBody,
        response: { 204: NoContent },
      },
    },
    async (request: Body<Static<typeof ConfirmEmailBody>>, reply) => {
      await account.confirmEmailChange(request.body.token, auditSourceOf(request));
      return reply.code(204).send();
    },
  );

  api.put(
    '/auth/me/password',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: "Change the own password (ends the user's other sessions)",
        tags,
        body: ChangePasswordBody,
        response: { 204: NoContent },
      },
    },
    async (request: Body<Static<typeof ChangePasswordBody>>, reply) => {
      const me = self(request);
      await account.changePassword(
        me.tenantId,
        me.userId,
        me.sessionId,
        request.body.current_password,
        request.body.new_password,
        auditSourceOf(request),
      );
      return reply.code(204).send();
    },
  );

  api.post(
    '/auth/forgot-password',
    {
      config: { public: true },
      preHandler: limited('forgot-password', rateLimitForgotPassword, (b) => b.email),
      schema: {
        summary: 'Mail a password reset link (always 202)',
        tags,
        body: ForgotBody,
        response: { 202: Accepted },
      },
    },
    async (request: Body<Static<typeof ForgotBody>>, reply) => {
      await account.forgotPassword(request.body.email, auditSourceOf(request));
      return reply
        .code(202)
        .send({ message: 'If the address belongs to an account, a reset link is on its way.' });
    },
  );

  api.post(
    '/auth/reset-password',
    {
      config: { public: true },
      preHandler: limited('reset-password', rateLimitResetPassword, (b) => b.token),
      schema: {
        summary: 'Choose a new password with a reset token (ends every session)',
        tags,
        body: ResetBody,
        response: { 204: NoContent },
      },
    },
    async (request: Body<Static<typeof ResetBody>>, reply) => {
      await account.resetPassword(request.body.token, request.body.password, auditSourceOf(request));
      return reply.code(204).send();
    },
  );

  api.get(
    '/auth/sessions',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: "The caller's live sessions (the current one flagged)",
        tags,
        response: { 200: SessionList },
      },
    },
    async (request) => {
      const me = self(request);
      return { sessions: await account.sessions(me.tenantId, me.userId, me.sessionId) };
    },
  );

  api.delete(
    '/auth/sessions/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'End one of the own sessions',
        tags,
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request: FastifyRequest<{ Params: IdParams }>, reply) => {
      const me = self(request);
      await account.revokeSession(me.tenantId, me.userId, request.params.id, auditSourceOf(request));
      return reply.code(204).send();
    },
  );
}
