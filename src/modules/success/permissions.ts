import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Account managers (agents) work their own customers; managers those in their data scope. */
const ACCOUNT_WORKERS = ['agent', ...MANAGERS] as const;
const ADMINS = ['admin'] as const;

/**
 * The specification's "All" routes are `*:read` (and logging interactions or CSAT responses, which
 * account managers do); its "Manager+" routes need a manager's permission.
 */
export const SUCCESS_PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'deployments:read',
    description: 'List and read product deployments within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'deployments:write',
    description: 'Create, change and deactivate product deployments within the data scope',
    roles: MANAGERS,
  },
  {
    name: 'interactions:read',
    description: 'List and read customer interactions and follow-ups within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'interactions:write',
    description: 'Log and change customer interactions within the data scope',
    roles: ACCOUNT_WORKERS,
  },
  {
    name: 'interactions:delete',
    description: 'Delete customer interactions within the data scope',
    roles: MANAGERS,
  },
  {
    name: 'health:read',
    description: 'Read health scores, their history, trends and distribution within the data scope',
    roles: EVERYONE,
  },
  { name: 'health:calculate', description: 'Calculate health scores (one customer or all)', roles: MANAGERS },
  { name: 'health:settings', description: 'Change the health score weights', roles: ADMINS },
  {
    name: 'csat:read',
    description: 'List and read CSAT/NPS responses and analytics within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'csat:submit',
    description: "Record a CSAT/NPS response on a customer's behalf within the data scope",
    roles: ACCOUNT_WORKERS,
  },
  {
    name: 'csat:links',
    description: 'Create survey links for customers within the data scope',
    roles: MANAGERS,
  },
  {
    name: 'success_dashboard:read',
    description: 'Read the customer-success dashboard within the data scope',
    roles: EVERYONE,
  },
];
