import { asc, eq } from 'drizzle-orm';
import type { ImportColumn, RowProblem } from '../../../platform/bulk/index.js';
import type { Tx } from '../../../platform/db/types.js';
import { uuidv7 } from '../../../lib/ids.js';
import { productValues } from '../products/products.service.js';
import { CreateProductBody } from '../products/products.schemas.js';
import { brands, priceTypes, productFolders, products } from '../tables/products.tables.js';
import { codeImporter, idsByCode } from './code-importer.js';
import { bodyOf } from './fields.js';

/** Price columns are `price:<price type name>`, one per price type of the tenant. */
export const PRICE_COLUMN_PREFIX = 'price:';

export const PRODUCT_COLUMNS: ImportColumn[] = [
  { name: 'code', kind: 'text', required: true, description: 'Unique per tenant', example: 'P-3001' },
  { name: 'name', kind: 'text', required: true, description: 'Display name', example: 'Orange juice 1 l' },
  { name: 'article', kind: 'text', description: 'Manufacturer article', example: 'OJ-1000' },
  { name: 'description', kind: 'text', description: 'Free text', example: '' },
  { name: 'folder_code', kind: 'text', description: 'Folder, by folder code', example: '' },
  { name: 'brand_code', kind: 'text', description: 'Brand, by brand code', example: '' },
  { name: 'uom', kind: 'text', description: 'Unit of measure (default pcs)', example: 'pcs' },
  { name: 'vat_rate', kind: 'decimal', description: 'Percent, e.g. 12.00', example: '12.00' },
  { name: 'weight', kind: 'decimal', description: 'Kilograms', example: '1.050' },
  { name: 'volume', kind: 'decimal', description: 'Litres', example: '1.000' },
  {
    name: 'is_service',
    kind: 'boolean',
    description: 'A service, not stocked (default false)',
    example: 'false',
  },
  { name: 'min_stock', kind: 'decimal', description: 'Low-stock threshold', example: '10' },
  {
    name: 'barcodes',
    kind: 'list',
    description: 'Barcodes separated by |, unique per tenant',
    example: '4780000000017',
  },
];

const PLAIN_FIELDS = PRODUCT_COLUMNS.map((c) => c.name).filter(
  (n) => n !== 'folder_code' && n !== 'brand_code',
);
const DEFAULTS = { uom: 'pcs', is_service: false, barcodes: [] };

async function priceTypesOf(tx: Tx, tenantId: string) {
  return tx.db
    .select({ id: priceTypes.id, name: priceTypes.name, currency: priceTypes.currency })
    .from(priceTypes)
    .where(eq(priceTypes.tenantId, tenantId))
    .orderBy(asc(priceTypes.name));
}

/** The tenant's columns: the fixed ones, then one price column per price type. */
async function productColumns(tx: Tx, tenantId: string): Promise<ImportColumn[]> {
  const types = await priceTypesOf(tx, tenantId);
  return [
    ...PRODUCT_COLUMNS,
    ...types.map((t) => ({
      name: `${PRICE_COLUMN_PREFIX}${t.name}`,
      kind: 'decimal' as const,
      description: `Price of type ${t.name} in ${t.currency}; empty removes it`,
      example: '15000.00',
    })),
  ];
}

/** Price type ids by column name, for the price columns the file has. */
async function priceColumnIds(tx: Tx, tenantId: string, columns: ReadonlySet<string>) {
  const types = await priceTypesOf(tx, tenantId);
  return new Map(
    types
      .map((t) => [`${PRICE_COLUMN_PREFIX}${t.name}`, t.id] as const)
      .filter(([column]) => columns.has(column)),
  );
}

/** Barcodes of these rows that belong to a product with another code. */
async function barcodesTaken(
  tx: Tx,
  tenantId: string,
  rows: { rowNumber: number; code: string; barcodes: string[] }[],
) {
  const wanted = rows.flatMap((r) => r.barcodes);
  if (wanted.length === 0) return [];
  const { rows: owners } = await tx.sql.query<{ barcode: string; code: string }>(
    `select b.barcode, p.code from product_barcodes b
       join products p on p.tenant_id = b.tenant_id and p.id = b.product_id
      where b.tenant_id = $1 and b.barcode = any($2::text[])`,
    [tenantId, wanted],
  );
  const ownerOf = new Map(owners.map((o) => [o.barcode, o.code]));
  const problems: RowProblem[] = [];
  for (const row of rows) {
    for (const barcode of row.barcodes) {
      const owner = ownerOf.get(barcode);
      if (owner !== undefined && owner !== row.code) {
        problems.push({
          rowNumber: row.rowNumber,
          column: 'barcodes',
          code: 'BARCODE_TAKEN',
          message: `barcode ${barcode} belongs to product ${owner}`,
          value: barcode,
        });
      }
    }
  }
  return problems;
}

