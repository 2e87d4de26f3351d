import type { FastifyInstance } from 'fastify';
import type { PermissionDefinition, Platform } from '../../../platform/module.js';
import { createBrandLogosService } from './brand-logos.service.js';
import { createBrandsService } from './brands.service.js';
import { createFoldersService } from './folders.service.js';
import { createProductsService } from './products.service.js';
import { brandApiRoutes } from './brands.routes.js';
import { productApiRoutes } from './products.routes.js';

const EVERYONE = [
  'agent',
  'viewer',
  'team_leader',
  'area_manager',
  'regional_manager',
  'national_manager',
  'admin',
] as const;

export const PRODUCT_PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'products:read',
    description: 'Read products, variants, folders and price types',
    roles: EVERYONE,
  },
  {
    name: 'products:write',
    description: 'Create, update and archive products, variants, folders and price types',
    roles: ['admin', 'national_manager'],
  },
  { name: 'brands:read', description: 'Read brands and download their infographics', roles: EVERYONE },
  {
    name: 'brands:write',
    description: 'Create, update and archive brands; upload logos and infographics',
    roles: ['admin', 'national_manager'],
  },
];

/** Products (variants, folders, price types, prices, barcodes) and brands with infographics. */
export async function productRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const products = createProductsService({ db: platform.db });
  const brands = createBrandsService({
    db: platform.db,
    storage: platform.storage,
    uploadLimitBytes: platform.config.uploadLimitBytes,
    imageMaxPixels: platform.config.imageMaxPixels,
  });
  productApiRoutes(app, products, createFoldersService({ db: platform.db }));
  // An encapsulated scope, so multipart parsing applies to the brand routes only.
  const logos = createBrandLogosService({
    db: platform.db,
    storage: platform.storage,
    uploadLimitBytes: platform.config.uploadLimitBytes,
    imageMaxPixels: platform.config.imageMaxPixels,
  });
  await app.register(async (scope) => brandApiRoutes(scope, brands, logos, platform.config.uploadLimitBytes));
}
