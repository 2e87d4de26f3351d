import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { createCsatAnalytics } from './csat-analytics.js';
import {
  AnalyticsQuery,
  CreateCsatBody,
  CreateSurveyLinkBody,
  CsatAnalytics,
  CsatListQuery,
  CsatResponse,
  CsatSummary,
  SurveyLink,
} from './csat.schemas.js';
import type { createCsatService } from './csat.service.js';
import type { createSurveyLinksService } from './survey-links.service.js';

const tag = 'csat';

export function csatRoutes(
  app: FastifyInstance,
  services: {
    responses: ReturnType<typeof createCsatService>;
    analytics: ReturnType<typeof createCsatAnalytics>;
    links: ReturnType<typeof createSurveyLinksService>;
  },
): void {
  const { responses, analytics, links } = services;
  crudRoutes(
    app,
    {
      path: '/csat',
      tag,
      listKey: 'responses',
      singular: 'CSAT response',
      permission: { read: 'csat:read', write: 'csat:submit' },
      item: CsatResponse,
      list: {
        query: CsatListQuery,
        summary: 'List CSAT/NPS responses in the data scope (periods in the tenant time zone)',
      },
      create: {
        body: CreateCsatBody,
        summary:
          "Record a response on a customer's behalf (score 1–5, or 0–10 for nps; CSAT ≤ 2 or NPS ≤ 6 raises a low_csat alert)",
      },
      read: { summary: 'Read a CSAT/NPS response' },
    },
    responses,
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/csat/customer/:id/summary',
      tag,
      summary: "A customer's CSAT summary: counts, average CSAT, NPS, by type, the newest responses",
      permission: 'csat:read',
      response: CsatSummary,
    },
    (ctx, id) => responses.summary(ctx, id),
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/csat/analytics',
      tag,
      summary: 'CSAT and NPS over a period in the data scope: averages, NPS, counts by type, monthly trends',
      description:
        'NPS = (promoters 9–10 − detractors 0–6) ÷ NPS responses × 100, rounded half away from zero. ' +
        'The CSAT average covers post_ticket, quarterly and onboarding responses (1–5). Months and days are ' +
        "the tenant's time zone; the default period is the twelve months up to today.",
      permission: 'csat:read',
      query: AnalyticsQuery,
      response: CsatAnalytics,
    },
    (ctx, _id, _body, query: AnalyticsQuery) => analytics.analytics(ctx, query),
  );
  resourceAction(
    app,
    {
      method: 'post',
      path: '/csat/survey-link',
      tag,
      summary: 'Create a signed, single-use survey link for a customer (default 7 days)',
      description:
        "The token names the tenant, the link and its expiry and is signed with the server's secret; it " +
        'is returned once and never stored. `url` opens the public survey page.',
      permission: 'csat:links',
      body: CreateSurveyLinkBody,
      response: SurveyLink,
      status: 201,
    },
    (ctx, _id, body: CreateSurveyLinkBody) => links.create(ctx, body),
  );
}
