import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
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
} from './schemas.js';
import type { WarehousesService } from './warehouses.service.js';

type Id = { id: string };

/** The list/create/read/update/archive quintet every core resource has. */
interface CrudService<T, L, C, U> {
  list(ctx: ReturnType<typeof callContext>, query: L): Promise<unknown>;
  get(ctx: ReturnType<typeof callContext>, id: string): Promise<T>;
  create(ctx: ReturnType<typeof callContext>, body: C): Promise<T>;
  update(ctx: ReturnType<typeof callContext>, id: string, body: U): Promise<T>;
  archive(ctx: ReturnType<typeof callContext>, id: string): Promise<void>;
}

function crudRoutes<T, L, C, U>(
  app: FastifyInstance,
  spec: {
    path: string;
    listKey: string;
    singular: string;
    tag: string;
    permission: string;
    item: TSchema;
    listQuery: TSchema;
    createBody: TSchema;
    updateBody: TSchema;
    deleteSummary: string;
  },
  service: CrudService<T, L, C, U>,
): void {
  const tags = [spec.tag];
  const read = `${spec.permission}:read`;
  const write = `${spec.permission}:write`;

  app.get<{ Querystring: L }>(
    spec.path,
    {
      config: { permission: read },
      schema: {
        summary: `List ${spec.listKey}`,
        tags,
        querystring: spec.listQuery,
        response: { 200: ListEnvelope(spec.listKey, spec.item) },
      },
    },
    async (request) => service.list(callContext(request), request.query as L),
  );

  app.post<{ Body: C }>(
    spec.path,
    {
      config: { permission: write },
      schema: {
        summary: `Create a ${spec.singular}`,
        tags,
        body: spec.createBody,
        response: { 201: spec.item },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(callContext(request), request.body as C)),
  );

  app.get<{ Params: Id }>(
    `${spec.path}/:id`,
    {
      config: { permission: read },
      schema: { summary: `Read a ${spec.singular}`, tags, params: IdParams, response: { 200: spec.item } },
    },
    async (request) => service.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: U }>(
    `${spec.path}/:id`,
    {
      config: { permission: write },
      schema: {
        summary: `Update a ${spec.singular}`,
        tags,
        params: IdParams,
        body: spec.updateBody,
        response: { 200: spec.item },
      },
    },
    async (request) => service.update(callContext(request), request.params.id, request.body as U),
  );

  app.delete<{ Params: Id }>(
    `${spec.path}/:id`,
    {
      config: { permission: write },
      schema: { summary: spec.deleteSummary, tags, params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await service.archive(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

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
      listQuery: CustomerListQuery,
      createBody: CreateCustomerBody,
      updateBody: UpdateCustomerBody,
      deleteSummary: 'Churn and archive a customer (never a hard delete)',
    },
    customers,
  );
  app.post<{ Params: Id }>(
    '/customers/:id/restore',
    {
      config: { permission: 'customers:write' },
      schema: {
        summary: 'Restore an archived customer (status active)',
        tags,
        params: IdParams,
        response: { 200: Customer },
      },
    },
    async (request) => customers.restore(callContext(request), request.params.id),
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
      listQuery: OutletListQuery,
      createBody: CreateOutletBody,
      updateBody: UpdateOutletBody,
      deleteSummary: 'Archive an outlet',
    },
    outlets,
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
      listQuery: WarehouseListQuery,
      createBody: CreateWarehouseBody,
      updateBody: UpdateWarehouseBody,
      deleteSummary: 'Archive a warehouse',
    },
    warehouses,
  );
}
