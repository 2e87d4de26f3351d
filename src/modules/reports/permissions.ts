import type { PermissionDefinition } from '../../platform/module.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;

/** Everyone reads and generates reports over their own data scope; managers schedule them. */
export const REPORT_PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'reports:read',
    description: 'List report types, generated reports and schedules within the data scope; download',
    roles: EVERYONE,
  },
  { name: 'reports:generate', description: 'Generate reports over the data scope', roles: EVERYONE },
  {
    name: 'reports:schedule',
    description: 'Create, change, pause and delete scheduled reports',
    roles: MANAGERS,
  },
  { name: 'reports:run', description: 'Run the due scheduled reports now', roles: MANAGERS },
];
