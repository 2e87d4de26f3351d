import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import {
  AttributionSource,
  Campaign,
  CampaignActionBody,
  CampaignListQuery,
  CreateCampaignBody,
  CreateSourceBody,
  SourceListQuery,
  UpdateCampaignBody,
  UpdateSourceBody,
} from './campaigns.schemas.js';
import type { CampaignsService } from './campaigns.service.js';
import type { SourcesService } from './sources.service.js';

export function campaignRoutes(
  app: FastifyInstance,
  campaigns: CampaignsService,
  sources: SourcesService,
): void {
  crudRoutes(
    app,
    {
      path: '/campaigns',
      tag: 'campaigns',
      listKey: 'campaigns',
      singular: 'campaign',
      permission: 'campaigns',
      item: Campaign,
      list: { query: CampaignListQuery, summary: 'List campaigns (status filter: the effective status)' },
      create: {
        body: CreateCampaignBody,
        summary: 'Create a campaign (planned; currency defaults to the tenant’s)',
      },
      read: {},
      update: {
        body: UpdateCampaignBody,
        summary: 'Change a campaign (product_ids / outlet_ids replace the lists)',
      },
      delete: { summary: 'Delete a campaign no lead names (409 CAMPAIGN_IN_USE otherwise)' },
    },
    campaigns,
  );
  const action = {
    tag: 'campaigns',
    method: 'post',
    permission: 'campaigns:write',
    response: Campaign,
  } as const;
  resourceAction(
    app,
    {
      ...action,
      path: '/campaigns/:id/activate',
      summary: 'Activate a planned campaign (409 INVALID_CAMPAIGN_TRANSITION otherwise)',
      body: CampaignActionBody,
    },
    (ctx, id, body) => campaigns.activate(ctx, id, body),
  );
  resourceAction(
    app,
    {
      ...action,
      path: '/campaigns/:id/end',
      summary: 'End a planned or active campaign (409 INVALID_CAMPAIGN_TRANSITION otherwise)',
      body: CampaignActionBody,
    },
    (ctx, id, body) => campaigns.end(ctx, id, body),
  );

  crudRoutes(
    app,
    {
      path: '/attribution-sources',
      tag: 'campaigns',
      listKey: 'attribution_sources',
      singular: 'attribution source',
      permission: 'attribution_sources',
      item: AttributionSource,
      list: { query: SourceListQuery },
      create: { body: CreateSourceBody },
      read: {},
      update: { body: UpdateSourceBody },
      delete: { summary: 'Delete an attribution source no lead names (409 SOURCE_IN_USE otherwise)' },
    },
    sources,
  );
}
