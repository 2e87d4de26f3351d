import { and, eq, sql, type SQL } from 'drizzle-orm';
import { sqlState } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import {
  checkReferences,
  customerOf,
  planningContext,
  productOf,
  refNameFields,
  refNamesJson,
  type RefNames,
} from '../common.js';
import { repScope } from '../scope.js';
import { productCustomerMatrix as matrix } from '../tables/planning.tables.js';
import type {
  CreateMatrixBody,
  MatrixFilters,
  MatrixListQuery,
  MatrixRow,
  UpdateMatrixBody,
} from './matrix.schemas.js';

type Row = typeof matrix.$inferSelect;
const ENTITY = 'matrix_row';

/** Matrix rows are scoped by their responsible rep (an agent sees the pairs they forecast). */
export const matrixResource = defineResource({
  table: matrix,
  name: 'Matrix row',
  tenantId: matrix.tenantId,
  id: matrix.id,
  scope: (ctx) => repScope(ctx, matrix.repId),
  sorts: { created_at: matrix.createdAt, updated_at: matrix.updatedAt, price: matrix.price },
});

const customer = customerOf(matrix.tenantId, matrix.customerId);
const product = productOf(matrix.tenantId, matrix.productId);
export const MATRIX_FIELDS = refNameFields(matrix);
type Names = RefNames;
export type MatrixNamed = Row & Names;

export function toMatrixJson(row: MatrixNamed): MatrixRow {
  return {
    id: row.id,
    ...refNamesJson(row),
    price: row.price,
    currency: row.currency,
    is_active: row.isActive,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function matrixConditions(query: MatrixFilters): (SQL | undefined)[] {
  const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
  return [
    query.customer_id ? eq(matrix.customerId, query.customer_id) : undefined,
    query.product_id ? eq(matrix.productId, query.product_id) : undefined,
    query.rep_id ? eq(matrix.repId, query.rep_id) : undefined,
    query.is_active !== undefined ? eq(matrix.isActive, query.is_active) : undefined,
    pattern
      ? sql`(${customer.code} ilike ${pattern} or ${customer.name} ilike ${pattern}
          or ${product.code} ilike ${pattern} or ${product.name} ilike ${pattern})`
      : undefined,
  ];
}

const rowExists = () =>
  conflict('MATRIX_ROW_EXISTS', 'This customer already has a matrix row for this product; change that one.');

const auditable = ({ created_at: _c, updated_at: _u, rep_name: _r, ...rest }: MatrixRow) => rest;

export function createMatrixService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);
  const read = (tx: Tx, ctx: CallContext, id: string) =>
    matrixResource.read<Names>(tx, ctx, id, MATRIX_FIELDS);

  async function audit(tx: Tx, ctx: CallContext, action: string, id: string, changes: object) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action: `${ENTITY}.${action}`,
      entityType: ENTITY,
      entityId: id,
      changes,
    });
  }

  /** A unique violation on (customer, product) is the stable 409, not the generic DUPLICATE. */
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (sqlState(error) === '23505') throw rowExists();
      throw error;
    }
  }

  return {
    list(ctx: CallContext, query: MatrixListQuery) {
      return tenantRead(ctx, async (tx) => {
        const page = await matrixResource.list<Names>(tx, ctx, query, {
          where: matrixConditions(query),
          fields: MATRIX_FIELDS,
        });
        return envelope('product_customer_matrix', page, toMatrixJson);
      });
    },

    get(ctx: CallContext, id: string): Promise<MatrixRow> {
      return tenantRead(ctx, async (tx) => toMatrixJson(await read(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateMatrixBody): Promise<MatrixRow> {
      return tenantTx(ctx, async (tx) => {
        await checkReferences(tx, ctx.tenantId, body);
        const [existing] = await tx.db
          .select({ id: matrix.id })
          .from(matrix)
          .where(
            and(
              eq(matrix.tenantId, ctx.tenantId),
              eq(matrix.customerId, body.customer_id),
              eq(matrix.productId, body.product_id),
            ),
          );
        if (existing) throw rowExists();
        const { currency } = await planningContext(tx, ctx.tenantId);
        const [row] = await guarded(() =>
          tx.db
            .insert(matrix)
            .values({
              tenantId: ctx.tenantId,
              customerId: body.customer_id,
              productId: body.product_id,
              price: body.price,
              currency: body.currency ?? currency,
              repId: body.rep_id ?? null,
              isActive: body.is_active ?? true,
            })
            .returning(),
        );
        const json = toMatrixJson(await read(tx, ctx, row!.id));
        await audit(tx, ctx, 'create', row!.id, { after: auditable(json) });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateMatrixBody): Promise<MatrixRow> {
      return tenantTx(ctx, async (tx) => {
        await matrixResource.find(tx, ctx, id, { lock: true });
        const before = await read(tx, ctx, id);
        if (body.rep_id) await checkReferences(tx, ctx.tenantId, { rep_id: body.rep_id });
        await tx.db
          .update(matrix)
          .set({
            ...(body.price !== undefined ? { price: body.price } : {}),
            ...(body.currency !== undefined ? { currency: body.currency } : {}),
            ...(body.rep_id !== undefined ? { repId: body.rep_id } : {}),
            ...(body.is_active !== undefined ? { isActive: body.is_active } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(matrix.tenantId, ctx.tenantId), eq(matrix.id, id)));
        const json = toMatrixJson(await read(tx, ctx, id));
        await audit(tx, ctx, 'update', id, diff(auditable(toMatrixJson(before)), auditable(json)));
        return json;
      });
    },

    remove(ctx: CallContext, id: string): Promise<void> {
      return tenantTx(ctx, async (tx) => {
        const before = await matrixResource.find(tx, ctx, id, { lock: true });
        await tx.db.delete(matrix).where(and(eq(matrix.tenantId, ctx.tenantId), eq(matrix.id, id)));
        await audit(tx, ctx, 'delete', id, {
          before: { customer_id: before.customerId, product_id: before.productId, price: before.price },
        });
      });
    },
  };
}

export type MatrixService = ReturnType<typeof createMatrixService>;
