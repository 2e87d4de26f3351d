import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type, type TObject, type TProperties } from 'typebox';
import { sendDownload, sheetContentType, writeSheet, type SheetCell } from '../../../platform/bulk/index.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { callContext, orgUnitCodesByIds, userFacts, type CallContext } from '../../identity/index.js';
import { customerListConditions, toCustomerJson } from '../core/customers.service.js';
import { outletListConditions, outletNear, toOutletJson } from '../core/outlets.service.js';
import { CustomerListQuery, OutletListQuery, type Customer, type Outlet } from '../core/core.schemas.js';
import { present } from '../products/products.read.js';
import { checkProductFilters, listConditions } from '../products/products.search.js';
import { ProductListQuery, type Product } from '../products/products.schemas.js';
import { customers, outlets } from '../tables/core.tables.js';
import { brands, priceTypes, productFolders, products } from '../tables/products.tables.js';
import { CUSTOMER_COLUMNS } from './customers.importer.js';
import { pageReader } from '../../../platform/db/index.js';
import { keysetRows } from './export-pages.js';
import { OUTLET_COLUMNS } from './outlets.importer.js';
import { PRICE_COLUMN_PREFIX, PRODUCT_COLUMNS } from './products.importer.js';

/** Rows per page while exporting (keyset by code). */
const PAGE = 2000;

/** A list query's filters without paging and sort (exports run in code order), plus the file format. */
function exportQuery<T extends TProperties>(list: TObject<T>) {
  const {
    limit: _l,
    offset: _o,
    cursor: _c,
    sort: _s,
    ...filters
  } = list.properties as Record<string, unknown>;
  return Type.Object({
    ...(filters as TProperties),
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
  });
}

/** id → code (or e-mail) of the records a page refers to. */
async function codesOf(
  tx: Tx,
  table: typeof customers | typeof brands | typeof productFolders,
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

/** The next page of an export: up to `limit` items whose code follows `afterCode`, in code order. */
type PageQuery<T> = (tx: Tx, afterCode: string | null, limit: number) => Promise<T[]>;

interface ExportSpec<T extends { code: string }> {
  entity: string;
  permission: string;
  query: TObject;
  /** Checks the filters as the list does (422 before the download starts); returns the page query. */
  pages(ctx: CallContext, query: ExportQuery): Promise<PageQuery<T>>;
  header(tx: Tx, tenantId: string): Promise<string[]>;
  /** The cells of a page of items, in header order (references written as codes). */
  cells(tx: Tx, tenantId: string, items: T[], header: string[]): Promise<SheetCell[][]>;
}

/** A page of a table's rows matching `conditions`, after a code, in code order. */
function afterCode(
  column: typeof customers.code | typeof outlets.code | typeof products.code,
  conditions: (SQL | undefined)[],
  code: string | null,
) {
  return and(...conditions, code === null ? undefined : gt(column, code));
}

function exportRoute<T extends { code: string }>(
  app: FastifyInstance,
  db: TenantDatabase,
  spec: ExportSpec<T>,
) {
  app.get<{ Querystring: ExportQuery }>(
    `/${spec.entity}/export`,
    {
      config: { permission: spec.permission },
      schema: {
        summary: `Export ${spec.entity} as CSV or XLSX in code order (the list filters apply; re-imports cleanly)`,
        tags: [spec.entity],
        querystring: spec.query,
        response: { 200: Type.String({ description: 'CSV or XLSX file' }) },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      // The list's own checks, then the header and the first page: whatever fails up to here is
      // answered as a problem document, since not a byte of the file has been sent yet.
      const page = await spec.pages(ctx, request.query);
      const reader = pageReader(db, { tenantId: ctx.tenantId });
      // However the download ends (done, failed, or the client gone before a row was pulled), the
      // snapshot's connection goes back to the pool; closing twice is harmless.
      reply.raw.once('close', () => void reader.close());
      let header: string[];
      let rows: AsyncIterable<SheetCell[]>;
      try {
        header = await reader.read((tx) => spec.header(tx, ctx.tenantId));
        rows = await keysetRows(reader, PAGE, page, (tx, items) =>
          spec.cells(tx, ctx.tenantId, items, header),
        );
      } catch (error) {
        await reader.close();
        throw error;
      }
      const { format } = request.query;
      const stamp = new Date().toISOString().slice(0, 10);
      return sendDownload(
        reply,
        sheetContentType(format),
        `${spec.entity}-${stamp}.${format}`,
        writeSheet(format, header, rows),
      );
    },
  );
}

const names = (columns: { name: string }[]) => columns.map((c) => c.name);
const json = (value: unknown) => (Array.isArray(value) && value.length === 0 ? '' : JSON.stringify(value));
const list = (values: string[]) => values.join('|');

export function catalogExportRoutes(app: FastifyInstance, platform: Platform): void {
  const db = platform.db;

  exportRoute(app, db, {
    entity: 'customers',
    permission: 'customers:read',
    query: exportQuery(CustomerListQuery),
    async pages(ctx, query) {
      const conditions = customerListConditions(ctx.tenantId, query as unknown as CustomerListQuery);
      return async (tx, after, limit) => {
        const rows = await tx.db
          .select()
          .from(customers)
          .where(afterCode(customers.code, conditions, after))
          .orderBy(asc(customers.code))
          .limit(limit);
        return rows.map((row) => toCustomerJson(row));
      };
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
    async pages(ctx, query) {
      const filters = query as unknown as OutletListQuery;
      const conditions = outletListConditions(ctx.tenantId, filters, outletNear(filters));
      return async (tx, after, limit) => {
        const rows = await tx.db
          .select()
          .from(outlets)
          .where(afterCode(outlets.code, conditions, after))
          .orderBy(asc(outlets.code))
          .limit(limit);
        return rows.map((row) => toOutletJson(row));
      };
    },
    header: async () => names(OUTLET_COLUMNS),
    async cells(tx, tenantId, items: Outlet[]) {
      const units = await orgUnitCodesByIds(
        tx,
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
    async pages(ctx, query) {
      const filters = query as unknown as ProductListQuery;
      checkProductFilters(filters);
      const conditions = listConditions(ctx.tenantId, filters);
      return async (tx, after, limit) => {
        const rows = await tx.db
          .select()
          .from(products)
          .where(afterCode(products.code, conditions, after))
          .orderBy(asc(products.code))
          .limit(limit);
        return present(tx, ctx.tenantId, rows);
      };
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
  const users = await userFacts(tx, tenantId, wanted);
  return new Map([...users].map(([id, user]) => [id, user.email]));
}
