import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Agents capture and work their own leads; managers those of the agents in their data scope. */
const LEAD_WORKERS = ['agent', ...MANAGERS] as const;
const PLANNERS = ['national_manager', 'admin'] as const;
const ADMINS = ['admin'] as const;

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
  {
    name: 'leads:import',
    description: 'Import leads from files (tenant-wide: rows name any agent in the importer’s scope)',
    roles: PLANNERS,
  },
  {
    name: 'conversions:read',
    description: 'List and read conversions (sales) within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'conversions:write',
    description: 'Record and correct conversions of leads within the data scope',
    roles: LEAD_WORKERS,
  },
  {
    name: 'conversions:import',
    description: 'Import external sales (tenant-wide: rows convert any matching lead) and read their runs',
    roles: PLANNERS,
  },
  {
    name: 'ledger:read',
    description: 'Read ledger entries and totals within the data scope',
    roles: ['viewer', ...MANAGERS],
  },
  {
    name: 'ledger:adjust',
    description: 'Write manual ledger adjustments (with a reason)',
    roles: ADMINS,
  },
  { name: 'bonus_rules:read', description: 'List and read bonus rule sets and rules', roles: EVERYONE },
  {
    name: 'bonus_rules:write',
    description: 'Create and change bonus rule sets and rules; preview runs',
    roles: PLANNERS,
  },
  {
    name: 'bonus_runs:read',
    description: 'List and read bonus runs and their items within the data scope; export payouts',
    roles: EVERYONE,
  },
  { name: 'bonus_runs:run', description: 'Start bonus runs for a period', roles: PLANNERS },
  { name: 'bonus_runs:approve', description: 'Approve completed bonus runs', roles: ADMINS },
  { name: 'bonus_runs:pay', description: 'Mark approved bonus runs paid', roles: ADMINS },
  {
    name: 'kpi:read',
    description: 'Read lead KPIs and the leads dashboard within the data scope',
    roles: EVERYONE,
  },
  { name: 'kpi:rebuild', description: 'Rebuild the daily lead KPIs of a date range', roles: ADMINS },
];
