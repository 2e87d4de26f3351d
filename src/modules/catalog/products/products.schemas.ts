import { Type, type Static } from 'typebox';
import {
  FilePart,
  IsoDateTime,
  Money,
  NonNegativeMoney,
  PaginationQuery,
  sortQuery,
  Uuid,
} from '../../../platform/http/schemas.js';
import { ExternalRef } from '../core/core.schemas.js';

/** `null` first: with Ajv's type coercion a string branch tried first would turn `null` into "". */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** Non-negative decimal quantity as a string (weights, volumes, stock levels). */
const Quantity = Type.String({ pattern: '^\\d{1,11}(\\.\\d{1,3})?$', description: 'Decimal, e.g. "0.250"' });
const VatRate = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,2})?$', description: 'Percent, e.g. "20.00"' });
const Code = Type.String({ minLength: 1, maxLength: 64 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Barcode = Type.String({ pattern: '^[0-9A-Za-z-]{4,64}$' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });

// ---------- folders ----------

export const ProductFolder = Type.Object(
  {
    id: Uuid,
    parent_id: Nullable(Uuid),
    code: Nullable(Type.String({ description: 'Unique per tenant; how spreadsheets name the folder' })),
    name: Type.String(),
    path: Type.String({ description: 'Materialised path of ids: /root-id/…/id/' }),
    depth: Type.Integer({ minimum: 0 }),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    children: Type.Optional(Type.Array(Type.Unknown(), { description: 'Nested folders (tree=true)' })),
  },
  { $id: 'ProductFolder' },
);
export type ProductFolder = Static<typeof ProductFolder>;

export const CreateFolderBody = Type.Object(
  { name: Name, code: Type.Optional(Nullable(Code)), parent_id: Type.Optional(Nullable(Uuid)) },
  { additionalProperties: false },
);
export type CreateFolderBody = Static<typeof CreateFolderBody>;

export const UpdateFolderBody = Type.Partial(
  Type.Object({
    name: Name,
    code: Nullable(Code),
    parent_id: Type.Union([Uuid, Type.Null()], { description: 'Changing it moves the whole subtree' }),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFolderBody = Static<typeof UpdateFolderBody>;

export const FolderListQuery = Type.Object({
  tree: Type.Boolean({ default: false, description: 'Return the nested tree (roots with children)' }),
});
export type FolderListQuery = Static<typeof FolderListQuery>;

// ---------- price types ----------

export const PriceType = Type.Object(
  { id: Uuid, name: Type.String(), currency: Currency, created_at: IsoDateTime, updated_at: IsoDateTime },
  { $id: 'PriceType' },
);
export type PriceType = Static<typeof PriceType>;

export const CreatePriceTypeBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), currency: Currency },
  { additionalProperties: false },
);
export type CreatePriceTypeBody = Static<typeof CreatePriceTypeBody>;

// ---------- products ----------

export const ProductPrice = Type.Object({ price_type_id: Uuid, amount: Money, currency: Currency });
export const PriceInput = Type.Object(
  { price_type_id: Uuid, amount: NonNegativeMoney },
  { additionalProperties: false },
);

export const Product = Type.Object(
  {
    id: Uuid,
    code: Type.String(),
    article: Nullable(Type.String()),
    name: Type.String(),
    description: Nullable(Type.String()),
    brand_id: Nullable(Uuid),
    folder_id: Nullable(Uuid),
    uom: Type.String(),
    vat_rate: Nullable(VatRate),
    weight: Nullable(Type.String()),
    volume: Nullable(Type.String()),
    is_service: Type.Boolean(),
    min_stock: Nullable(Type.String()),
    prices: Type.Array(ProductPrice),
    barcodes: Type.Array(Type.String()),
    external_refs: Type.Array(ExternalRef, {
      description: 'Ids of this product in external systems (read-only)',
    }),
    archived_at: Nullable(IsoDateTime),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Product' },
);
export type Product = Static<typeof Product>;

const productEditable = {
  code: Code,
  article: Nullable(Type.String({ maxLength: 64 })),
  name: Name,
  description: Nullable(Type.String({ maxLength: 4000 })),
  brand_id: Nullable(Uuid),
  folder_id: Nullable(Uuid),
  uom: Type.String({ minLength: 1, maxLength: 16 }),
  vat_rate: Nullable(VatRate),
  weight: Nullable(Quantity),
  volume: Nullable(Quantity),
  is_service: Type.Boolean(),
  min_stock: Nullable(Quantity),
  prices: Type.Array(PriceInput, { maxItems: 50, description: 'Replaces the set' }),
  barcodes: Type.Array(Barcode, { maxItems: 50, description: 'Replaces the set; unique per tenant' }),
};

export const CreateProductBody = Type.Object(
  {
    code: productEditable.code,
    name: productEditable.name,
    article: Type.Optional(productEditable.article),
    description: Type.Optional(productEditable.description),
    brand_id: Type.Optional(productEditable.brand_id),
    folder_id: Type.Optional(productEditable.folder_id),
    uom: Type.Optional(productEditable.uom),
    vat_rate: Type.Optional(productEditable.vat_rate),
    weight: Type.Optional(productEditable.weight),
    volume: Type.Optional(productEditable.volume),
    is_service: Type.Optional(productEditable.is_service),
    min_stock: Type.Optional(productEditable.min_stock),
    prices: Type.Optional(productEditable.prices),
    barcodes: Type.Optional(productEditable.barcodes),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Partial(Type.Object(productEditable), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const PRODUCT_SORT_FIELDS = ['name', 'code', 'article', 'created_at', 'updated_at'] as const;

export const ProductListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'Every word must start a word of the name, or the code, article or a barcode (any case). ' +
        'With q, at most 250 matches are listed: total is exact up to 250 and reports 250 beyond (narrow the search).',
    }),
  ),
  folder: Type.Optional(Type.Union([Uuid], { description: 'Folder id; includes its sub-folders' })),
  brand: Type.Optional(Uuid),
  archived: Type.Optional(Type.Boolean({ description: 'true: only archived; false (default): active' })),
  price_type: Type.Optional(Type.Union([Uuid], { description: 'Price type of min_price/max_price' })),
  min_price: Type.Optional(NonNegativeMoney),
  max_price: Type.Optional(NonNegativeMoney),
  sort: sortQuery(PRODUCT_SORT_FIELDS, 'name'),
});
export type ProductListQuery = Static<typeof ProductListQuery>;

// ---------- variants ----------

export const ProductVariant = Type.Object(
  {
    id: Uuid,
    product_id: Uuid,
    code: Type.String(),
    name: Type.String(),
    characteristics: Type.Record(Type.String(), Type.String()),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'ProductVariant' },
);
export type ProductVariant = Static<typeof ProductVariant>;

const Characteristics = Type.Record(
  Type.String({ minLength: 1, maxLength: 64 }),
  Type.String({ maxLength: 200 }),
  {
    maxProperties: 50,
    description: 'Free characteristics, e.g. {"colour": "red", "size": "L"}',
  },
);

export const CreateVariantBody = Type.Object(
  { code: Code, name: Name, characteristics: Type.Optional(Characteristics) },
  { additionalProperties: false },
);
export type CreateVariantBody = Static<typeof CreateVariantBody>;

export const UpdateVariantBody = Type.Partial(
  Type.Object({ code: Code, name: Name, characteristics: Characteristics }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateVariantBody = Static<typeof UpdateVariantBody>;

export const VariantParams = Type.Object({ id: Uuid, variant_id: Uuid });

// ---------- brands ----------

export const Brand = Type.Object(
  {
    id: Uuid,
    code: Nullable(Type.String({ description: 'Unique per tenant; how spreadsheets name the brand' })),
    name: Type.String(),
    is_own: Type.Boolean({ description: 'Own brand (true) or a competitor (false)' }),
    logo_url: Nullable(Type.String({ description: 'Download route of the logo; null without one' })),
    archived_at: Nullable(IsoDateTime),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Brand' },
);
export type Brand = Static<typeof Brand>;

export const CreateBrandBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.Optional(Nullable(Code)),
    is_own: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateBrandBody = Static<typeof CreateBrandBody>;

export const UpdateBrandBody = Type.Partial(
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Nullable(Code),
    is_own: Type.Boolean(),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBrandBody = Static<typeof UpdateBrandBody>;

export const BRAND_SORT_FIELDS = ['name', 'created_at'] as const;

export const BrandListQuery = Type.Object({
  ...PaginationQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  is_own: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean({ description: 'true: only archived; false (default): active' })),
  sort: sortQuery(BRAND_SORT_FIELDS, 'name'),
});
export type BrandListQuery = Static<typeof BrandListQuery>;

export const Infographic = Type.Object(
  {
    id: Uuid,
    brand_id: Uuid,
    file_name: Type.String(),
    content_type: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    title: Nullable(Type.String()),
    created_at: IsoDateTime,
  },
  { $id: 'BrandInfographic' },
);
export type Infographic = Static<typeof Infographic>;

export const InfographicParams = Type.Object({ id: Uuid, infographic_id: Uuid });

/** The multipart body of POST /brands/{id}/infographics, as documented (the handler reads the parts). */
export const InfographicUploadForm = Type.Object({
  title: Type.Optional(
    Type.String({
      description: 'Caption (cut at 200 characters); send it before the file, a title after it is not read',
    }),
  ),
  file: FilePart('PNG, JPEG, WebP or PDF, recognised from its bytes (anything else 415)'),
});

/** The multipart body of PUT /brands/{id}/logo, as documented (the handler streams the file). */
export const LogoUploadForm = Type.Object({
  file: FilePart(
    'PNG, JPEG or WebP, recognised from its bytes (anything else 415); replaces the current logo',
  ),
});
