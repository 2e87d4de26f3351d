import type { FastifyInstance } from 'fastify';
import { actionsOf, crudRoutes } from '../../../platform/resource/index.js';
import {
  ConnectionTest,
  CreateIntegrationBody,
  Integration,
  IntegrationListQuery,
  TestConnectionBody,
  UpdateIntegrationBody,
} from './integrations.schemas.js';
import type { IntegrationsService } from './integrations.service.js';

const tag = 'integrations';
const permission = 'integrations:manage';

const SECRETS_NOTE =
  'Credentials are sealed (AES-256-GCM) and never returned: an integration shows `has_credentials`, ' +
  '`auth_type` and at most a masked login. `webhook_url` holds the secret token MoySklad posts to.';

export function integrationRoutes(app: FastifyInstance, service: IntegrationsService): void {
  const action = actionsOf(app, tag);

  // Before the CRUD routes so "test" is never read as an id.
  action(
    {
      method: 'post',
      path: '/admin/integrations/test',
      summary: 'Test credentials before saving them (nothing is stored)',
      description:
        'Calls the ERP with the given address and credentials. Wrong credentials, an unreachable host or a timeout ' +
        'answer 200 with `ok: false` and a `code` (`credentials_rejected`, `forbidden`, `unreachable`, `bad_response`, ' +
        '`rate_limited`); a non-http(s) `base_url` is 422.',
      permission,
      body: TestConnectionBody,
      response: ConnectionTest,
    },
    (ctx, _id, body) => service.testUnsaved(ctx, body),
  );
  crudRoutes(
    app,
    {
      path: '/admin/integrations',
      tag,
      listKey: 'integrations',
      singular: 'integration',
      permission: { read: permission, write: permission },
      item: Integration,
      list: { query: IntegrationListQuery, summary: `List ERP integrations. ${SECRETS_NOTE}` },
      create: {
        body: CreateIntegrationBody,
        summary:
          'Create an ERP integration (MoySklad: base_url defaults to https://api.moysklad.ru/api/remap/1.2, ' +
          'entities to all, sync_interval_minutes to MOYSKLAD_SYNC_INTERVAL_MINUTES)',
      },
      read: { summary: `Read an ERP integration. ${SECRETS_NOTE}` },
      update: {
        body: UpdateIntegrationBody,
        summary:
          'Change an integration (partial); `auth` replaces the credentials (status back to unknown), left out they stay',
      },
      delete: {
        summary:
          'Delete an integration with its watermarks, sync jobs and webhook receipts (409 INTEGRATION_SYNC_RUNNING while a sync is queued or running)',
      },
    },
    service,
  );
  action(
    {
      method: 'post',
      path: '/admin/integrations/:id/test',
      summary: 'Test the stored connection and record the outcome',
      description:
        'Success records `credentials_status: ok` and the `account_id` webhooks must carry; refused credentials ' +
        'record `rejected` and raise the `integration_credentials_rejected` alert. Every failure answers 200 with ' +
        '`ok: false` and a `code`, never an error.',
      permission,
      response: ConnectionTest,
    },
    (ctx, id) => service.test(ctx, id),
  );
  action(
    {
      method: 'post',
      path: '/admin/integrations/:id/webhooks',
      summary: "Register the integration's webhooks in the ERP (idempotent)",
      description:
        "Registers CREATE/UPDATE/DELETE webhooks of the integration's entities pointing at `webhook_url` and records " +
        '`webhooks_registered_at`. The ERP must reach PUBLIC_URL. Refused credentials: 409 ' +
        '`INTEGRATION_CREDENTIALS_REJECTED`; an unreachable ERP 502 `INTEGRATION_UNREACHABLE`; another refusal 502 ' +
        '`INTEGRATION_PROVIDER_ERROR` (`provider_code` says why).',
      permission,
      response: Integration,
    },
    (ctx, id) => service.registerWebhooks(ctx, id),
  );
}
