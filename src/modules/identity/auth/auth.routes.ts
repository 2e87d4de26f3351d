import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { failureLimit, routeLimits } from '../../../platform/http/route-limits.js';
import type { Platform } from '../../../platform/module.js';
import { auditSourceOf } from '../audit.js';
import {
  Accepted,
  ConfirmRegistrationBody,
  LoginBody,
  LogoutBody,
  RefreshBody,
  RegisterBody,
  TokenResponse,
} from './auth.schemas.js';
import { createAccountService } from './account.service.js';
import { sessionRevocationsOf } from './revocation.js';
import { createAuthService } from './auth.service.js';
import { registrationClosed } from './errors.js';
import { accountRoutes } from './account.routes.js';
import { clientOf, NoContent, self, tags, type Body, type Limited } from './route-kit.js';

const REGISTER_ACCEPTED =
  'Check your inbox: we sent a message to this address with the next step. If it does not arrive, check the address and try again.';

export async function authRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const revocations = sessionRevocationsOf(platform);
  // The LISTEN for revocations made on other instances starts with the app (identity's onStart)
  // and ends with it.
  app.addHook('onClose', async () => revocations.stop());
  const auth = createAuthService({
    db: platform.db,
    system: platform.system,
    tokens: platform.tokens,
    catalogue: platform.permissions,
    mailer: platform.mailer,
    publicUrl: platform.config.publicUrl,
    revocations,
  });
  const account = createAccountService({
    db: platform.db,
    system: platform.system,
    mailer: platform.mailer,
    publicUrl: platform.config.publicUrl,
    revocations,
  });

  /** Per-route limits by client IP and by the account, address or token in the body (settings). */
  const limited: Limited = (
    name: string,
    pair: { perIp: number; perAccount: number },
    accountOf: (body: Record<string, unknown>) => unknown,
  ) =>
    routeLimits(app.limitCounter, [
      {
        name: `${name}.ip`,
        max: pair.perIp,
        windowMs: platform.config.rateLimitAuthWindowMs,
        key: (r) => r.ip,
      },
      {
        name: `${name}.account`,
        max: pair.perAccount,
        windowMs: platform.config.rateLimitAuthWindowMs,
        key: (r) => {
          const value = accountOf((r.body ?? {}) as Record<string, unknown>);
          return typeof value === 'string' && value !== '' ? value.trim().toLowerCase() : undefined;
        },
      },
    ]);
  // Wrong passwords (and unknown or locked accounts) per client IP: one address can neither lock
  // many accounts nor guess widely. Counted after the attempt, refused before argon2 runs.
  const loginFailures = failureLimit(app.limitCounter, {
    name: 'login-failures.ip',
    max: platform.config.rateLimitLoginFailures,
    windowMs: platform.config.rateLimitAuthWindowMs,
    key: (r) => r.ip,
  });
  const { rateLimitLogin, rateLimitRegister, rateLimitForgotPassword, rateLimitResetPassword } =
    platform.config;
  // SELF_REGISTRATION=false closes both steps of sign-up before the body is read or counted.
  const registrationOpen = async () => {
    if (!platform.config.selfRegistration) throw registrationClosed();
  };

  await app.register(async (api) => {
    await api.register(formbody);

    api.post(
      '/auth/register',
      {
        config: { public: true },
        onRequest: registrationOpen,
        preHandler: limited('register', rateLimitRegister, (b) => b.email),
        schema: {
          summary: 'Start registering a new tenant and its first administrator (confirmed by e-mail)',
          description:
            'Always 202 with the same message, whether or not the address already has an account, so the ' +
            'answer reveals nothing. A new address receives a link (`/confirm-registration?token=…`, 24 h) ' +
            'whose token `POST /auth/register/confirm` exchanges for the tenant, its admin and a token pair; ' +
            'the owner of an existing address is told that someone tried to sign up with it. ' +
            'A server started with `SELF_REGISTRATION=false` answers 403 `REGISTRATION_CLOSED`.',
          tags,
          body: RegisterBody,
          response: { 202: Accepted },
        },
      },
      async (request: Body<Static<typeof RegisterBody>>, reply) => {
        const b = request.body;
        await auth.register(
          {
            tenantName: b.tenant_name,
            slug: b.slug,
            email: b.email,
            password: b.password,
            firstName: b.first_name,
            lastName: b.last_name,
          },
          auditSourceOf(request),
        );
        return reply.code(202).send({ message: REGISTER_ACCEPTED });
      },
    );

    api.post(
      '/auth/register/confirm',
      {
        config: { public: true },
        onRequest: registrationOpen,
        preHandler: limited('register-confirm', rateLimitResetPassword, (b) => b.token),
        schema: {
          summary: 'Create the tenant and its administrator from the e-mailed sign-up link; signs in',
          description: 'A server started with `SELF_REGISTRATION=false` answers 403 `REGISTRATION_CLOSED`.',
          tags,
          body: ConfirmRegistrationBody,
          response: { 201: TokenResponse },
        },
      },
      async (request: Body<Static<typeof ConfirmRegistrationBody>>, reply) => {
        const pair = await auth.confirmRegistration(
          request.body.token,
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
        preHandler: [limited('login', rateLimitLogin, (b) => b.email ?? b.username), loginFailures.check],
        schema: {
          summary: 'Sign in with e-mail or username and password (JSON or OAuth2 password form)',
          description:
            'Accepts `application/json` `{email|username, password}` and `application/x-www-form-urlencoded` OAuth2 password-grant posts (`username` may be an e-mail). ' +
            'A username is unique within its tenant: one that several tenants use signs in with the tenant named, as `tenant` (slug) or written `slug/username`. ' +
            'An unknown login, a wrong password and a locked account (after `lockout_threshold` wrong passwords, for `lockout_minutes`; the owner is mailed) all answer the same 401 `INVALID_CREDENTIALS`. ' +
            'Too many failures from one client IP answer 429 `RATE_LIMITED` with `Retry-After` until the window ends.',
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
        try {
          return await auth.login(
            login,
            request.body.password,
            clientOf(request),
            auditSourceOf(request),
            request.body.tenant,
          );
        } catch (error) {
          if (error instanceof AppError && error.code === 'INVALID_CREDENTIALS')
            await loginFailures.record(request);
          throw error;
        }
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

    accountRoutes(api, account, limited, rateLimitResetPassword, rateLimitForgotPassword);
  });
}
