import { and, eq, inArray, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import {
  validateAgainstSchema,
  type ImportColumn,
  type ImportEntity,
  type ReadyRow,
  type RowProblem,
} from '../../../platform/bulk/index.js';
import { NonNegativeMoney } from '../../../platform/http/schemas.js';
import { Currency, Nullable, planningContext } from '../common.js';
import { importReferences, text } from '../import-refs.js';
import { productCustomerMatrix as matrix } from '../tables/planning.tables.js';

const MatrixImportRow = Type.Object({
  customer_code: Type.String({ minLength: 1, maxLength: 100 }),
  product_code: Type.String({ minLength: 1, maxLength: 100 }),
  price: NonNegativeMoney,
  currency: Nullable(Currency),
  rep_email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
  is_active: Nullable(Type.Boolean()),
});

export const MATRIX_COLUMNS: ImportColumn[] = [
  {
    name: 'customer_code',
    kind: 'text',
    required: true,
    description: 'Customer, by code',
    example: 'C-1001',
  },
  { name: 'product_code', kind: 'text', required: true, description: 'Product, by code', example: 'P-100' },
  {
    name: 'price',
    kind: 'decimal',
    required: true,
    description: 'Customer price, two decimals',
    example: '12.50',
  },
  { name: 'currency', kind: 'text', description: 'ISO 4217 (default: the tenant’s)', example: 'USD' },
  { name: 'rep_email', kind: 'text', description: 'Responsible rep, by e-mail', example: 'rep@example.com' },
  { name: 'is_active', kind: 'boolean', description: 'true/false (default true)', example: 'true' },
];

interface MatrixValue {
  customerId: string;
  productId: string;
  price: string;
  currency: string;
  repId: string | null;
  isActive: boolean;
}

const keyOf = (v: { customerId: string; productId: string }) => `${v.customerId}\u0000${v.productId}`;

/**
 * `product_customer_matrix`: rows identified by (customer, product). `upsert-by-code` updates the
 * pair's row (only the file's columns), `insert` rejects an existing pair (CODE_EXISTS).
 */
export const matrixImporter: ImportEntity<MatrixValue> = {
  name: 'product_customer_matrix',
  permission: 'matrix:write',
  columns: async () => MATRIX_COLUMNS,

  async prepare(tx, { ctx, rows, mode, memory }) {
    const { currency } = await planningContext(tx, ctx.tenantId);
    const refsOf = await importReferences(tx, ctx.tenantId, rows);
    const problems: RowProblem[] = [];
    let ready: ReadyRow<MatrixValue>[] = [];
    for (const { rowNumber, record } of rows) {
      const body = Object.fromEntries(
        Object.keys(MatrixImportRow.properties).map((name) => [name, record[name] ?? null]),
      );
      const rowProblems = validateAgainstSchema(MatrixImportRow, body, rowNumber);
      const { customerCode, productCode, customerId, productId, repId } = refsOf(
        body,
        rowNumber,
        rowProblems,
      );
      if (rowProblems.length) {
        problems.push(...rowProblems);
        continue;
      }
      const value: MatrixValue = {
        customerId: customerId!,
        productId: productId!,
        price: body.price as string,
        currency: text(body.currency) ?? currency,
        repId: repId ?? null,
        isActive: body.is_active === null ? true : (body.is_active as boolean),
      };
      const first = memory.claim('matrix', keyOf(value), rowNumber);
      if (first !== undefined) {
        problems.push({
          rowNumber,
          column: 'product_code',
          code: 'DUPLICATE_IN_FILE',
          message: `this customer and product are already in row ${first}`,
          value: productCode,
        });
        continue;
      }
      ready.push({ rowNumber, code: `${customerCode}/${productCode}`, value });
    }
    if (mode === 'insert' && ready.length) {
      const stored = await tx.db
        .select({ customerId: matrix.customerId, productId: matrix.productId })
        .from(matrix)
        .where(
          and(
            eq(matrix.tenantId, ctx.tenantId),
            inArray(matrix.customerId, [...new Set(ready.map((r) => r.value.customerId))]),
          ),
        );
      const taken = new Set(stored.map(keyOf));
      for (const row of ready.filter((r) => taken.has(keyOf(r.value))))
        problems.push({
          rowNumber: row.rowNumber,
          column: 'product_code',
          code: 'CODE_EXISTS',
          message: 'this customer and product already have a row (use mode upsert-by-code to update it)',
          value: row.code,
        });
      ready = ready.filter((r) => !taken.has(keyOf(r.value)));
    }
    return { ready, problems };
  },

  async write(tx, { ctx, rows, columns }) {
    if (!rows.length) return { created: 0, updated: 0, unchanged: 0 };
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    const optional = [
      { file: 'currency', column: 'currency', key: 'currency', stored: matrix.currency },
      { file: 'rep_email', column: 'rep_id', key: 'repId', stored: matrix.repId },
      { file: 'is_active', column: 'is_active', key: 'isActive', stored: matrix.isActive },
    ] as const;
    const present = optional.filter((o) => columns.has(o.file));
    const changed = [
      sql`${matrix.price} is distinct from ${excluded('price')}`,
      ...present.map((o) => sql`${o.stored} is distinct from ${excluded(o.column)}`),
    ];
    const written = await tx.db
      .insert(matrix)
      .values(
        rows.map(({ value }) => ({
          tenantId: ctx.tenantId,
          customerId: value.customerId,
          productId: value.productId,
          price: value.price,
          currency: value.currency,
          repId: value.repId,
          isActive: value.isActive,
        })),
      )
      .onConflictDoUpdate({
        target: [matrix.tenantId, matrix.customerId, matrix.productId],
        set: {
          price: excluded('price'),
          ...Object.fromEntries(present.map((o) => [o.key, excluded(o.column)])),
          updatedAt: new Date(),
        },
        setWhere: sql.join(changed, sql` or `),
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    const created = written.filter((w) => w.inserted).length;
    return { created, updated: written.length - created, unchanged: rows.length - written.length };
  },
};
