import { asc, getTableColumns, gt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { crudRoutes } from '../../../platform/resource/index.js';
import { exportRoute, EXPORT_PAGE } from '../export.js';
import { productCustomerMatrix as matrix } from '../tables/planning.tables.js';
import {
  CreateMatrixBody,
  MatrixExportQuery,
  MatrixListQuery,
  MatrixRow,
  UpdateMatrixBody,
} from './matrix.schemas.js';
import {
  MATRIX_FIELDS,
  matrixConditions,
  matrixResource,
  toMatrixJson,
  type MatrixNamed,
  type MatrixService,
} from './matrix.service.js';

const tag = 'product-customer-matrix';
const REP_EMAIL = sql<
  string | null
>`(select u.email from users u where u.tenant_id = ${matrix.tenantId} and u.id = ${matrix.repId})`;

/** The import's columns first (an edited export imports again), then the names. */
export const MATRIX_EXPORT_HEADER = [
  'customer_code',
  'product_code',
  'price',
  'currency',
  'rep_email',
  'is_active',
  'customer_name',
  'product_name',
  'rep_name',
];

export function matrixRoutes(app: FastifyInstance, db: TenantDatabase, service: MatrixService): void {
  // Before the CRUD routes' /:id so "export" is never read as an id.
  exportRoute<MatrixExportQuery, MatrixNamed & { repEmail: string | null }>(app, db, {
    path: '/product-customer-matrix/export',
    tag,
    permission: 'matrix:read',
    summary: 'Export the matrix rows in scope as CSV or XLSX (the list’s filters apply)',
    query: MatrixExportQuery,
    entity: 'product_customer_matrix',
    header: MATRIX_EXPORT_HEADER,
    page: async (tx, ctx, query, afterId) =>
      (await tx.db
        .select({ ...getTableColumns(matrix), ...MATRIX_FIELDS, repEmail: REP_EMAIL })
        .from(matrix)
        .where(
          matrixResource.where(ctx, ...matrixConditions(query), afterId ? gt(matrix.id, afterId) : undefined),
        )
        .orderBy(asc(matrix.id))
        .limit(EXPORT_PAGE)) as (MatrixNamed & { repEmail: string | null })[],
    cells: (row) => {
      const json = toMatrixJson(row);
      return [
        json.customer_code,
        json.product_code,
        json.price,
        json.currency,
        row.repEmail,
        json.is_active,
        json.customer_name,
        json.product_name,
        json.rep_name,
      ];
    },
  });
  crudRoutes(
    app,
    {
      path: '/product-customer-matrix',
      tag,
      listKey: 'product_customer_matrix',
      singular: 'customer–product matrix row',
      permission: 'matrix',
      item: MatrixRow,
      list: {
        query: MatrixListQuery,
        summary:
          'List customer–product matrix rows in the data scope (an agent: the rows they are responsible for)',
      },
      create: {
        body: CreateMatrixBody,
        summary:
          'Add a customer–product pair with its customer price (an existing pair: 409 MATRIX_ROW_EXISTS; unknown ids: 422)',
      },
      read: {},
      update: {
        body: UpdateMatrixBody,
        summary: 'Change a matrix row’s price, currency, rep or active flag (partial)',
      },
      delete: { summary: 'Delete a matrix row' },
    },
    service,
  );
}
