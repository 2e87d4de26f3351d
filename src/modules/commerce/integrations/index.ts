import type { CommercePart } from '../part.js';
import { installIntegrationKeys } from './credentials.js';

/**
 * Integrations: the admin routes (CRUD, connection tests, webhook registration), sealed
 * credentials with rotating keys, the provider registry and the public webhook receiver.
 */
export const integrationsPart: CommercePart = {
  routes(_app, platform) {
    installIntegrationKeys(platform.config);
  },
  registerJobs(platform) {
    installIntegrationKeys(platform.config);
  },
};

export { connectionOf, loadConnection, type IntegrationRow } from './connection.js';
export { open, seal, type Sealed } from './credentials.js';
export { providerNamed, providerNames } from './providers.js';
