import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;
/** Agents act on their own visits; managers on those of the agents in their data scope. */
const FIELD_WORKERS = ['agent', ...MANAGERS] as const;

export const FIELD_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'surveys:read', description: 'List and read surveys and their questions', roles: EVERYONE },
  {
    name: 'surveys:write',
    description: 'Create, change, reorder and delete surveys and questions',
    roles: ['admin', 'national_manager'],
  },
  { name: 'visits:read', description: 'List and read visits within the data scope', roles: EVERYONE },
  {
    name: 'visits:write',
    description: 'Create, check in, complete and cancel visits within the data scope',
    roles: FIELD_WORKERS,
  },
  {
    name: 'photos:read',
    description: 'List, read and download visit photos and shelf marks within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'photos:write',
    description: 'Upload visit photos and mark shelf quadrants within the data scope',
    roles: FIELD_WORKERS,
  },
  {
    name: 'analytics:read',
    description: 'Field analytics (overview, visit series, shelf share, coverage) within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'survey_reports:read',
    description: 'Admin report of survey completion rates',
    roles: ['admin', 'national_manager'],
  },
];

/**
 * Goals and call cycles: everyone reads what their data scope covers; managers set goals and plan
 * cycles for the people they manage; agents report progress on their own `manual` goals.
 */
export const GOAL_AND_CYCLE_PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'goals:read',
    description: 'List and read goals and their progress within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'goals:write',
    description: 'Create, change, assign and delete goals for users and teams within the data scope',
    roles: MANAGERS,
  },
  {
    name: 'goals:report',
    description: 'Report progress on manual goals for assignees within the data scope',
    roles: FIELD_WORKERS,
  },
  {
    name: 'call_cycles:read',
    description: 'List and read call cycles and their adherence within the data scope',
    roles: EVERYONE,
  },
  {
    name: 'call_cycles:write',
    description: 'Plan call cycles and their outlets for agents within the data scope',
    roles: MANAGERS,
  },
];
