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
import { Nullable, Quantity } from '../common.js';
import { importReferences, text } from '../import-refs.js';
import { salesHistory } from '../tables/planning.tables.js';

/** One row as the API would take it: the file's columns by name, empty cells null. */
const SalesHistoryImportRow = Type.Object({
  customer_code: Type.String({ minLength: 1, maxLength: 100 }),
  product_code: Type.String({ minLength: 1, maxLength: 100 }),
  month: Type.String({ pattern: '^(?!0000)\\d{4}-(0[1-9]|1[0-2])(-\\d{2})?$' }),
  quantity: Quantity,
  revenue: NonNegativeMoney,
  cost: Nullable(NonNegativeMoney),
  rep_email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
});

export const SALES_HISTORY_COLUMNS: ImportColumn[] = [
  {
    name: 'customer_code',
    kind: 'text',
    required: true,
    description: 'Customer, by code',
    example: 'C-1001',
  },
  { name: 'product_code', kind: 'text', required: true, description: 'Product, by code', example: 'P-100' },
  {
    name: 'month',
    kind: 'text',
    required: true,
    description: 'YYYY-MM (a date YYYY-MM-DD stands for its month)',
    example: '2025-03',
  },
  { name: 'quantity', kind: 'number', required: true, description: 'Not negative', example: '120' },
  {
    name: 'revenue',
    kind: 'decimal',
    required: true,
    description: 'Not negative, two decimals',
    example: '1500.00',
  },
  { name: 'cost', kind: 'decimal', description: 'Not negative, two decimals (default 0)', example: '900.00' },
  { name: 'rep_email', kind: 'text', description: 'The rep who sold, by e-mail', example: 'rep@example.com' },
];

interface SalesValue {
  customerId: string;
  productId: string;
  month: string;
  quantity: string;
  revenue: string;
  cost: string | null;
  repId: string | null;
}

const keyOf = (v: { customerId: string; productId: string; month: string }) =>
  `${v.customerId}\u0000${v.productId}\u0000${v.month}`;

/**
 * `sales_history`: actual sales per customer, product and month. Rows are identified by
 * (customer, product, month): `upsert-by-code` updates an existing month, `insert` rejects it
 * (CODE_EXISTS). References by code and the rep by e-mail; each problem rejects its row.
 */
export const salesHistoryImporter: ImportEntity<SalesValue> = {
  name: 'sales_history',
  permission: 'sales_history:import',
  columns: async () => SALES_HISTORY_COLUMNS,

  async prepare(tx, { ctx, rows, mode, memory }) {
    const refsOf = await importReferences(tx, ctx.tenantId, rows);
    const problems: RowProblem[] = [];
    let ready: ReadyRow<SalesValue>[] = [];
    for (const { rowNumber, record } of rows) {
      const body = Object.fromEntries(
        Object.keys(SalesHistoryImportRow.properties).map((name) => [name, record[name] ?? null]),
      );
      if (typeof body.quantity === 'string') body.quantity = Number(body.quantity);
      const rowProblems = validateAgainstSchema(SalesHistoryImportRow, body, rowNumber);
      const { customerCode, productCode, customerId, productId, repId } = refsOf(
        body,
        rowNumber,
        rowProblems,
      );
      if (rowProblems.length) {
        problems.push(...rowProblems);
        continue;
      }
      const month = `${(body.month as string).slice(0, 7)}-01`;
      const value: SalesValue = {
        customerId: customerId!,
        productId: productId!,
        month,
        quantity: String(body.quantity),
        revenue: body.revenue as string,
        cost: text(body.cost),
        repId: repId ?? null,
      };
      const first = memory.claim('sales_history', keyOf(value), rowNumber);
      if (first !== undefined) {
        problems.push({
          rowNumber,
          column: 'month',
          code: 'DUPLICATE_IN_FILE',
          message: `this customer, product and month are already in row ${first}`,
          value: month.slice(0, 7),
        });
        continue;
      }
      ready.push({ rowNumber, code: `${customerCode}/${productCode}/${month.slice(0, 7)}`, value });
    }
    if (mode === 'insert' && ready.length) {
      const stored = await tx.db
        .select({
          customerId: salesHistory.customerId,
          productId: salesHistory.productId,
          month: salesHistory.month,
        })
        .from(salesHistory)
        .where(
          and(
            eq(salesHistory.tenantId, ctx.tenantId),
            inArray(salesHistory.customerId, [...new Set(ready.map((r) => r.value.customerId))]),
            inArray(salesHistory.month, [...new Set(ready.map((r) => r.value.month))]),
          ),
        );
      const taken = new Set(stored.map(keyOf));
      for (const row of ready.filter((r) => taken.has(keyOf(r.value))))
        problems.push({
          rowNumber: row.rowNumber,
          column: 'month',
          code: 'CODE_EXISTS',
          message:
            'this customer, product and month are already recorded (use mode upsert-by-code to update)',
          value: row.code,
        });
      ready = ready.filter((r) => !taken.has(keyOf(r.value)));
    }
    return { ready, problems };
  },

  /** One upsert per chunk; a row whose stored values already match is left untouched. */
  async write(tx, { ctx, rows, columns }) {
    if (!rows.length) return { created: 0, updated: 0, unchanged: 0 };
    const hasCost = columns.has('cost');
    const hasRep = columns.has('rep_email');
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    const changed = [
      sql`${salesHistory.quantity} is distinct from ${excluded('quantity')}`,
      sql`${salesHistory.revenue} is distinct from ${excluded('revenue')}`,
      hasCost ? sql`${salesHistory.cost} is distinct from ${excluded('cost')}` : undefined,
      hasRep ? sql`${salesHistory.repId} is distinct from ${excluded('rep_id')}` : undefined,
    ].filter((c) => c !== undefined);
    const written = await tx.db
      .insert(salesHistory)
      .values(
        rows.map(({ value }) => ({
          tenantId: ctx.tenantId,
          customerId: value.customerId,
          productId: value.productId,
          month: value.month,
          quantity: value.quantity,
          revenue: value.revenue,
          cost: value.cost ?? '0',
          repId: value.repId,
        })),
      )
      .onConflictDoUpdate({
        target: [salesHistory.tenantId, salesHistory.customerId, salesHistory.productId, salesHistory.month],
        set: {
          quantity: excluded('quantity'),
          revenue: excluded('revenue'),
          ...(hasCost ? { cost: excluded('cost') } : {}),
          ...(hasRep ? { repId: excluded('rep_id') } : {}),
          updatedAt: new Date(),
        },
        setWhere: sql.join(changed, sql` or `),
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    const created = written.filter((w) => w.inserted).length;
    return { created, updated: written.length - created, unchanged: rows.length - written.length };
  },
};
