import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { IdParams, ListEnvelope } from '../http/schemas.js';
import { callContext, type CallContext } from './context.js';

type Permission = string | string[];
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * The standard routes of a resource: `GET /path` (list, envelope), `POST /path` (201),
 * `GET /path/:id`, `PUT /path/:id`, `DELETE /path/:id` (204). Each is optional: give its schema
 * and the service method. Permissions default to `<permission>:read` / `<permission>:write`.
 */
export interface CrudRoutesSpec<C = CallContext> {
  path: string;
  tag: string;
  /** snake_case plural: the envelope key and the list summary. */
  listKey: string;
  singular: string;
  /** `<resource>` of `<resource>:read` / `:write`, or explicit permissions. */
  permission: string | { read: Permission; write: Permission };
  item: TSchema;
  list?: { query: TSchema; summary?: string; item?: TSchema; permission?: Permission };
  create?: { body: TSchema; summary?: string; response?: TSchema; permission?: Permission };
  read?: { summary?: string; response?: TSchema; permission?: Permission };
  update?: { body: TSchema; summary?: string; method?: 'put' | 'patch'; permission?: Permission };
  delete?: { summary?: string; permission?: Permission };
  /**
   * What the handlers get as their caller (default `callContext`, which needs a tenant). Routes a
   * super administrator calls outside any tenant (tenant management, `/audit/all`) give their own.
   */
  context?: (request: FastifyRequest) => C;
}

/** The service side: each method takes the call context first. */
export interface CrudHandlers<C = CallContext> {
  list?(ctx: C, query: never): Promise<unknown>;
  get?(ctx: C, id: string): Promise<unknown>;
  create?(ctx: C, body: never): Promise<unknown>;
  update?(ctx: C, id: string, body: never): Promise<unknown>;
  remove?(ctx: C, id: string): Promise<unknown>;
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;

export function crudRoutes<C = CallContext>(
  app: FastifyInstance,
  spec: CrudRoutesSpec<C>,
  handlers: CrudHandlers<NoInfer<C>>,
): void {
  const tags = [spec.tag];
  const callerOf = spec.context ?? callContext;
  const perms =
    typeof spec.permission === 'string'
      ? { read: `${spec.permission}:read`, write: `${spec.permission}:write` }
      : spec.permission;
  const call = (name: keyof CrudHandlers<C>) => {
    const fn = handlers[name] as AnyFn | undefined;
    if (!fn) throw new Error(`crudRoutes ${spec.path}: no ${name} handler`);
    return fn;
  };
  const byId = `${spec.path}/:id`;
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  if (spec.list) {
    const list = call('list');
    app.get(
      spec.path,
      {
        config: { permission: spec.list.permission ?? perms.read },
        schema: {
          summary: spec.list.summary ?? `List ${spec.listKey.replace(/_/g, ' ')}`,
          tags,
          querystring: spec.list.query,
          response: { 200: ListEnvelope(spec.listKey, spec.list.item ?? spec.item) },
        },
      },
      async (request) => list(callerOf(request), request.query),
    );
  }
  if (spec.create) {
    const create = call('create');
    app.post(
      spec.path,
      {
        config: { permission: spec.create.permission ?? perms.write },
        schema: {
          summary: spec.create.summary ?? `Create a ${spec.singular}`,
          tags,
          body: spec.create.body,
          response: { 201: spec.create.response ?? spec.item },
        },
      },
      async (request, reply) => reply.code(201).send(await create(callerOf(request), request.body)),
    );
  }
  if (spec.read) {
    const get = call('get');
    app.get(
      byId,
      {
        config: { permission: spec.read.permission ?? perms.read },
        schema: {
          summary: spec.read.summary ?? `Read a ${spec.singular}`,
          tags,
          params: IdParams,
          response: { 200: spec.read.response ?? spec.item },
        },
      },
      async (request) => get(callerOf(request), id(request)),
    );
  }
  if (spec.update) {
    const update = call('update');
    app[spec.update.method ?? 'put'](
      byId,
      {
        config: { permission: spec.update.permission ?? perms.write },
        schema: {
          summary: spec.update.summary ?? `Update a ${spec.singular}`,
          tags,
          params: IdParams,
          body: spec.update.body,
          response: { 200: spec.item },
        },
      },
      async (request) => update(callerOf(request), id(request), request.body),
    );
  }
  if (spec.delete) {
    const remove = call('remove');
    app.delete(
      byId,
      {
        config: { permission: spec.delete.permission ?? perms.write },
        schema: {
          summary: spec.delete.summary ?? `Delete a ${spec.singular}`,
          tags,
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await remove(callerOf(request), id(request));
        return reply.code(204).send();
      },
    );
  }
}

/**
 * One more route of a resource, usually an action on one record (`POST /visits/:id/cancel`): the
 * handler gets the call context, the path id (if any), the body, the query and every path
 * parameter (for paths with more than `:id`). `status` 204 sends no body.
 */
/** The declaration of one extra route of a resource (see `resourceAction`). */
export interface ActionRoute<C = CallContext> {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  /** Longer text for the OpenAPI operation: rules a client must know beyond the schemas. */
  description?: string;
  permission: Permission;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  response?: TSchema;
  status?: 200 | 201 | 202 | 204;
  /** The caller the handler gets (default `callContext`); see `CrudRoutesSpec.context`. */
  context?: (request: FastifyRequest) => C;
}

export type ActionHandler<C = CallContext> = (
  ctx: NoInfer<C>,
  id: string,
  body: never,
  query: never,
  params: Record<string, string>,
) => Promise<unknown>;

export function resourceAction<C = CallContext>(
  app: FastifyInstance,
  route: ActionRoute<C>,
  handler: ActionHandler<C>,
): void {
  const status = route.status ?? 200;
  const params = route.params ?? (route.path.includes(':id') ? IdParams : undefined);
  app[route.method](
    route.path,
    {
      config: { permission: route.permission },
      schema: {
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        ...(params ? { params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
        response: { [status]: status === 204 ? Type.Null() : (route.response ?? Type.Null()) },
      },
    },
    async (request, reply) => {
      const result = await handler(
        (route.context ?? callContext)(request) as C,
        (request.params as { id?: string }).id ?? '',
        request.body as never,
        request.query as never,
        request.params as Record<string, string>,
      );
      return status === 204 ? reply.code(204).send() : reply.code(status).send(result);
    },
  );
}

/** `resourceAction` bound to one app and OpenAPI tag, so a module's routes read as a list. */
export function actionsOf(app: FastifyInstance, tag: string) {
  return (route: Omit<ActionRoute, 'tag'>, handler: ActionHandler): void =>
    resourceAction(app, { ...route, tag }, handler);
}
