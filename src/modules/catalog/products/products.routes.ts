import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import type { FoldersService } from './folders.service.js';
import type { ProductsService } from './products.service.js';
import {
  CreateFolderBody,
  CreatePriceTypeBody,
  CreateProductBody,
  CreateVariantBody,
  FolderListQuery,
  PriceType,
  Product,
  ProductFolder,
  ProductListQuery,
  ProductVariant,
  UpdateFolderBody,
  UpdateProductBody,
  UpdateVariantBody,
  VariantParams,
  type CreateFolderBody as CreateFolderBodyT,
  type CreatePriceTypeBody as CreatePriceTypeBodyT,
  type CreateProductBody as CreateProductBodyT,
  type CreateVariantBody as CreateVariantBodyT,
  type FolderListQuery as FolderListQueryT,
  type ProductListQuery as ProductListQueryT,
  type UpdateFolderBody as UpdateFolderBodyT,
  type UpdateProductBody as UpdateProductBodyT,
  type UpdateVariantBody as UpdateVariantBodyT,
} from './products.schemas.js';

type Id = { id: string };
type VariantId = { id: string; variant_id: string };
const NoContent = { 204: Type.Null() };

export function productApiRoutes(
  app: FastifyInstance,
  products: ProductsService,
  folders: FoldersService,
): void {
  const tags = ['products'];
  const read = { permission: 'products:read' };
  const write = { permission: 'products:write' };

  app.get<{ Querystring: ProductListQueryT }>(
    '/products',
    {
      config: read,
      schema: {
        summary: 'List products (q, folder with sub-folders, brand, archived, price range)',
        tags,
        querystring: ProductListQuery,
        response: { 200: ListEnvelope('products', Product) },
      },
    },
    async (request) => products.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateProductBodyT }>(
    '/products',
    {
      config: write,
      schema: { summary: 'Create a product', tags, body: CreateProductBody, response: { 201: Product } },
    },
    async (request, reply) => reply.code(201).send(await products.create(callContext(request), request.body)),
  );

  // Static paths first (find-my-way prefers them anyway; the :id routes only take UUIDs).
  app.get<{ Querystring: FolderListQueryT }>(
    '/products/folders',
    {
      config: read,
      schema: {
        summary: 'List product folders in path order (tree=true: nested)',
        tags,
        querystring: FolderListQuery,
        response: { 200: Type.Object({ folders: Type.Array(ProductFolder) }) },
      },
    },
    async (request) => folders.listFolders(callContext(request), request.query),
  );

  app.post<{ Body: CreateFolderBodyT }>(
    '/products/folders',
    {
      config: write,
      schema: {
        summary: 'Create a product folder',
        tags,
        body: CreateFolderBody,
        response: { 201: ProductFolder },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await folders.createFolder(callContext(request), request.body)),
  );

  app.put<{ Params: Id; Body: UpdateFolderBodyT }>(
    '/products/folders/:id',
    {
      config: write,
      schema: {
        summary: 'Rename a folder; a new parent_id moves its whole subtree',
        tags,
        params: IdParams,
        body: UpdateFolderBody,
        response: { 200: ProductFolder },
      },
    },
    async (request) => folders.updateFolder(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/products/folders/:id',
    {
      config: write,
      schema: {
        summary: 'Delete an empty folder (409 with sub-folders or products)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await folders.removeFolder(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/products/price-types',
    {
      config: read,
      schema: {
        summary: 'List price types',
        tags,
        response: { 200: Type.Object({ price_types: Type.Array(PriceType) }) },
      },
    },
    async (request) => folders.listPriceTypes(callContext(request)),
  );

  app.post<{ Body: CreatePriceTypeBodyT }>(
    '/products/price-types',
    {
      config: write,
      schema: {
        summary: 'Create a price type',
        tags,
        body: CreatePriceTypeBody,
        response: { 201: PriceType },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await folders.createPriceType(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/products/:id',
    {
      config: read,
      schema: { summary: 'Read a product', tags, params: IdParams, response: { 200: Product } },
    },
    async (request) => products.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateProductBodyT }>(
    '/products/:id',
    {
      config: write,
      schema: {
        summary: 'Update a product (prices and barcodes, when given, replace the sets)',
        tags,
        params: IdParams,
        body: UpdateProductBody,
        response: { 200: Product },
      },
    },
    async (request) => products.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/products/:id',
    { config: write, schema: { summary: 'Archive a product', tags, params: IdParams, response: NoContent } },
    async (request, reply) => {
      await products.archive(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id }>(
    '/products/:id/variants',
    {
      config: read,
      schema: {
        summary: 'List the variants of a product',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ variants: Type.Array(ProductVariant) }) },
      },
    },
    async (request) => products.listVariants(callContext(request), request.params.id),
  );

  app.post<{ Params: Id; Body: CreateVariantBodyT }>(
    '/products/:id/variants',
    {
      config: write,
      schema: {
        summary: 'Add a variant (code unique per tenant)',
        tags,
        params: IdParams,
        body: CreateVariantBody,
        response: { 201: ProductVariant },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await products.createVariant(callContext(request), request.params.id, request.body)),
  );

  app.put<{ Params: VariantId; Body: UpdateVariantBodyT }>(
    '/products/:id/variants/:variant_id',
    {
      config: write,
      schema: {
        summary: 'Update a variant',
        tags,
        params: VariantParams,
        body: UpdateVariantBody,
        response: { 200: ProductVariant },
      },
    },
    async (request) =>
      products.updateVariant(
        callContext(request),
        request.params.id,
        request.params.variant_id,
        request.body,
      ),
  );

  app.delete<{ Params: VariantId }>(
    '/products/:id/variants/:variant_id',
    {
      config: write,
      schema: { summary: 'Delete a variant', tags, params: VariantParams, response: NoContent },
    },
    async (request, reply) => {
      await products.removeVariant(callContext(request), request.params.id, request.params.variant_id);
      return reply.code(204).send();
    },
  );
}
