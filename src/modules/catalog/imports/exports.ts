import type { FastifyInstance } from 'fastify';
import { Type, type TObject, type TProperties } from 'typebox';
import { sendDownload, sheetContentType, writeSheet, type SheetCell } from '../../../platform/bulk/index.js';
import { inArray } from 'drizzle-orm';
import type { Database, Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { callContext, inTenant, orgUnits, users, type CallContext } from '../../identity/index.js';
import { createCustomersService } from '../core/customers.service.js';
import { createOutletsService } from '../core/outlets.service.js';
import { CustomerListQuery, OutletListQuery, type Customer, type Outlet } from '../core/schemas.js';
import { createProductsService } from '../products/products.service.js';
import { ProductListQuery, type Product } from '../products/schemas.js';
import { customers } from '../tables/core.tables.js';
import { brands, productFolders } from '../tables/products.tables.js';
import { CUSTOMER_COLUMNS } from './customers.importer.js';
import { OUTLET_COLUMNS } from './outlets.importer.js';
import { PRICE_COLUMN_PREFIX, PRODUCT_COLUMNS } from './products.importer.js';
import { and, eq } from 'drizzle-orm';
import { asc } from 'drizzle-orm';
import { priceTypes } from '../tables/products.tables.js';

/** Rows per list call while exporting: the list query with its filters, a page at a time. */
const PAGE = 2000;

/** A list query's filters and sort without paging, plus the file format. */
function exportQuery<T extends TProperties>(list: TObject<T>) {
  const { limit: _l, offset: _o, cursor: _c, ...filters } = list.properties as Record<string, unknown>;
  return Type.Object({
    ...(filters as TProperties),
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
  });
}

/** id → code (or e-mail) of the records a page refers to. */
async function codesOf(
  tx: Tx,
  table: typeof orgUnits | typeof customers | typeof brands | typeof productFolders,
  tenantId: string,
  ids: (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await tx.db
    .select({ id: table.id, code: table.code })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.id, wanted)));
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.id, r.code!]));
}

type ExportQuery = Record<string, unknown> & { format: 'csv' | 'xlsx' };

interface ExportSpec<T> {
  entity: string;
  permission: string;
  query: TObject;
  list(
    ctx: CallContext,
    query: ExportQuery & { limit: number; offset: number },
  ): Promise<{ items: T[]; total: number }>;
  header(tx: Tx, tenantId: string): Promise<string[]>;
  /** The cells of a page of items, in header order (references written as codes). */
  cells(tx: Tx, tenantId: string, items: T[], header: string[]): Promise<SheetCell[][]>;
}

