import type { Database } from '../db/types.js';
import type { ProgressBoard } from './runner.js';
import { updateRun } from './imports.repository.js';

/**
 * Where the write pass reports rows written. Its transaction hides them until it commits, so the
 * count is kept in this process for GET /imports/{id} to overlay; on PostgreSQL it is also saved
 * through another pooled connection, so API instances other than the worker's see it too (PGlite
 * has one connection, held by the write transaction, and only one process).
 */
export function createProgressBoard(db: Database) {
  const live = new Map<string, number>();
  const board: ProgressBoard & { rowsWritten(importId: string): number | undefined } = {
    async report(tenantId, importId, rowsWritten) {
      live.set(importId, rowsWritten);
      if (db.driver === 'postgres') {
        await db.withTenant({ tenantId }, (tx) => updateRun(tx, tenantId, importId, { rowsWritten }));
      }
    },
    clear(importId) {
      live.delete(importId);
    },
    rowsWritten: (importId) => live.get(importId),
  };
  return board;
}
