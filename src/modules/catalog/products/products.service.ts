import { and, asc, eq, inArray } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantReadOf, tenantTxOf } from '../../../platform/resource/index.js';
import { type CallContext, diff } from '../../identity/index.js';
import {
  brands,
  priceTypes,
  productBarcodes,
  productPrices,
  products,
  productVariants,
} from '../tables/products.tables.js';
import { auditChange, findFolder } from './folders.service.js';
import {
  present,
  productDetails,
  productResource,
  toProductJson,
  type ProductWithDetails,
} from './products.read.js';
import { checkProductFilters, listConditions, searchPage, unfilteredCount } from './products.search.js';
import type {
  CreateProductBody,
  CreateVariantBody,
  Product,
  ProductListQuery,
  ProductVariant,
  UpdateProductBody,
  UpdateVariantBody,
} from './products.schemas.js';

type ProductRow = typeof products.$inferSelect;
type VariantRow = typeof productVariants.$inferSelect;

/** A product's variants; always found through their product (`where` on `product_id`). */
const variantResource = defineResource({
  table: productVariants,
  name: 'Variant',
  tenantId: productVariants.tenantId,
  id: productVariants.id,
  sorts: { code: productVariants.code },
});

const toVariantJson = (row: VariantRow): ProductVariant => ({
  id: row.id,
  product_id: row.productId,
  code: row.code,
  name: row.name,
  characteristics: row.characteristics,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

const auditableProduct = (p: Product): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, ...rest } = p;
  return rest;
};

/** Unknown brand, folder or price types → 422 with a pointer per field; duplicates inside the body too. */
async function checkProductReferences(tx: Tx, tenantId: string, body: UpdateProductBody): Promise<void> {
  const errors: FieldError[] = [];
  if (body.brand_id) {
    const [row] = await tx.db
      .select({ id: brands.id })
      .from(brands)
      .where(and(eq(brands.tenantId, tenantId), eq(brands.id, body.brand_id)));
    if (!row) errors.push({ path: '/body/brand_id', message: 'no such brand' });
  }
  if (body.folder_id && !(await findFolder(tx, tenantId, body.folder_id)))
    errors.push({ path: '/body/folder_id', message: 'no such folder' });
  if (body.prices?.length) {
    const typeIds = [...new Set(body.prices.map((p) => p.price_type_id))];
    const known = await tx.db
      .select({ id: priceTypes.id })
      .from(priceTypes)
      .where(and(eq(priceTypes.tenantId, tenantId), inArray(priceTypes.id, typeIds)));
    const seen = new Set<string>();
    body.prices.forEach((p, i) => {
      if (!known.some((k) => k.id === p.price_type_id))
        errors.push({ path: `/body/prices/${i}/price_type_id`, message: 'no such price type' });
      else if (seen.has(p.price_type_id))
        errors.push({ path: `/body/prices/${i}/price_type_id`, message: 'price type given twice' });
      seen.add(p.price_type_id);
    });
  }
  body.barcodes?.forEach((code, i) => {
    if (body.barcodes!.indexOf(code) !== i)
      errors.push({ path: `/body/barcodes/${i}`, message: 'barcode given twice' });
  });
  if (errors.length > 0) throw validationFailed(errors, 'Unknown or repeated reference.');
}

export function productValues(body: UpdateProductBody): Partial<typeof products.$inferInsert> {
  const values: Partial<typeof products.$inferInsert> = {};
  if (body.code !== undefined) values.code = body.code;
  if (body.article !== undefined) values.article = body.article;
  if (body.name !== undefined) values.name = body.name;
  if (body.description !== undefined) values.description = body.description;
  if (body.brand_id !== undefined) values.brandId = body.brand_id;
  if (body.folder_id !== undefined) values.folderId = body.folder_id;
  if (body.uom !== undefined) values.uom = body.uom;
  if (body.vat_rate !== undefined) values.vatRate = body.vat_rate;
  if (body.weight !== undefined) values.weight = body.weight;
  if (body.volume !== undefined) values.volume = body.volume;
  if (body.is_service !== undefined) values.isService = body.is_service;
  if (body.min_stock !== undefined) values.minStock = body.min_stock;
  return values;
}

async function replacePricesAndBarcodes(
  tx: Tx,
  tenantId: string,
  productId: string,
  body: UpdateProductBody,
) {
  if (body.prices !== undefined) {
    await tx.db
      .delete(productPrices)
      .where(and(eq(productPrices.tenantId, tenantId), eq(productPrices.productId, productId)));
    if (body.prices.length > 0)
      await tx.db
        .insert(productPrices)
        .values(
          body.prices.map((p) => ({ tenantId, productId, priceTypeId: p.price_type_id, amount: p.amount })),
        );
  }
  if (body.barcodes !== undefined) {
    await tx.db
      .delete(productBarcodes)
      .where(and(eq(productBarcodes.tenantId, tenantId), eq(productBarcodes.productId, productId)));
    if (body.barcodes.length > 0)
      await tx.db
        .insert(productBarcodes)
        .values(body.barcodes.map((barcode) => ({ tenantId, productId, barcode })));
  }
}

