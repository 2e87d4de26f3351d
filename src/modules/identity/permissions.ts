import type { DataScope } from '../../platform/http/auth.js';
import type { PermissionDefinition } from '../../platform/module.js';

/** Built-in roles of every tenant (DESIGN §3), with their level and data scope. */
export const BUILTIN_ROLES = [
  { key: 'agent', name: 'Agent', level: 10 },
  { key: 'team_leader', name: 'Team leader', level: 20 },
  { key: 'area_manager', name: 'Area manager', level: 30 },
  { key: 'regional_manager', name: 'Regional manager', level: 40 },
  { key: 'national_manager', name: 'National manager', level: 50 },
  { key: 'admin', name: 'Administrator', level: 60 },
  { key: 'viewer', name: 'Viewer', level: 5 },
] as const;

export type BuiltinRoleKey = (typeof BUILTIN_ROLES)[number]['key'];
export const SUPER_ADMIN_ROLE = 'super_admin';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const EVERYONE = ['agent', 'viewer', ...MANAGERS] as const;

/** The permissions identity's routes check. */
export const IDENTITY_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'tenant:read', description: 'Read the own tenant and its settings', roles: ['admin'] },
  { name: 'tenant:update', description: "Change the own tenant's name and settings", roles: ['admin'] },
  {
    name: 'users:read',
    description: 'List and read users within the data scope',
    roles: [...MANAGERS, 'viewer'],
  },
  { name: 'users:write', description: 'Create, update, deactivate and reactivate users', roles: ['admin'] },
  { name: 'users:assign_roles', description: 'Change the roles of users', roles: ['admin'] },
  {
    name: 'roles:read',
    description: 'List roles and the permission catalogue',
    roles: [...MANAGERS, 'viewer'],
  },
  { name: 'roles:manage', description: 'Create, change and delete custom roles', roles: ['admin'] },
  { name: 'org_units:read', description: 'Read the org tree', roles: [...EVERYONE] },
  { name: 'org_units:write', description: 'Create, move and delete org units', roles: ['admin'] },
  { name: 'teams:read', description: 'Read teams and their members', roles: [...EVERYONE] },
  {
    name: 'teams:write',
    description: 'Create and change teams and membership',
    roles: ['admin', 'national_manager'],
  },
  { name: 'audit:read', description: "Read the tenant's audit log", roles: ['admin'] },
  { name: 'admin:reports', description: 'Read admin activity reports', roles: ['admin', 'national_manager'] },
];

/** The permissions a built-in role has by default, given every module's definitions. */
export function defaultPermissions(role: string, catalogue: readonly PermissionDefinition[]): string[] {
  return catalogue
    .filter((p) => p.roles.includes(role))
    .map((p) => p.name)
    .sort();
}

/**
 * The data scope a role level grants. Custom roles get theirs from their level, so a tenant's
 * "sales director" at level 50 sees the whole tenant like a national manager.
 */
export function scopeForLevel(level: number, roleKeys: readonly string[] = []): DataScope {
  if (roleKeys.includes('viewer') || level >= 50) return 'tenant';
  if (level >= 30) return 'org_unit';
  if (level >= 20) return 'team';
  return 'own';
}
