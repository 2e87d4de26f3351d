import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
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
} from './products.schemas.js';

const tag = 'products';
const read = 'products:read';
const write = 'products:write';

export function productApiRoutes(
  app: FastifyInstance,
  products: ProductsService,
  folders: FoldersService,
): void {
  const product = {
    path: '/products',
    tag,
    listKey: 'products',
    singular: 'product',
    permission: 'products',
    item: Product,
  };
  const handlers = { ...products, remove: products.archive };
  crudRoutes(
    app,
    {
      ...product,
      list: {
        query: ProductListQuery,
        summary: 'List products (q, folder with sub-folders, brand, archived, price range)',
      },
      create: { body: CreateProductBody },
    },
    handlers,
  );
  // The static paths before `/products/:id`, in the order the OpenAPI document lists them.
  folderRoutes(app, folders);
  crudRoutes(
    app,
    {
      ...product,
      read: {},
      update: {
        body: UpdateProductBody,
        summary: 'Update a product (prices and barcodes, when given, replace the sets)',
      },
      delete: { summary: 'Archive a product' },
    },
    handlers,
  );
  variantRoutes(app, products);
}

/** Folders and price types (find-my-way prefers static paths anyway; the :id routes only take UUIDs). */
function folderRoutes(app: FastifyInstance, folders: FoldersService): void {
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/products/folders',
      summary: 'List product folders in path order (tree=true: nested)',
      permission: read,
      query: FolderListQuery,
      response: Type.Object({ folders: Type.Array(ProductFolder) }),
    },
    (ctx, _id, _body, query) => folders.listFolders(ctx, query),
  );
  crudRoutes(
    app,
    {
      path: '/products/folders',
      tag,
      listKey: 'folders',
      singular: 'product folder',
      permission: 'products',
      item: ProductFolder,
      create: { body: CreateFolderBody },
      update: { body: UpdateFolderBody, summary: 'Rename a folder; a new parent_id moves its whole subtree' },
      delete: { summary: 'Delete an empty folder (409 with sub-folders or products)' },
    },
    { create: folders.createFolder, update: folders.updateFolder, remove: folders.removeFolder },
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/products/price-types',
      summary: 'List price types',
      permission: read,
      response: Type.Object({ price_types: Type.Array(PriceType) }),
    },
    (ctx) => folders.listPriceTypes(ctx),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/products/price-types',
      summary: 'Create a price type',
      permission: write,
      body: CreatePriceTypeBody,
      response: PriceType,
      status: 201,
    },
    (ctx, _id, body) => folders.createPriceType(ctx, body),
  );
}

function variantRoutes(app: FastifyInstance, products: ProductsService): void {
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/products/:id/variants',
      summary: 'List the variants of a product',
      permission: read,
      response: Type.Object({ variants: Type.Array(ProductVariant) }),
    },
    (ctx, id) => products.listVariants(ctx, id),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/products/:id/variants',
      summary: 'Add a variant (code unique per tenant)',
      permission: write,
      body: CreateVariantBody,
      response: ProductVariant,
      status: 201,
    },
    (ctx, id, body) => products.createVariant(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'put',
      path: '/products/:id/variants/:variant_id',
      summary: 'Update a variant',
      permission: write,
      params: VariantParams,
      body: UpdateVariantBody,
      response: ProductVariant,
    },
    (ctx, id, body, _query, params) => products.updateVariant(ctx, id, params.variant_id!, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'delete',
      path: '/products/:id/variants/:variant_id',
      summary: 'Delete a variant',
      permission: write,
      params: VariantParams,
      status: 204,
    },
    (ctx, id, _body, _query, params) => products.removeVariant(ctx, id, params.variant_id!),
  );
}
