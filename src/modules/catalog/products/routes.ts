import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { callContext } from '../../identity/directory/context.js';
import type { BrandsService } from './brands.service.js';
import type { ProductsService } from './products.service.js';
import {
  Brand,
  BrandListQuery,
  CreateBrandBody,
  CreateFolderBody,
  CreatePriceTypeBody,
  CreateProductBody,
  CreateVariantBody,
  FolderListQuery,
  Infographic,
  InfographicParams,
  PriceType,
  Product,
  ProductFolder,
  ProductListQuery,
  ProductVariant,
  UpdateBrandBody,
  UpdateFolderBody,
  UpdateProductBody,
  UpdateVariantBody,
  VariantParams,
  type BrandListQuery as BrandListQueryT,
  type CreateBrandBody as CreateBrandBodyT,
  type CreateFolderBody as CreateFolderBodyT,
  type CreatePriceTypeBody as CreatePriceTypeBodyT,
  type CreateProductBody as CreateProductBodyT,
  type CreateVariantBody as CreateVariantBodyT,
  type FolderListQuery as FolderListQueryT,
  type ProductListQuery as ProductListQueryT,
  type UpdateBrandBody as UpdateBrandBodyT,
  type UpdateFolderBody as UpdateFolderBodyT,
  type UpdateProductBody as UpdateProductBodyT,
  type UpdateVariantBody as UpdateVariantBodyT,
} from './schemas.js';

type Id = { id: string };
type VariantId = { id: string; variant_id: string };
type InfographicId = { id: string; infographic_id: string };
const NoContent = { 204: Type.Null() };

export function productApiRoutes(app: FastifyInstance, products: ProductsService): void {
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
    async (request) => products.listFolders(callContext(request), request.query),
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
      reply.code(201).send(await products.createFolder(callContext(request), request.body)),
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
    async (request) => products.updateFolder(callContext(request), request.params.id, request.body),
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
      await products.removeFolder(callContext(request), request.params.id);
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
    async (request) => products.listPriceTypes(callContext(request)),
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
      reply.code(201).send(await products.createPriceType(callContext(request), request.body)),
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

export async function brandApiRoutes(
  app: FastifyInstance,
  brands: BrandsService,
  uploadLimitBytes: number,
): Promise<void> {
  const tags = ['brands'];
  const read = { permission: 'brands:read' };
  const write = { permission: 'brands:write' };

  // Multipart only in this scope, one file per request. Busboy silently truncates a file at its
  // limit, so it cuts off one byte later and storage's `maxBytes` turns the excess into a 413.
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes + 1, files: 1, fields: 5 } });

  app.get<{ Querystring: BrandListQueryT }>(
    '/brands',
    {
      config: read,
      schema: {
        summary: 'List brands (own and competitors)',
        tags,
        querystring: BrandListQuery,
        response: { 200: ListEnvelope('brands', Brand) },
      },
    },
    async (request) => brands.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateBrandBodyT }>(
    '/brands',
    {
      config: write,
      schema: { summary: 'Create a brand', tags, body: CreateBrandBody, response: { 201: Brand } },
    },
    async (request, reply) => reply.code(201).send(await brands.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/brands/:id',
    { config: read, schema: { summary: 'Read a brand', tags, params: IdParams, response: { 200: Brand } } },
    async (request) => brands.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateBrandBodyT }>(
    '/brands/:id',
    {
      config: write,
      schema: {
        summary: 'Update a brand',
        tags,
        params: IdParams,
        body: UpdateBrandBody,
        response: { 200: Brand },
      },
    },
    async (request) => brands.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/brands/:id',
    { config: write, schema: { summary: 'Archive a brand', tags, params: IdParams, response: NoContent } },
    async (request, reply) => {
      await brands.archive(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id }>(
    '/brands/:id/infographics',
    {
      config: read,
      schema: {
        summary: 'List the infographics of a brand',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ infographics: Type.Array(Infographic) }) },
      },
    },
    async (request) => brands.listInfographics(callContext(request), request.params.id),
  );

  app.post<{ Params: Id }>(
    '/brands/:id/infographics',
    {
      config: write,
      schema: {
        summary:
          'Upload an infographic (multipart field `file`: PNG, JPEG, WebP or PDF; optional field `title`)',
        tags,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: Infographic },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const data = await request.file();
      if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
      const titleField = data.fields.title;
      const title =
        titleField &&
        !Array.isArray(titleField) &&
        titleField.type === 'field' &&
        typeof titleField.value === 'string'
          ? titleField.value.slice(0, 200)
          : null;
      const infographic = await brands.uploadInfographic(ctx, request.params.id, {
        file: data.file,
        fileName: data.filename || 'file',
        title,
      });
      return reply.code(201).send(infographic);
    },
  );

  app.delete<{ Params: InfographicId }>(
    '/brands/:id/infographics/:infographic_id',
    {
      config: write,
      schema: {
        summary: 'Delete an infographic and its file',
        tags,
        params: InfographicParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await brands.removeInfographic(callContext(request), request.params.id, request.params.infographic_id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: InfographicId }>(
    '/brands/:id/infographics/:infographic_id/file',
    {
      config: read,
      schema: {
        summary: 'Download an infographic (streamed with its content type)',
        tags,
        params: InfographicParams,
      },
    },
    async (request, reply) => {
      const { info, stream } = await brands.openInfographic(
        callContext(request),
        request.params.id,
        request.params.infographic_id,
      );
      return reply
        .type(info.content_type)
        .header('content-length', String(info.size))
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(info.file_name)}`)
        .header('x-content-type-options', 'nosniff')
        .send(stream);
    },
  );
}
