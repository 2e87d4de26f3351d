import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { handleError } from '../../../platform/http/error-handler.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { routeLimits } from '../../../platform/http/route-limits.js';
import { auditSourceOf } from '../../../platform/resource/index.js';
import {
  PublicSubmitBody,
  PublicSubmitResult,
  PublicSurveyInfo,
  SurveyFormBody,
  TokenParams,
} from './csat.schemas.js';
import type { PublicSurveyService } from './public-survey.service.js';
import { SURVEY_PAGE_PATH } from './survey-links.service.js';
import { readSurveyForm } from './survey-form.js';
import { problemPage, SURVEY_PAGE_CSP, surveyFormPage, thankYouPage } from './survey-page.js';

/**
 * What one client may ask of the public survey routes per minute: a person needs two or three
 * requests per link (open, send, perhaps again after a mistake); a guesser trying tokens from one
 * address is stopped by the per-address budget, shared by every link.
 */
export const PUBLIC_SURVEY_LIMITS = { perLinkAndIp: 10, perIp: 60, windowMs: 60_000 } as const;

const tags = ['csat'];
const THANKS = 'Thank you for your feedback.';
const LINK_ANSWERS =
  'A link that is not valid (forged, altered, unknown) answers 404 `SURVEY_LINK_NOT_FOUND`, whatever the reason; ' +
  'an answered one 410 `SURVEY_LINK_USED`, an expired one 410 `SURVEY_LINK_EXPIRED`. ' +
  `Limited to ${PUBLIC_SURVEY_LIMITS.perLinkAndIp} requests a minute per link and client address and ` +
  `${PUBLIC_SURVEY_LIMITS.perIp} per client address (429 \`RATE_LIMITED\`).`;

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', SURVEY_PAGE_CSP)
    .type('text/html; charset=utf-8')
    .send(html);
}
const PAGE_NOTE =
  'Errors are pages for a browser (`Accept: text/html`), problem documents for other clients.';

/**
 * Whether the client reads pages: browsers ask for text/html when they open or post the page.
 * Others (scripts, monitors) get problem documents, like every other route of the API.
 */
const wantsHtml = (request: FastifyRequest) => /\btext\/html\b/i.test(request.headers.accept ?? '');

/** A person reads the page: client errors come back as pages too; the rest as problems, logged. */
function pageErrors(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const fastifyError = error as FastifyError;
  const status =
    error instanceof AppError ? error.status : fastifyError.validation ? 422 : fastifyError.statusCode;
  if (!wantsHtml(request) || !status || status < 400 || status >= 500)
    return handleError(error, request, reply);
  if (error instanceof AppError && error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  return sendPage(reply, status, problemPage(error instanceof AppError ? error.code : 'BAD_REQUEST'));
}

const htmlResponse = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
/** A page for a browser (Accept: text/html), a problem document for any other client. */
const pageOrProblem = (description: string) => ({
  description,
  content: {
    'text/html': { schema: { type: 'string' } },
    'application/problem+json': { schema: { $ref: 'ProblemDocument#' } },
  },
});
const PAGE_ERRORS = {
  404: pageOrProblem('Not a valid link (the same answer whatever the reason)'),
  410: pageOrProblem('The link was answered or has expired'),
  422: pageOrProblem('The form could not be stored (a page brings it back with the reason)'),
  429: pageOrProblem('Too many requests'),
};
const GONE = { 410: { description: 'The link was answered or has expired', $ref: 'ProblemDocument#' } };

export function publicSurveyRoutes(app: FastifyInstance, survey: PublicSurveyService): void {
  const { perLinkAndIp, perIp, windowMs } = PUBLIC_SURVEY_LIMITS;
  const limited = routeLimits(app.limitCounter, [
    {
      name: 'csat-public.link-ip',
      max: perLinkAndIp,
      windowMs,
      key: (r) => `${r.ip} ${(r.params as TokenParams).token}`,
    },
    { name: 'csat-public.ip', max: perIp, windowMs, key: (r) => r.ip },
  ]);
  const config = { public: true };

  app.get<{ Params: TokenParams }>(
    '/csat/public/info/:token',
    {
      config,
      preHandler: limited,
      schema: {
        summary: "A survey link's question (public): the tenant's name, the question and its scale",
        description: `No sign-in: the token names the tenant and the link. ${LINK_ANSWERS}`,
        tags,
        params: TokenParams,
        response: { 200: PublicSurveyInfo, ...GONE },
      },
    },
    async (request) => survey.info(request.params.token),
  );

  app.post<{ Params: TokenParams; Body: PublicSubmitBody }>(
    '/csat/public/submit/:token',
    {
      config,
      preHandler: limited,
      schema: {
        summary: 'Answer a survey link (public, once)',
        description:
          'Stores the answer and uses the link up in one transaction: of two concurrent answers one is ' +
          `stored, the other answers 410 \`SURVEY_LINK_USED\`. \`score\` out of the link's scale is 422. ${LINK_ANSWERS}`,
        tags,
        params: TokenParams,
        body: PublicSubmitBody,
        response: { 201: PublicSubmitResult, ...GONE },
      },
    },
    async (request, reply) => {
      await survey.submit(request.params.token, request.body, auditSourceOf(request));
      return reply.code(201).send({ message: THANKS });
    },
  );

  // The page and its form post: HTML answers, errors included, and a form body parser of their own.
  void app.register(async (page) => {
    await page.register(formbody);
    page.setErrorHandler(pageErrors);
    page.get<{ Params: TokenParams }>(
      `${SURVEY_PAGE_PATH}/:token`,
      {
        config,
        preHandler: limited,
        schema: {
          summary: 'The survey page a link opens (public, HTML)',
          description: `A form that posts back to this address and works without JavaScript. ${LINK_ANSWERS} ${PAGE_NOTE}`,
          tags,
          params: TokenParams,
          produces: ['text/html'],
          response: { 200: htmlResponse('The survey form'), ...PAGE_ERRORS },
        },
      },
      async (request, reply) => sendPage(reply, 200, surveyFormPage(await survey.info(request.params.token))),
    );
    page.post<{ Params: TokenParams; Body: SurveyFormBody | undefined }>(
      `${SURVEY_PAGE_PATH}/:token`,
      {
        config,
        preHandler: limited,
        schema: {
          summary: "The survey page's form post (public, HTML)",
          description:
            'Stores the answer as `POST /csat/public/submit/{token}` does and answers a thank-you page; an ' +
            'answer that cannot be stored (no score, a score off the scale, a malformed e-mail) brings the ' +
            `form back with the reason, 422. ${LINK_ANSWERS} ${PAGE_NOTE}`,
          tags,
          params: TokenParams,
          consumes: ['application/x-www-form-urlencoded'],
          produces: ['text/html'],
          body: SurveyFormBody,
          response: { 200: htmlResponse('The thank-you page'), ...PAGE_ERRORS },
        },
      },
      async (request, reply) => {
        const { token } = request.params;
        const info = await survey.info(token);
        const form = request.body ?? {};
        const read = readSurveyForm(info, form);
        if ('error' in read) {
          if (!wantsHtml(request)) throw validationFailed([{ path: read.path, message: read.error }]);
          return sendPage(reply, 422, surveyFormPage(info, form, read.error));
        }
        await survey.submit(token, read.body, auditSourceOf(request));
        return sendPage(reply, 200, thankYouPage(info.tenant_name));
      },
    );
  });
}
