import type { FastifyInstance } from 'fastify';
import type { PermissionDefinition, Platform } from '../../../platform/module.js';
import { createCustomersService } from './customers.service.js';
import { createOutletsService } from './outlets.service.js';
import { customerRoutes, outletRoutes, warehouseRoutes } from './core.routes.js';
import { createWarehousesService } from './warehouses.service.js';

const EVERYONE = [
  'agent',
  'viewer',
  'team_leader',
  'area_manager',
  'regional_manager',
  'national_manager',
  'admin',
] as const;
const MASTER_DATA_EDITORS = ['admin', 'national_manager', 'regional_manager', 'area_manager'] as const;

/** Customers, outlets, warehouses and external references. */
export const CORE_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'customers:read', description: 'List and read customers', roles: EVERYONE },
  {
    name: 'customers:write',
    description: 'Create, update, churn/archive and restore customers',
    roles: MASTER_DATA_EDITORS,
  },
  { name: 'outlets:read', description: 'List, search near a point and read outlets', roles: EVERYONE },
  { name: 'outlets:write', description: 'Create, update and archive outlets', roles: MASTER_DATA_EDITORS },
  { name: 'warehouses:read', description: 'List and read warehouses', roles: EVERYONE },
  { name: 'warehouses:write', description: 'Create, update and archive warehouses', roles: ['admin'] },
];

export async function coreRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const deps = { db: platform.db };
  customerRoutes(app, createCustomersService(deps));
  outletRoutes(app, createOutletsService({ ...deps, geocoding: platform }));
  warehouseRoutes(app, createWarehousesService(deps));
}

export {
  externalRefsOf,
  findByExternalRef,
  linkExternalRef,
  type ExternalEntityType,
  type ExternalRefLink,
} from './external-refs.js';
export { customers, externalRefs, outlets, warehouses } from '../tables/core.tables.js';
