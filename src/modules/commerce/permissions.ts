import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Sales reps write their own customers' documents; managers those in their data scope. */
const SELLERS = ['agent', ...MANAGERS] as const;
const ADMINS = ['admin'] as const;

/**
 * Stock is tenant-wide (every signed-in role reads it); documents and the analytics built on them
 * are scoped by the document's responsible manager (`owner_id`). Integrations, sync jobs and the
 * commerce settings are the specification's admin panel.
 */
export const COMMERCE_PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'inventory:read',
    description: 'Read stock levels, warehouses, movements and thresholds',
    roles: EVERYONE,
  },
  {
    name: 'inventory:write',
    description: 'Set minimum-stock thresholds and adjust stock by hand (tenants without an ERP)',
    roles: ['regional_manager', 'national_manager', 'admin'],
  },
  {
    name: 'documents:read',
    description: 'List and read sales and purchase documents within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'documents:write',
    description: 'Create and change local sales and purchase documents within the data scope',
    roles: SELLERS,
  },
  {
    name: 'commerce_analytics:read',
    description:
      'Read the commerce dashboard, sales, inventory, customer and ABC/XYZ analytics within the data scope',
    roles: EVERYONE,
  },
  { name: 'commerce:settings', description: 'Change the commerce settings', roles: ADMINS },
  {
    name: 'integrations:manage',
    description: 'Create, change, test and delete ERP integrations; start, follow and cancel sync jobs',
    roles: ADMINS,
  },
];
