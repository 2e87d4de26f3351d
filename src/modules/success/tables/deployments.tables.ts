import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { customers } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

export const DEPLOYMENT_ENVIRONMENTS = ['cloud', 'on_premise', 'hybrid'] as const;
export type DeploymentEnvironment = (typeof DEPLOYMENT_ENVIRONMENTS)[number];

/**
 * A product a customer runs: the product is a free name per tenant (not a catalog product: what a
 * customer-success team tracks is a deployed system, its version and licence). Deleting one through
 * the API deactivates it; inactive deployments do not count towards adoption.
 */
export const deployments = pgTable(
  'deployments',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    productName: text('product_name').notNull(),
    deploymentDate: date('deployment_date', { mode: 'string' }),
    version: text('version'),
    environment: text('environment', { enum: DEPLOYMENT_ENVIRONMENTS }).notNull().default('cloud'),
    licenceType: text('licence_type'),
    licenceExpiry: date('licence_expiry', { mode: 'string' }),
    isActive: boolean('is_active').notNull().default(true),
    notes: text('notes'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    check('deployments_environment_check', sql`${t.environment} in ('cloud', 'on_premise', 'hybrid')`),
    check('deployments_product_name_check', sql`length(${t.productName}) between 1 and 200`),
    index('deployments_tenant_customer_idx').on(t.tenantId, t.customerId),
    index('deployments_tenant_product_idx').on(t.tenantId, t.productName),
    index('deployments_tenant_licence_expiry_idx')
      .on(t.tenantId, t.licenceExpiry)
      .where(sql`${t.isActive} and ${t.licenceExpiry} is not null`),
  ],
);
appAccess(deployments, READ_WRITE);
