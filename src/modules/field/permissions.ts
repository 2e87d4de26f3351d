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
];
