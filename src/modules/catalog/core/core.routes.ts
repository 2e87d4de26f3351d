import type { FastifyInstance } from 'fastify';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { CustomersService } from './customers.service.js';
import type { OutletsService } from './outlets.service.js';
import {
  AccountManagerCounts,
  CreateCustomerBody,
  CreateOutletBody,
  CreateWarehouseBody,
  Customer,
  CustomerListQuery,
  IndustryCounts,
  Outlet,
  OutletListQuery,
  UpdateCustomerBody,
  UpdateOutletBody,
  UpdateWarehouseBody,
  Warehouse,
  WarehouseListQuery,
} from './core.schemas.js';
import type { WarehousesService } from './warehouses.service.js';

export function customerRoutes(app: FastifyInstance, customers: CustomersService): void {
  const tags = ['customers'];
  app.get(
    '/customers/industries',
    {
      config: { permission: 'customers:read' },
      schema: {
        summary: 'Industries of active (not archived) customers, with counts',
        tags,
        response: { 200: IndustryCounts },
      },
    },
    async (request) => customers.industries(callContext(request)),
  );
  app.get(
    '/customers/account-managers',
    {
      config: { permission: 'customers:read' },
      schema: {
        summary: 'Users owning not archived customers, with counts',
        tags,
        response: { 200: AccountManagerCounts },
      },
    },
    async (request) => customers.accountManagers(callContext(request)),
  );
  crudRoutes(
    app,
    {
      path: '/customers',
      listKey: 'customers',
      singular: 'customer',
      tag: 'customers',
      permission: 'customers',
      item: Customer,
      list: { query: CustomerListQuery },
      create: { body: CreateCustomerBody },
      read: {},
      update: { body: UpdateCustomerBody },
      delete: { summary: 'Churn and archive a customer (never a hard delete)' },
    },
    { ...customers, remove: customers.archive },
  );
  resourceAction(
    app,
    {
      method: 'post',
      path: '/customers/:id/restore',
      tag: 'customers',
      summary: 'Restore an archived customer (status active)',
      permission: 'customers:write',
      response: Customer,
    },
    (ctx, id) => customers.restore(ctx, id),
  );
}

export function outletRoutes(app: FastifyInstance, outlets: OutletsService): void {
  crudRoutes(
    app,
    {
      path: '/outlets',
      listKey: 'outlets',
      singular: 'outlet',
      tag: 'outlets',
      permission: 'outlets',
      item: Outlet,
      list: { query: OutletListQuery },
      create: { body: CreateOutletBody },
      read: {},
      update: { body: UpdateOutletBody },
      delete: { summary: 'Archive an outlet' },
    },
    { ...outlets, remove: outlets.archive },
  );
}

export function warehouseRoutes(app: FastifyInstance, warehouses: WarehousesService): void {
  crudRoutes(
    app,
    {
      path: '/warehouses',
      listKey: 'warehouses',
      singular: 'warehouse',
      tag: 'warehouses',
      permission: 'warehouses',
      item: Warehouse,
      list: { query: WarehouseListQuery },
      create: { body: CreateWarehouseBody },
      read: {},
      update: { body: UpdateWarehouseBody },
      delete: { summary: 'Archive a warehouse' },
    },
    { ...warehouses, remove: warehouses.archive },
  );
}
