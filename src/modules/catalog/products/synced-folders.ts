import { and, eq, like, sql } from 'drizzle-orm';
import { uuidv7 } from '../../../lib/ids.js';
import { anyId } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import {
  bindSyncedRows,
  emptyOutcome,
  lastPerExternalId,
  linkExternalRefs,
  resolveExternalIds,
  sameText,
  updateFromJson,
  type SyncOutcome,
  type SyncSource,
} from '../core/synced-refs.js';
import { productFolders } from '../tables/products.tables.js';
import { lockFolderTree } from './folder-tree-lock.js';

export interface SyncedFolder {
  externalId: string;
  code: string | null;
  name: string;
  parentExternalId: string | null;
}

type FolderFacts = { path: string; depth: number };

/**
 * Product folders kept in step with an ERP. Parents come before their children (the page is put in
 * tree order; a parent is either linked already or in the same page), so each new folder's
 * materialised path is known when it is written; a folder that moves carries its subtree's paths
 * with it in one statement, as a move through the API does. A folder whose parent is not synced,
 * or that would move under itself, is a failure of that row.
 */
export async function upsertSyncedFolders(
  tx: Tx,
  source: SyncSource,
  input: readonly SyncedFolder[],
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  const tenantId = source.tenantId;
  const rows = lastPerExternalId(input);
  if (!rows.length) return outcome;
  await lockFolderTree(tx, tenantId);
  const spec = {
    table: 'product_folders',
    entityType: 'product_folder',
    what: 'folder',
    codeOf: (r: SyncedFolder) => r.code,
  };
  const { targets, failures } = await bindSyncedRows(tx, source, spec, rows, uuidv7);
  outcome.failures.push(...failures);
  const parentRefs = await resolveExternalIds(
    tx,
    source,
    'product_folder',
    rows.flatMap((r) => (r.parentExternalId ? [r.parentExternalId] : [])),
  );
  const idOf = new Map(targets.map((t) => [t.row.externalId, t.id]));
  const known = [...new Set([...targets.filter((t) => !t.isNew).map((t) => t.id), ...parentRefs.values()])];
  const current = new Map(
    known.length
      ? (
          await tx.db
            .select()
            .from(productFolders)
            .where(and(eq(productFolders.tenantId, tenantId), anyId(productFolders.id, known)))
        ).map((row) => [row.id, row])
      : [],
  );
  /** Paths and depths as they stand after the page's earlier folders were applied. */
  const facts = new Map<string, FolderFacts>(
    [...current].map(([id, row]) => [id, { path: row.path, depth: row.depth }]),
  );

  const inserts: (typeof productFolders.$inferInsert)[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const target of treeOrder(targets)) {
    const { row, id, isNew } = target;
    const parentId = row.parentExternalId
      ? (idOf.get(row.parentExternalId) ?? parentRefs.get(row.parentExternalId))
      : null;
    const parent = parentId ? facts.get(parentId) : undefined;
    if (row.parentExternalId && (!parentId || !parent)) {
      outcome.failures.push({
        externalId: row.externalId,
        reason: `parent folder ${row.parentExternalId} is not synced`,
      });
      continue;
    }
    const now = current.get(id);
    if (isNew || !now) {
      const path = `${parent?.path ?? '/'}${id}/`;
      facts.set(id, { path, depth: parent ? parent.depth + 1 : 0 });
      inserts.push({
        tenantId,
        id,
        parentId,
        code: row.code,
        name: row.name,
        path,
        depth: parent ? parent.depth + 1 : 0,
      });
      outcome.ids.set(row.externalId, id);
      outcome.created++;
      continue;
    }
    const here = facts.get(id)!;
    const moving = (now.parentId ?? null) !== (parentId ?? null);
    if (moving && parent?.path.startsWith(here.path)) {
      outcome.failures.push({ externalId: row.externalId, reason: 'the folder would move under itself' });
      continue;
    }
    outcome.ids.set(row.externalId, id);
    if (!moving && sameText(now.name, row.name) && sameText(now.code, row.code)) {
      outcome.unchanged++;
      continue;
    }
    if (moving) await moveSubtree(tx, tenantId, id, here, parent, facts);
    updates.push({ id, parent_id: parentId, code: row.code, name: row.name });
    outcome.updated++;
  }
  if (inserts.length) await tx.db.insert(productFolders).values(inserts);
  await updateFromJson(
    tx,
    'product_folders',
    tenantId,
    [
      ['parent_id', 'uuid'],
      ['code', 'text'],
      ['name', 'text'],
    ],
    updates,
  );
  await linkExternalRefs(
    tx,
    source,
    'product_folder',
    targets
      .filter((t) => (t.isNew || t.link) && outcome.ids.has(t.row.externalId))
      .map((t) => ({ externalId: t.row.externalId, entityId: t.id })),
  );
  return outcome;
}

/** The folder and its subtree get the new parent's path, in the database and in `facts`. */
async function moveSubtree(
  tx: Tx,
  tenantId: string,
  id: string,
  here: FolderFacts,
  parent: FolderFacts | undefined,
  facts: Map<string, FolderFacts>,
) {
  const newPath = `${parent?.path ?? '/'}${id}/`;
  const delta = (parent ? parent.depth + 1 : 0) - here.depth;
  await tx.db
    .update(productFolders)
    .set({
      path: sql`${newPath} || substr(${productFolders.path}, ${here.path.length + 1})`,
      depth: sql`${productFolders.depth} + ${delta}`,
      updatedAt: new Date(),
    })
    .where(and(eq(productFolders.tenantId, tenantId), like(productFolders.path, `${here.path}%`)));
  const oldPath = here.path;
  for (const [key, value] of facts)
    if (value.path.startsWith(oldPath))
      facts.set(key, { path: newPath + value.path.slice(oldPath.length), depth: value.depth + delta });
}

/** Parents before children within the page (rows whose parent is outside the page keep their order). */
function treeOrder<T extends { row: SyncedFolder }>(targets: readonly T[]): T[] {
  const byExternal = new Map(targets.map((t) => [t.row.externalId, t]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: T) => {
    const key = t.row.externalId;
    if (state.get(key)) return; // done, or a cycle: the row is applied where the cycle is found
    state.set(key, 'visiting');
    const parent = t.row.parentExternalId ? byExternal.get(t.row.parentExternalId) : undefined;
    if (parent) visit(parent);
    state.set(key, 'done');
    ordered.push(t);
  };
  targets.forEach(visit);
  return ordered;
}
