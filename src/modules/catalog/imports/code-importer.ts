import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { TSchema } from 'typebox';
import type {
  CellValue,
  ImportColumn,
  ImportContext,
  ImportEntity,
  ImportServices,
  ReadyRow,
  RowProblem,
  WriteCounts,
} from '../../../platform/bulk/index.js';
import { validateAgainstSchema } from '../../../platform/bulk/index.js';
import type { Tx } from '../../../platform/db/types.js';
import { uuidv7 } from '../../../lib/ids.js';

/** A table whose rows a spreadsheet names by a per-tenant code. */
type CodeTable = PgTable & { tenantId: PgColumn; id: PgColumn; code: PgColumn; updatedAt: PgColumn };

/** Finds the ids of records named by code (folders, brands, org units, customers …). */
export async function idsByCode(
  tx: Tx,
  table: PgTable & { tenantId: PgColumn; id: PgColumn; code: PgColumn },
  tenantId: string,
  codes: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return new Map();
  const rows = (await tx.db
    .select({ code: table.code, id: table.id })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.code, wanted)))) as { code: string; id: string }[];
  return new Map(rows.map((row) => [row.code, row.id]));
}

/** A column that names another record (by its code, a user by e-mail …); the body gets its id. */
export interface Reference {
  column: string;
  field: string;
  /** What a value is looked up as, for the error when none is found: `user with e-mail`. */
  lookup: string;
  resolve(tx: Tx, tenantId: string, codes: string[]): Promise<Map<string, string>>;
}

export interface CodeImporterSpec<Body extends { code: string }, Values> {
  name: string;
  permission: string;
  table: CodeTable;
  columns(tx: Tx, ctx: ImportContext): Promise<ImportColumn[]>;
  /** The API's create schema: a row is accepted exactly when this body would be. */
  schema: TSchema;
  references: readonly Reference[];
  /** Ids the file's dynamic columns stand for (a price column's price type), loaded per batch. */
  columnIds?(tx: Tx, ctx: ImportContext, columns: ReadonlySet<string>): Promise<Map<string, string>>;
  /** The body of a row's plain (non-reference) columns; only columns the file has are set. */
  toBody(
    record: Record<string, CellValue>,
    columns: ReadonlySet<string>,
    columnIds: ReadonlyMap<string, string>,
  ): Record<string, unknown>;
  /** The body field a column's value lands in, for errors (defaults to the column name). */
  columnOf?(field: string): string;
  /** Checks the API does beyond the schema (paired fields, date order …). */
  checkBody?(body: Body): { field: string; message: string }[];
  /** Checks needing the database for the whole batch (a barcode owned by another product …). */
  checkBatch?(tx: Tx, ctx: ImportContext, rows: ReadyRow<Body>[]): Promise<RowProblem[]>;
  /** Per-run uniqueness beyond the code (barcodes inside one file …). */
  claims?(body: Body): { kind: string; value: string; column: string }[];
  /** The table values of a body (the service's own mapping). */
  values(body: Body): Values;
  /** Writes what lives outside the main table; returns the ids whose related rows changed. */
  afterWrite?(
    tx: Tx,
    ctx: ImportContext,
    rows: { id: string; body: Body }[],
    columns: ReadonlySet<string>,
  ): Promise<Set<string>>;
  /** Follow-up work for the rows this batch created or updated (queued in the write's transaction). */
  written?(
    tx: Tx,
    input: { ctx: ImportContext; ids: string[]; columns: ReadonlySet<string>; services: ImportServices },
  ): Promise<void>;
}

/**
 * An importer for an entity named by code: converts each row to the API's create body, resolves
 * references by code, validates with the API schema, then inserts or upserts by code in one
 * statement per batch. An upsert updates only the columns the file has and skips rows whose stored
 * values already match (`IS DISTINCT FROM`), so re-importing a file changes nothing.
 */
