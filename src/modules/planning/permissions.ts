import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Reps (agents) forecast their own customers × products; managers those in their data scope. */
const FORECASTERS = ['agent', ...MANAGERS] as const;
const ADMINS = ['admin'] as const;

/**
 * The specification's "Admin only" routes (cycles, settings changes, imports) need an admin's
 * permission; reading is open to every signed-in role within its data scope.
 */
export const PLANNING_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'planning:read', description: 'Read the planning settings', roles: EVERYONE },
  { name: 'planning:settings', description: 'Change the planning settings', roles: ADMINS },
  {
    name: 'sales_history:read',
    description: 'List, summarise and export sales history within the data scope',
    roles: EVERYONE,
  },
  { name: 'sales_history:import', description: 'Import sales history from CSV/XLSX', roles: ADMINS },
  {
    name: 'matrix:read',
    description: 'List, read and export the customer–product matrix within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'matrix:write',
    description: 'Create, change, delete and import customer–product matrix rows',
    roles: ADMINS,
  },
  {
    name: 'sop_cycles:read',
    description: 'List and read S&OP cycles, the active one and stats',
    roles: EVERYONE,
  },
  { name: 'sop_cycles:write', description: 'Create, change and delete draft S&OP cycles', roles: ADMINS },
  {
    name: 'sop_cycles:manage',
    description: 'Open and close S&OP cycles and notify reps who have not submitted',
    roles: ADMINS,
  },
  { name: 'forecasts:read', description: 'List and read forecasts within the data scope', roles: EVERYONE },
  { name: 'forecasts:write', description: 'Save, change and submit own forecasts', roles: FORECASTERS },
  { name: 'forecasts:approve', description: 'Approve or reject submitted forecasts', roles: ADMINS },
];