function exportRoute<T>(app: FastifyInstance, db: Database, spec: ExportSpec<T>) {
  app.get<{ Querystring: ExportQuery }>(
    `/${spec.entity}/export`,
    {
      config: { permission: spec.permission },
      schema: {
        summary: `Export ${spec.entity} as CSV or XLSX (the list filters apply; re-imports cleanly)`,
        tags: [spec.entity],
        querystring: spec.query,
        response: { 200: Type.String({ description: 'CSV or XLSX file' }) },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const tenantTx = <R>(fn: (tx: Tx) => Promise<R>) => inTenant({ db }, ctx, fn);
      const header = await tenantTx((tx) => spec.header(tx, ctx.tenantId));
      async function* rows(): AsyncGenerator<SheetCell[]> {
        for (let offset = 0; ; offset += PAGE) {
          const { items } = await spec.list(ctx, { ...request.query, limit: PAGE, offset });
          yield* await tenantTx((tx) => spec.cells(tx, ctx.tenantId, items, header));
          if (items.length < PAGE) return;
        }
      }
      const { format } = request.query;
      const stamp = new Date().toISOString().slice(0, 10);
      return sendDownload(
        reply,
        sheetContentType(format),
        `${spec.entity}-${stamp}.${format}`,
        writeSheet(format, header, rows()),
      );
    },
  );
}

const names = (columns: { name: string }[]) => columns.map((c) => c.name);
const json = (value: unknown) => (Array.isArray(value) && value.length === 0 ? '' : JSON.stringify(value));
const list = (values: string[]) => values.join('|');

export function catalogExportRoutes(app: FastifyInstance, platform: Platform): void {
  const db = platform.db;
  const customersService = createCustomersService({ db });
  const outletsService = createOutletsService({ db });
  const productsService = createProductsService({ db });

  exportRoute(app, db, {
    entity: 'customers',
    permission: 'customers:read',
    query: exportQuery(CustomerListQuery),
    list: async (ctx, query) => {
      const page = await customersService.list(ctx, query as never);
      return { items: page.customers, total: page.total ?? 0 };
    },
    header: async () => names(CUSTOMER_COLUMNS),
    async cells(tx, tenantId, items: Customer[]) {
      const owners = await emailsOf(
        tx,
        tenantId,
        items.map((c) => c.owner_id),
      );
      return items.map((c) => [
        c.code,
        c.name,
        c.legal_name,
        c.industry,
        c.segment,
        list(c.tags),
        c.contact_name,
        c.email,
        c.phone,
        json(c.addresses),
        c.inn,
        c.kpp,
        c.ogrn,
        c.is_customer,
        c.is_supplier,
        c.owner_id ? (owners.get(c.owner_id) ?? '') : '',
        c.status,
        c.contract_start,
        c.contract_end,
        c.contract_value,
        c.currency,
      ]);
    },
  });

  exportRoute(app, db, {
    entity: 'outlets',
    permission: 'outlets:read',
    query: exportQuery(OutletListQuery),
    list: async (ctx, query) => {
      const page = await outletsService.list(ctx, query as never);
      return { items: page.outlets, total: page.total ?? 0 };
    },
    header: async () => names(OUTLET_COLUMNS),
    async cells(tx, tenantId, items: Outlet[]) {
      const units = await codesOf(
        tx,
        orgUnits,
        tenantId,
        items.map((o) => o.org_unit_id),
      );
      const chains = await codesOf(
        tx,
        customers,
        tenantId,
        items.map((o) => o.customer_id),
      );
      return items.map((o) => [
        o.code,
        o.name,
        o.address,
        o.latitude,
        o.longitude,
        o.geofence_radius_m,
        o.type,
        o.org_unit_id ? (units.get(o.org_unit_id) ?? '') : '',
        o.customer_id ? (chains.get(o.customer_id) ?? '') : '',
      ]);
    },
  });

  exportRoute(app, db, {
    entity: 'products',
    permission: 'products:read',
    query: exportQuery(ProductListQuery),
    list: async (ctx, query) => {
      const page = await productsService.list(ctx, query as never);
      return { items: page.products, total: page.total ?? 0 };
    },
    async header(tx, tenantId) {
      const types = await tx.db
        .select({ name: priceTypes.name })
        .from(priceTypes)
        .where(eq(priceTypes.tenantId, tenantId))
        .orderBy(asc(priceTypes.name));
      return [...names(PRODUCT_COLUMNS), ...types.map((t) => `${PRICE_COLUMN_PREFIX}${t.name}`)];
    },
    async cells(tx, tenantId, items: Product[], header) {
      const folders = await codesOf(
        tx,
        productFolders,
        tenantId,
        items.map((p) => p.folder_id),
      );
      const brandCodes = await codesOf(
        tx,
        brands,
        tenantId,
        items.map((p) => p.brand_id),
      );
      const types = await tx.db
        .select({ id: priceTypes.id, name: priceTypes.name })
        .from(priceTypes)
        .where(eq(priceTypes.tenantId, tenantId));
      const priceColumns = header
        .slice(PRODUCT_COLUMNS.length)
        .map((column) => types.find((t) => `${PRICE_COLUMN_PREFIX}${t.name}` === column)?.id);
      return items.map((p) => [
        p.code,
        p.name,
        p.article,
        p.description,
        p.folder_id ? (folders.get(p.folder_id) ?? '') : '',
        p.brand_id ? (brandCodes.get(p.brand_id) ?? '') : '',
        p.uom,
        p.vat_rate,
        p.weight,
        p.volume,
        p.is_service,
        p.min_stock,
        list(p.barcodes),
        ...priceColumns.map(
          (typeId) => p.prices.find((price) => price.price_type_id === typeId)?.amount ?? null,
        ),
      ]);
    },
  });
}

async function emailsOf(tx: Tx, tenantId: string, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.email]));
}