export function codeImporter<Body extends { code: string }, Values extends Record<string, unknown>>(
  spec: CodeImporterSpec<Body, Values>,
): ImportEntity<Body> {
  const referenceByField = new Map(spec.references.map((r) => [r.field, r.column]));
  const columnOf = (field: string) => referenceByField.get(field) ?? spec.columnOf?.(field) ?? field;

  return {
    name: spec.name,
    permission: spec.permission,
    columns: spec.columns,

    async prepare(tx, { ctx, rows, columns, mode, memory }) {
      const problems: RowProblem[] = [];
      const resolved = new Map<string, Map<string, string>>();
      for (const reference of spec.references) {
        if (!columns.has(reference.column)) continue;
        const codes = rows
          .map((r) => r.record[reference.column])
          .filter((c): c is string => typeof c === 'string');
        resolved.set(reference.column, await reference.resolve(tx, ctx.tenantId, codes));
      }
      const columnIds = (await spec.columnIds?.(tx, ctx, columns)) ?? new Map<string, string>();
      let ready: ReadyRow<Body>[] = [];
      for (const { rowNumber, record } of rows) {
        const body = spec.toBody(record, columns, columnIds);
        const rowProblems: RowProblem[] = [];
        for (const reference of spec.references) {
          if (!columns.has(reference.column)) continue;
          const code = record[reference.column];
          if (typeof code !== 'string') {
            body[reference.field] = null;
            continue;
          }
          const id = resolved.get(reference.column)!.get(code);
          if (id) body[reference.field] = id;
          else
            rowProblems.push({
              rowNumber,
              column: reference.column,
              code: 'REFERENCE_UNKNOWN',
              message: `no ${reference.lookup} "${code}"`,
              value: code,
            });
        }
        rowProblems.push(...validateAgainstSchema(spec.schema, body, rowNumber, columnOf));
        if (rowProblems.length === 0) {
          for (const { field, message } of spec.checkBody?.(body as Body) ?? []) {
            rowProblems.push({
              rowNumber,
              column: columnOf(field),
              code: 'VALUE_INVALID',
              message,
              value: null,
            });
          }
        }
        if (rowProblems.length === 0) {
          const typed = body as Body;
          for (const claim of [
            { kind: 'code', value: typed.code, column: 'code' },
            ...(spec.claims?.(typed) ?? []),
          ]) {
            const first = memory.claim(claim.kind, claim.value, rowNumber);
            if (first !== undefined) {
              rowProblems.push({
                rowNumber,
                column: claim.column,
                code: 'DUPLICATE_IN_FILE',
                message: `"${claim.value}" is already used by row ${first}`,
                value: claim.value,
              });
            }
          }
        }
        if (rowProblems.length) problems.push(...rowProblems);
        else ready.push({ rowNumber, code: (body as Body).code, value: body as Body });
      }
      if (mode === 'insert' && ready.length) {
        const existing = await idsByCode(
          tx,
          spec.table,
          ctx.tenantId,
          ready.map((r) => r.code),
        );
        const taken = ready.filter((r) => existing.has(r.code));
        for (const row of taken) {
          problems.push({
            rowNumber: row.rowNumber,
            column: 'code',
            code: 'CODE_EXISTS',
            message: 'a record with this code exists (use mode upsert-by-code to update it)',
            value: row.code,
          });
        }
        ready = ready.filter((r) => !existing.has(r.code));
      }
      if (spec.checkBatch && ready.length) {
        const batchProblems = await spec.checkBatch(tx, ctx, ready);
        const failed = new Set(batchProblems.map((p) => p.rowNumber));
        problems.push(...batchProblems);
        ready = ready.filter((r) => !failed.has(r.rowNumber));
      }
      return { ready, problems };
    },

    async write(tx, { ctx, rows, columns, mode, services }): Promise<WriteCounts> {
      if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };
      const values = rows.map((row) => ({ ...spec.values(row.value), tenantId: ctx.tenantId, id: uuidv7() }));
      const table = spec.table as CodeTable & Record<string, PgColumn>;
      const written = Object.keys(values[0]!).filter(
        (key) => key !== 'tenantId' && key !== 'id' && key !== 'code',
      );
      const insert = tx.db.insert(spec.table).values(values as never);
      const returned = (await (mode === 'insert'
        ? insert.returning({ id: table.id, code: table.code, inserted: sql<boolean>`true` })
        : insert
            .onConflictDoUpdate({
              target: [table.tenantId, table.code],
              set: { ...excludedOf(table, written), updatedAt: sql`now()` },
              setWhere: changed(table, written),
            })
            .returning({ id: table.id, code: table.code, inserted: sql<boolean>`xmax = 0` }))) as {
        id: string;
        code: string;
        inserted: boolean;
      }[];
      const created = returned.filter((r) => r.inserted).length;
      if (spec.written && returned.length)
        await spec.written(tx, { ctx, ids: returned.map((r) => r.id), columns, services });
      let updatedIds = new Set(returned.filter((r) => !r.inserted).map((r) => r.id));
      if (spec.afterWrite) {
        // Rows left untouched above still need their related rows (prices, barcodes) compared;
        // only their ids are not known yet.
        const ids = new Map(returned.map((r) => [r.code, r.id]));
        const untouched = rows.map((r) => r.code).filter((code) => !ids.has(code));
        for (const [code, id] of await idsByCode(tx, spec.table, ctx.tenantId, untouched)) ids.set(code, id);
        const related = await spec.afterWrite(
          tx,
          ctx,
          rows.map((r) => ({ id: ids.get(r.code)!, body: r.value })),
          columns,
        );
        const createdIds = new Set(returned.filter((r) => r.inserted).map((r) => r.id));
        updatedIds = new Set([...updatedIds, ...[...related].filter((id) => !createdIds.has(id))]);
      }
      return { created, updated: updatedIds.size, unchanged: rows.length - created - updatedIds.size };
    },
  };
}

function columnName(table: Record<string, PgColumn>, key: string): string {
  return table[key]!.name;
}

function excludedOf(table: Record<string, PgColumn>, keys: string[]): Record<string, SQL> {
  return Object.fromEntries(keys.map((key) => [key, sql.raw(`excluded."${columnName(table, key)}"`)]));
}

/** True when any written column differs from what is stored (NULL-safe). */
function changed(table: Record<string, PgColumn>, keys: string[]): SQL {
  const stored = sql.join(
    keys.map((key) => sql`${table[key]!}`),
    sql`, `,
  );
  const incoming = sql.join(
    keys.map((key) => sql.raw(`excluded."${columnName(table, key)}"`)),
    sql`, `,
  );
  return sql`(${stored}) is distinct from (${incoming})`;
}