export function createProductsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  // Reads of products need no common snapshot across their (at most two) statements.
  const tenantRead = tenantReadOf(deps);
  const audit = auditChange;

  async function presentOne(tx: Tx, tenantId: string, row: ProductRow): Promise<Product> {
    const [product] = await present(tx, tenantId, [row]);
    return product!;
  }

  return {
    // ---------- products ----------
    async list(ctx: CallContext, query: ProductListQuery) {
      checkProductFilters(query);
      return tenantRead(ctx, async (tx) => {
        // A search collects its matches (bounded, filters applied), counts them and reads its page
        // in one statement; a list without one is the resource's page, its total from the counts
        // the triggers keep when it has no filter.
        const page =
          (await searchPage(tx, ctx.tenantId, query)) ??
          (await productResource.list<ProductWithDetails>(tx, ctx, query, {
            where: listConditions(ctx.tenantId, query),
            fields: productDetails,
            countQuery: unfilteredCount(ctx.tenantId, query),
          }));
        return envelope('products', page, toProductJson);
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantRead(ctx, async (tx) =>
        toProductJson(await productResource.read<ProductWithDetails>(tx, ctx, id, productDetails)),
      );
    },

    create(ctx: CallContext, body: CreateProductBody) {
      return tenantTx(ctx, async (tx) => {
        await checkProductReferences(tx, ctx.tenantId, body);
        const [row] = await tx.db
          .insert(products)
          .values({ tenantId: ctx.tenantId, ...(productValues(body) as { code: string; name: string }) })
          .returning();
        await replacePricesAndBarcodes(tx, ctx.tenantId, row!.id, body);
        const product = await presentOne(tx, ctx.tenantId, row!);
        await audit(
          tx,
          ctx,
          'product.create',
          'product',
          row!.id,
          diff(undefined, auditableProduct(product)),
        );
        return product;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateProductBody) {
      return tenantTx(ctx, async (tx) => {
        const current = await productResource.find(tx, ctx, id, { lock: true });
        await checkProductReferences(tx, ctx.tenantId, body);
        const before = await presentOne(tx, ctx.tenantId, current);
        const [row] = await tx.db
          .update(products)
          .set({ ...productValues(body), updatedAt: new Date() })
          .where(and(eq(products.tenantId, ctx.tenantId), eq(products.id, id)))
          .returning();
        await replacePricesAndBarcodes(tx, ctx.tenantId, id, body);
        const after = await presentOne(tx, ctx.tenantId, row!);
        await audit(
          tx,
          ctx,
          'product.update',
          'product',
          id,
          diff(auditableProduct(before), auditableProduct(after)),
        );
        return after;
      });
    },

    /** Archiving, never a hard delete (sales history and stock reference products). */
    archive(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await productResource.find(tx, ctx, id, { lock: true });
        if (current.archivedAt) return;
        await tx.db
          .update(products)
          .set({ archivedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(products.tenantId, ctx.tenantId), eq(products.id, id)));
        await audit(tx, ctx, 'product.archive', 'product', id, {
          before: { archived: false },
          after: { archived: true },
        });
      });
    },

    // ---------- variants ----------
    listVariants(ctx: CallContext, productId: string) {
      return tenantTx(ctx, async (tx) => {
        await productResource.find(tx, ctx, productId);
        const rows = await tx.db
          .select()
          .from(productVariants)
          .where(and(eq(productVariants.tenantId, ctx.tenantId), eq(productVariants.productId, productId)))
          .orderBy(asc(productVariants.code));
        return { variants: rows.map(toVariantJson) };
      });
    },

    createVariant(ctx: CallContext, productId: string, body: CreateVariantBody) {
      return tenantTx(ctx, async (tx) => {
        await productResource.find(tx, ctx, productId);
        const [row] = await tx.db
          .insert(productVariants)
          .values({
            tenantId: ctx.tenantId,
            productId,
            code: body.code,
            name: body.name,
            characteristics: body.characteristics ?? {},
          })
          .returning();
        const variant = toVariantJson(row!);
        await audit(tx, ctx, 'product_variant.create', 'product_variant', row!.id, diff(undefined, variant));
        return variant;
      });
    },

    updateVariant(ctx: CallContext, productId: string, variantId: string, body: UpdateVariantBody) {
      return tenantTx(ctx, async (tx) => {
        const current = await variantResource.find(tx, ctx, variantId, {
          lock: true,
          where: [eq(productVariants.productId, productId)],
        });
        const [row] = await tx.db
          .update(productVariants)
          .set({
            code: body.code,
            name: body.name,
            characteristics: body.characteristics,
            updatedAt: new Date(),
          })
          .where(and(eq(productVariants.tenantId, ctx.tenantId), eq(productVariants.id, variantId)))
          .returning();
        const after = toVariantJson(row!);
        await audit(
          tx,
          ctx,
          'product_variant.update',
          'product_variant',
          variantId,
          diff(toVariantJson(current), after),
        );
        return after;
      });
    },

    removeVariant(ctx: CallContext, productId: string, variantId: string) {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .delete(productVariants)
          .where(
            and(
              eq(productVariants.tenantId, ctx.tenantId),
              eq(productVariants.productId, productId),
              eq(productVariants.id, variantId),
            ),
          )
          .returning();
        if (!row) throw notFound('Variant');
        await audit(
          tx,
          ctx,
          'product_variant.delete',
          'product_variant',
          variantId,
          diff(toVariantJson(row), undefined),
        );
      });
    },
  };
}

export type ProductsService = ReturnType<typeof createProductsService>;
