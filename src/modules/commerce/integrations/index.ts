import { pointDemoIntegrationAtFake, stopDemoFakeMoysklad } from '../demo/fake-moysklad.js';
import type { CommercePart } from '../part.js';
import { installIntegrationKeys } from './credentials.js';
import { rejectedCredentialsCheck } from './credentials-alert.js';
import { integrationRoutes } from './integrations.routes.js';
import { createIntegrationsService } from './integrations.service.js';
import { webhookRoutes } from './webhooks.routes.js';
import { createWebhooksService } from './webhooks.service.js';

/**
 * Integrations: the admin routes (CRUD, connection tests, webhook registration), sealed
 * credentials with rotating keys, the provider registry and the public webhook receiver.
 */
export const integrationsPart: CommercePart = {
  routes(app, platform) {
    installIntegrationKeys(platform.config);
    const { db, mailer, realtime, config, system, jobs } = platform;
    integrationRoutes(app, createIntegrationsService({ db, mailer, realtime, config }));
    webhookRoutes(app, createWebhooksService({ db, system, jobs }));
  },
  registerJobs(platform) {
    installIntegrationKeys(platform.config);
  },
  alertChecks: [rejectedCredentialsCheck],
  // Demo data only: the demo tenant's integration follows the in-process fake MoySklad's port.
  onStart: pointDemoIntegrationAtFake,
  onStop: stopDemoFakeMoysklad,
};

export { connectionOf, loadConnection, type IntegrationRow } from './connection.js';
export { markCredentials } from './credentials-alert.js';
export { open, seal, type Sealed } from './credentials.js';
export { providerNamed, providerNames } from './providers.js';
export { webhookReceivedJob, type WebhookJobData } from './webhook-job.js';
