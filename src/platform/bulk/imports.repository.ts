import { and, asc, count, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/types.js';
import type { ReadyRow, RowProblem } from './entity.js';
import { importErrors, importRuns, importStagedRows, type ImportStatus } from './imports.tables.js';

export type ImportRunRow = typeof importRuns.$inferSelect;
export type NewImportRun = typeof importRuns.$inferInsert;
export type ImportErrorRow = typeof importErrors.$inferSelect;

/** Error messages and cell values are cut to this length: a stray megabyte cell must not bloat the log. */
const MAX_TEXT = 500;
const clip = (text: string | null | undefined) => (text == null ? null : text.slice(0, MAX_TEXT));

export async function insertRun(tx: Tx, values: NewImportRun): Promise<ImportRunRow> {
  const [row] = await tx.db.insert(importRuns).values(values).returning();
  return row!;
}

export async function findRun(
  tx: Tx,
  tenantId: string,
  id: string,
  lock = false,
): Promise<ImportRunRow | undefined> {
  const query = tx.db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.tenantId, tenantId), eq(importRuns.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function updateRun(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: Partial<NewImportRun>,
): Promise<ImportRunRow | undefined> {
  const [row] = await tx.db
    .update(importRuns)
    .set(patch)
    .where(and(eq(importRuns.tenantId, tenantId), eq(importRuns.id, id)))
    .returning();
  return row;
}

/** Thrown when the attempt no longer holds its run: another worker took it over (see claim.ts). */
export class ClaimLost extends Error {
  constructor(readonly importId: string) {
    super(`Import run ${importId} was taken over by another worker.`);
    this.name = 'ClaimLost';
  }
}

const RUNNING = ['validating', 'importing'] as const;

/**
 * The heartbeat is the database's clock, never a process's: instances with skewed clocks agree.
 * Stale: no attempt holds the run (null), its heartbeat is older than `staleMs`, or it was renewed
 * before `bootedBefore` (PGlite: only one process can open the data directory, so a heartbeat
 * from before this process started belongs to a dead one).
 */
function heartbeatStale(staleMs: number, bootedBefore?: Date): SQL {
  return or(
    isNull(importRuns.heartbeatAt),
    lt(importRuns.heartbeatAt, sql`now() - ${staleMs}::int * interval '1 millisecond'`),
    ...(bootedBefore ? [lt(importRuns.heartbeatAt, bootedBefore)] : []),
  )!;
}

/**
 * Claims a run that is not finished for the attempt `token`: one that is free (pending, released or
 * with a stale heartbeat), or that a recovery handed to this job (`handoff`). Undefined when the run
 * is finished, gone, or held by a live attempt — then this attempt must leave it alone.
 */
export async function claimRun(
  tx: Tx,
  tenantId: string,
  id: string,
  claim: { token: string; handoff?: string; staleMs: number },
): Promise<ImportRunRow | undefined> {
  const [row] = await tx.db
    .update(importRuns)
    .set({ claim: claim.token, heartbeatAt: sql`now()` })
    .where(
      and(
        eq(importRuns.tenantId, tenantId),
        eq(importRuns.id, id),
        inArray(importRuns.status, ['pending', ...RUNNING]),
        claim.handoff
          ? or(heartbeatStale(claim.staleMs), eq(importRuns.claim, claim.handoff))
          : heartbeatStale(claim.staleMs),
      ),
    )
    .returning();
  return row;
}

/** `updateRun` by the attempt holding the run, renewing its heartbeat; throws ClaimLost otherwise. */
export async function updateClaimed(
  tx: Tx,
  tenantId: string,
  id: string,
  token: string,
  patch: Partial<NewImportRun>,
): Promise<ImportRunRow> {
  const [row] = await tx.db
    .update(importRuns)
    .set({ ...patch, heartbeatAt: sql`now()` })
    .where(and(eq(importRuns.tenantId, tenantId), eq(importRuns.id, id), eq(importRuns.claim, token)))
    .returning();
  if (!row) throw new ClaimLost(id);
  return row;
}

/** Renews the heartbeat of a running run this attempt holds; false when it no longer does. */
export async function touchRun(tx: Tx, tenantId: string, id: string, token: string): Promise<boolean> {
  const rows = await tx.db
    .update(importRuns)
    .set({ heartbeatAt: sql`now()` })
    .where(
      and(
        eq(importRuns.tenantId, tenantId),
        eq(importRuns.id, id),
        eq(importRuns.claim, token),
        inArray(importRuns.status, RUNNING),
      ),
    )
    .returning({ id: importRuns.id });
  return rows.length > 0;
}

/** Frees a run this attempt holds (it stops; the job's retry claims it at once). */
export async function releaseRun(tx: Tx, tenantId: string, id: string, token: string): Promise<void> {
  await tx.db
    .update(importRuns)
    .set({ heartbeatAt: null })
    .where(and(eq(importRuns.tenantId, tenantId), eq(importRuns.id, id), eq(importRuns.claim, token)));
}

export interface StaleRun {
  tenantId: string;
  id: string;
  createdBy: string | null;
}

/** Every tenant's running runs whose worker is gone (as the owner: the sweep serves all tenants). */
export async function findStaleRuns(tx: Tx, staleMs: number, bootedBefore?: Date): Promise<StaleRun[]> {
  return tx.db
    .select({ tenantId: importRuns.tenantId, id: importRuns.id, createdBy: importRuns.createdBy })
    .from(importRuns)
    .where(and(inArray(importRuns.status, RUNNING), heartbeatStale(staleMs, bootedBefore)))
    .orderBy(asc(importRuns.heartbeatAt))
    .limit(100);
}

/**
 * Takes over a stale run for a recovery, if it still is stale: hands it to `handoff` (the job about
 * to be enqueued) with a fresh heartbeat, so another instance sweeping at the same moment finds it
 * taken. Undefined when someone else took it or it moved on.
 */
export async function takeOverRun(
  tx: Tx,
  tenantId: string,
  id: string,
  take: { handoff: string; staleMs: number; bootedBefore?: Date },
): Promise<ImportRunRow | undefined> {
  const [row] = await tx.db
    .update(importRuns)
    .set({ claim: take.handoff, heartbeatAt: sql`now()`, recoveries: sql`${importRuns.recoveries} + 1` })
    .where(
      and(
        eq(importRuns.tenantId, tenantId),
        eq(importRuns.id, id),
        inArray(importRuns.status, RUNNING),
        heartbeatStale(take.staleMs, take.bootedBefore),
      ),
    )
    .returning();
  return row;
}

export async function listRuns(
  tx: Tx,
  tenantId: string,
  filter: { entities: string[]; status?: ImportStatus; limit: number; offset: number },
): Promise<{ rows: ImportRunRow[]; total: number }> {
  if (filter.entities.length === 0) return { rows: [], total: 0 };
  const conditions: SQL[] = [eq(importRuns.tenantId, tenantId), inArray(importRuns.entity, filter.entities)];
  if (filter.status) conditions.push(eq(importRuns.status, filter.status));
  const where = and(...conditions);
  const [rows, [counted]] = await Promise.all([
    tx.db
      .select()
      .from(importRuns)
      .where(where)
      .orderBy(desc(importRuns.createdAt), desc(importRuns.id))
      .limit(filter.limit)
      .offset(filter.offset),
    tx.db.select({ total: count() }).from(importRuns).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

export async function insertErrors(tx: Tx, tenantId: string, importId: string, problems: RowProblem[]) {
  // One statement per 1,000 rows keeps the bind parameters far below PostgreSQL's limit.
  for (let start = 0; start < problems.length; start += 1000) {
    await tx.db.insert(importErrors).values(
      problems.slice(start, start + 1000).map((p) => ({
        tenantId,
        importId,
        rowNumber: p.rowNumber,
        column: p.column,
        code: p.code,
        message: clip(p.message)!,
        value: clip(p.value),
      })),
    );
  }
}

export async function deleteErrors(tx: Tx, tenantId: string, importId: string): Promise<void> {
  await tx.db
    .delete(importErrors)
    .where(and(eq(importErrors.tenantId, tenantId), eq(importErrors.importId, importId)));
}

const errorOrder = [asc(importErrors.rowNumber), asc(importErrors.id)];

export async function listErrors(
  tx: Tx,
  tenantId: string,
  importId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: ImportErrorRow[]; total: number }> {
  const where = and(eq(importErrors.tenantId, tenantId), eq(importErrors.importId, importId));
  const [rows, [counted]] = await Promise.all([
    tx.db
      .select()
      .from(importErrors)
      .where(where)
      .orderBy(...errorOrder)
      .limit(page.limit)
      .offset(page.offset),
    tx.db.select({ total: count() }).from(importErrors).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

/** The next page after `after` (row number, id), for streaming every error without OFFSET. */
export async function errorsAfter(
  tx: Tx,
  tenantId: string,
  importId: string,
  after: { rowNumber: number; id: string } | null,
  limit: number,
): Promise<ImportErrorRow[]> {
  const conditions: (SQL | undefined)[] = [
    eq(importErrors.tenantId, tenantId),
    eq(importErrors.importId, importId),
  ];
  if (after) {
    conditions.push(
      or(
        gt(importErrors.rowNumber, after.rowNumber),
        and(eq(importErrors.rowNumber, after.rowNumber), gt(importErrors.id, after.id)),
      ),
    );
  }
  return tx.db
    .select()
    .from(importErrors)
    .where(and(...conditions))
    .orderBy(...errorOrder)
    .limit(limit);
}

/** Row numbers rejected so far (validation and write pass), for a run that resumes its write pass. */
export async function rejectedRowNumbers(tx: Tx, tenantId: string, importId: string): Promise<Set<number>> {
  const rows = await tx.db
    .selectDistinct({ rowNumber: importErrors.rowNumber })
    .from(importErrors)
    .where(and(eq(importErrors.tenantId, tenantId), eq(importErrors.importId, importId)));
  return new Set(rows.map((r) => r.rowNumber));
}

export async function stageRows(tx: Tx, tenantId: string, importId: string, rows: ReadyRow<unknown>[]) {
  if (rows.length === 0) return;
  await tx.db.insert(importStagedRows).values(
    rows.map((row) => ({
      tenantId,
      importId,
      rowNumber: row.rowNumber,
      code: row.code,
      payload: row.value,
    })),
  );
}

/** The next staged rows after a row number, in file order (keyset, not OFFSET). */
export async function stagedAfter(
  tx: Tx,
  tenantId: string,
  importId: string,
  afterRow: number,
  limit: number,
): Promise<ReadyRow<unknown>[]> {
  const rows = await tx.db
    .select({
      rowNumber: importStagedRows.rowNumber,
      code: importStagedRows.code,
      value: importStagedRows.payload,
    })
    .from(importStagedRows)
    .where(
      and(
        eq(importStagedRows.tenantId, tenantId),
        eq(importStagedRows.importId, importId),
        gt(importStagedRows.rowNumber, afterRow),
      ),
    )
    .orderBy(asc(importStagedRows.rowNumber))
    .limit(limit);
  return rows;
}

export async function deleteStaged(tx: Tx, tenantId: string, importId: string): Promise<void> {
  await tx.db
    .delete(importStagedRows)
    .where(and(eq(importStagedRows.tenantId, tenantId), eq(importStagedRows.importId, importId)));
}
