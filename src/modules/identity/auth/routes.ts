import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { IdParams } from '../../../platform/http/schemas.js';
import type { Platform } from '../../../platform/module.js';
import { auditSourceOf } from '../audit.js';
import {
  Accepted,
  ChangePasswordBody,
  ForgotBody,
  LoginBody,
  LogoutBody,
  Me,
  RefreshBody,
  RegisterBody,
  ResetBody,
  SessionList,
  TokenResponse,
  UpdateMeBody,
} from './schemas.js';
import { createKeyedLimiter } from './limiter.js';
import { createAccountService } from './account.service.js';
import { createAuthService, ownTenantOf, type Client } from './service.js';

type Body<T> = FastifyRequest<{ Body: T }>;
const tags = ['auth'];
const NoContent = Type.Null({ description: 'No content' });

const clientOf = (request: FastifyRequest): Client => ({
  ip: request.ip ?? null,
  userAgent: (request.headers['user-agent'] as string | undefined)?.slice(0, 500) ?? null,
});

/** The caller's own user row: their tenant, or the platform tenant for a super admin. */
function self(request: FastifyRequest) {
  const principal = requirePrincipal(request);
  return { tenantId: ownTenantOf(principal), userId: principal.userId, sessionId: principal.sessionId };
}

/** Per-account login limit (on top of the global per-IP one): 10 attempts a minute per login. */
export const loginLimiter = createKeyedLimiter({ max: 10, windowMs: 60_000 });

export async function authRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const auth = createAuthService({
    db: platform.db,
    tokens: platform.tokens,
    catalogue: platform.permissions,
  });
  const account = createAccountService({
    db: platform.db,
    mailer: platform.mailer,
    publicUrl: platform.config.publicUrl,
  });

  await app.register(async (api) => {
    await api.register(formbody);

    api.post(
      '/auth/register',
      {
        config: { public: true },
        schema: {
          summary: 'Register a new tenant and its first administrator',
          tags,
          body: RegisterBody,
          response: { 201: TokenResponse },
        },
      },
      async (request: Body<Static<typeof RegisterBody>>, reply) => {
        const b = request.body;
        const pair = await auth.register(
          {
            tenantName: b.tenant_name,
            slug: b.slug,
            email: b.email,
            password: b.password,
            firstName: b.first_name,
            lastName: b.last_name,
          },
          clientOf(request),
          auditSourceOf(request),
        );
        return reply.code(201).send(pair);
      },
    );

    api.post(
      '/auth/login',
      {
        config: { public: true },
        schema: {
          summary: 'Sign in with e-mail or username and password (JSON or OAuth2 password form)',
          description:
            'Accepts `application/json` `{email|username, password}` and `application/x-www-form-urlencoded` OAuth2 password-grant posts (`username` may be an e-mail).',
          tags,
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          body: LoginBody,
          response: { 200: TokenResponse },
        },
      },
      async (request: Body<Static<typeof LoginBody>>) => {
        const login = request.body.email ?? request.body.username;
        if (!login)
          throw validationFailed([{ path: '/body/email', message: 'email or username is required' }]);
        loginLimiter.hit(login.trim().toLowerCase());
        return auth.login(login, request.body.password, clientOf(request), auditSourceOf(request));
      },
    );

    api.post(
      '/auth/refresh',
      {
        config: { public: true },
        schema: {
          summary: 'Exchange a refresh token for a new token pair (rotates it)',
          tags,
          body: RefreshBody,
          response: { 200: TokenResponse },
        },
      },
      async (request: Body<Static<typeof RefreshBody>>) =>
        auth.refresh(request.body.refresh_token, auditSourceOf(request)),
    );

    api.post(
      '/auth/logout',
      {
        config: { permission: 'authenticated' },
        schema: {
          summary: 'End this session, or every session with {all: true}',
          tags,
          body: Type.Optional(LogoutBody),
          response: { 204: NoContent },
        },
      },
      async (request: Body<Static<typeof LogoutBody> | undefined>, reply) => {
        const me = self(request);
        await auth.logout(
          me.tenantId,
          me.userId,
          me.sessionId,
          request.body?.all === true,
          auditSourceOf(request),
        );
        return reply.code(204).send();
      },
    );

    api.get(
      '/auth/me',
      {
        config: { permission: 'authenticated' },
        schema: {
          summary: 'The signed-in user with roles, permissions and scope',
          tags,
          response: { 200: Me },
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
          summary: 'Change the own name, e-mail or phone (E.164, tenant default region)',
          tags,
          body: UpdateMeBody,
          response: { 200: Me },
        },
      },
      async (request: Body<Static<typeof UpdateMeBody>>) => {
        const me = self(request);
        return account.updateMe(me.tenantId, me.userId, request.body, auditSourceOf(request));
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
  });
}