/** Replaces the barcodes of these products with the file's; returns the products that changed. */
async function syncBarcodes(tx: Tx, tenantId: string, rows: { id: string; barcodes: string[] }[]) {
  const pairs = rows.flatMap((r) => r.barcodes.map((barcode) => ({ productId: r.id, barcode })));
  const removed = await tx.sql.query<{ product_id: string }>(
    `delete from product_barcodes b
      where b.tenant_id = $1 and b.product_id = any($2::uuid[])
        and not exists (select 1 from unnest($3::uuid[], $4::text[]) as d(product_id, barcode)
                         where d.product_id = b.product_id and d.barcode = b.barcode)
      returning b.product_id`,
    [tenantId, rows.map((r) => r.id), pairs.map((p) => p.productId), pairs.map((p) => p.barcode)],
  );
  const added = await tx.sql.query<{ product_id: string }>(
    `insert into product_barcodes (tenant_id, id, product_id, barcode)
     select $1, d.id, d.product_id, d.barcode from unnest($2::uuid[], $3::uuid[], $4::text[]) as d(id, product_id, barcode)
     on conflict (tenant_id, barcode) do nothing
     returning product_id`,
    [tenantId, pairs.map(() => uuidv7()), pairs.map((p) => p.productId), pairs.map((p) => p.barcode)],
  );
  return [...removed.rows, ...added.rows].map((r) => r.product_id);
}

/** Sets or (empty cell) removes the prices of the file's price columns; returns changed products. */
async function syncPrices(
  tx: Tx,
  tenantId: string,
  priceTypeIds: string[],
  rows: { id: string; prices: { price_type_id: string; amount: string }[] }[],
) {
  const set = rows.flatMap((r) => r.prices.map((p) => ({ productId: r.id, ...p })));
  const removed = await tx.sql.query<{ product_id: string }>(
    `delete from product_prices pp
      where pp.tenant_id = $1 and pp.product_id = any($2::uuid[]) and pp.price_type_id = any($3::uuid[])
        and not exists (select 1 from unnest($4::uuid[], $5::uuid[]) as d(product_id, price_type_id)
                         where d.product_id = pp.product_id and d.price_type_id = pp.price_type_id)
      returning pp.product_id`,
    [
      tenantId,
      rows.map((r) => r.id),
      priceTypeIds,
      set.map((s) => s.productId),
      set.map((s) => s.price_type_id),
    ],
  );
  const upserted = await tx.sql.query<{ product_id: string }>(
    `insert into product_prices (tenant_id, id, product_id, price_type_id, amount)
     select $1, d.id, d.product_id, d.price_type_id, d.amount
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::numeric[]) as d(id, product_id, price_type_id, amount)
     on conflict (tenant_id, product_id, price_type_id) do update set amount = excluded.amount
       where product_prices.amount is distinct from excluded.amount
     returning product_id`,
    [
      tenantId,
      set.map(() => uuidv7()),
      set.map((s) => s.productId),
      set.map((s) => s.price_type_id),
      set.map((s) => s.amount),
    ],
  );
  return [...removed.rows, ...upserted.rows].map((r) => r.product_id);
}

export const productsImporter = codeImporter<CreateProductBody, ReturnType<typeof productValues>>({
  name: 'products',
  permission: 'products:write',
  table: products,
  columns: (tx, ctx) => productColumns(tx, ctx.tenantId),
  schema: CreateProductBody,
  references: [
    {
      column: 'folder_code',
      field: 'folder_id',
      lookup: 'folder with code',
      resolve: (tx, tenantId, codes) => idsByCode(tx, productFolders, tenantId, codes),
    },
    {
      column: 'brand_code',
      field: 'brand_id',
      lookup: 'brand with code',
      resolve: (tx, tenantId, codes) => idsByCode(tx, brands, tenantId, codes),
    },
  ],
  columnIds: (tx, ctx, columns) => priceColumnIds(tx, ctx.tenantId, columns),
  toBody(record, columns, priceTypeOf) {
    const body = bodyOf(record, columns, PLAIN_FIELDS, DEFAULTS);
    if (priceTypeOf.size) {
      body.prices = [...priceTypeOf]
        .filter(([column]) => typeof record[column] === 'string')
        .map(([column, priceTypeId]) => ({ price_type_id: priceTypeId, amount: record[column] }));
    }
    return body;
  },
  // A price's problems are reported on the row: the body's prices array has no column of its own.
  columnOf: (field) => (field === 'prices' ? 'prices' : field),
  claims: (body) =>
    (body.barcodes ?? []).map((barcode) => ({ kind: 'barcode', value: barcode, column: 'barcodes' })),
  checkBatch: (tx, ctx, rows) =>
    barcodesTaken(
      tx,
      ctx.tenantId,
      rows.map((r) => ({ rowNumber: r.rowNumber, code: r.code, barcodes: r.value.barcodes ?? [] })),
    ),
  values: productValues,
  async afterWrite(tx, ctx, rows, columns) {
    const changed: string[] = [];
    if (columns.has('barcodes')) {
      changed.push(
        ...(await syncBarcodes(
          tx,
          ctx.tenantId,
          rows.map((r) => ({ id: r.id, barcodes: r.body.barcodes ?? [] })),
        )),
      );
    }
    const priceTypeIds = [...(await priceColumnIds(tx, ctx.tenantId, columns)).values()];
    if (priceTypeIds.length) {
      changed.push(
        ...(await syncPrices(
          tx,
          ctx.tenantId,
          priceTypeIds,
          rows.map((r) => ({ id: r.id, prices: r.body.prices ?? [] })),
        )),
      );
    }
    return new Set(changed);
  },
});
