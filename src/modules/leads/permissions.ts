import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Agents capture and work their own leads; managers those of the agents in their data scope. */
const LEAD_WORKERS = ['agent', ...MANAGERS] as const;
const PLANNERS = ['national_manager', 'admin'] as const;

export const LEADS_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'campaigns:read', description: 'List and read campaigns', roles: EVERYONE },
  {
    name: 'campaigns:write',
    description: 'Create, change, activate, end and delete campaigns',
    roles: PLANNERS,
  },
  { name: 'attribution_sources:read', description: 'List and read attribution sources', roles: EVERYONE },
  {
    name: 'attribution_sources:write',
    description: 'Create, change and delete attribution sources',
    roles: PLANNERS,
  },
  {
    name: 'leads:read',
    description: 'List and read leads, their history, interactions and follow-ups within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'leads:write',
    description: 'Capture leads, change their status and record interactions within the data scope',
    roles: LEAD_WORKERS,
  },
  {
    name: 'leads:merge',
    description: 'Merge a duplicate lead into its master within the data scope',
    roles: MANAGERS,
  },
];
