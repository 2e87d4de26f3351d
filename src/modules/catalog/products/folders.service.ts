import { and, asc, count, eq, like, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, tenantTxOf } from '../../../platform/resource/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { type CallContext, diff, writeAudit } from '../../identity/index.js';
import { priceTypes, productFolders, products } from '../tables/products.tables.js';
import type {
  CreateFolderBody,
  CreatePriceTypeBody,
  FolderListQuery,
  PriceType,
  ProductFolder,
  UpdateFolderBody,
} from './products.schemas.js';
import { lockFolderTree } from './folder-tree-lock.js';

type FolderRow = typeof productFolders.$inferSelect;

/** One audit row for a catalog change, in the caller's transaction. */
export const auditChange = (
  tx: Tx,
  ctx: CallContext,
  action: string,
  entityType: string,
  entityId: string,
  changes: ReturnType<typeof diff>,
) => writeAudit(tx, ctx.audit, { tenantId: ctx.tenantId, action, entityType, entityId, changes });

export function toFolderJson(row: FolderRow): ProductFolder {
  return {
    id: row.id,
    parent_id: row.parentId,
    code: row.code,
    name: row.name,
    path: row.path,
    depth: row.depth,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Nests a flat list (ordered by path) under its roots. */
function nest(folders: ProductFolder[]): ProductFolder[] {
  const byId = new Map(folders.map((f) => [f.id, { ...f, children: [] as ProductFolder[] }]));
  const roots: ProductFolder[] = [];
  for (const folder of byId.values()) {
    const parent = folder.parent_id ? byId.get(folder.parent_id) : undefined;
    (parent ? parent.children : roots).push(folder);
  }
  return roots;
}

const toPriceTypeJson = (row: typeof priceTypes.$inferSelect): PriceType => ({
  id: row.id,
  name: row.name,
  currency: row.currency,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

const folderResource = defineResource({
  table: productFolders,
  name: 'Folder',
  tenantId: productFolders.tenantId,
  id: productFolders.id,
  sorts: { path: productFolders.path },
});

/** The tenant's folder `id`, or undefined: a reference check (an unknown folder is 422, not 404). */
export async function findFolder(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx.db
    .select()
    .from(productFolders)
    .where(and(eq(productFolders.tenantId, tenantId), eq(productFolders.id, id)));
  return row;
}

/** The product folder tree (materialised paths; a move carries the subtree) and price types. */
export function createFoldersService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const audit = auditChange;

  return {
    // ---------- folders ----------
    listFolders(ctx: CallContext, query: FolderListQuery) {
      return tenantTx(ctx, async (tx) => {
        const rows = await tx.db
          .select()
          .from(productFolders)
          .where(eq(productFolders.tenantId, ctx.tenantId))
          .orderBy(asc(productFolders.path));
        const folders = rows.map(toFolderJson);
        return { folders: query.tree ? nest(folders) : folders };
      });
    },

    createFolder(ctx: CallContext, body: CreateFolderBody) {
      return tenantTx(ctx, async (tx) => {
        if (body.parent_id) await lockFolderTree(tx, ctx.tenantId);
        const parent = body.parent_id ? await findFolder(tx, ctx.tenantId, body.parent_id) : undefined;
        if (body.parent_id && !parent)
          throw validationFailed([{ path: '/body/parent_id', message: 'no such folder' }]);
        const id = uuidv7();
        const [row] = await tx.db
          .insert(productFolders)
          .values({
            tenantId: ctx.tenantId,
            id,
            parentId: parent?.id ?? null,
            code: body.code ?? null,
            name: body.name,
            path: `${parent?.path ?? '/'}${id}/`,
            depth: parent ? parent.depth + 1 : 0,
          })
          .returning();
        const folder = toFolderJson(row!);
        await audit(tx, ctx, 'product_folder.create', 'product_folder', id, diff(undefined, folder));
        return folder;
      });
    },

    updateFolder(ctx: CallContext, id: string, body: UpdateFolderBody) {
      return tenantTx(ctx, async (tx) => {
        if (body.parent_id !== undefined) await lockFolderTree(tx, ctx.tenantId);
        const current = await folderResource.find(tx, ctx, id, { lock: true });
        const moving = body.parent_id !== undefined && body.parent_id !== current.parentId;
        if (moving) {
          const parent = body.parent_id ? await findFolder(tx, ctx.tenantId, body.parent_id) : undefined;
          if (body.parent_id && !parent)
            throw validationFailed([{ path: '/body/parent_id', message: 'no such folder' }]);
          if (parent && parent.path.startsWith(current.path))
            throw conflict('FOLDER_CYCLE', 'A folder cannot move under itself or its own descendant.');
          const newPath = `${parent?.path ?? '/'}${id}/`;
          const delta = (parent ? parent.depth + 1 : 0) - current.depth;
          // The folder and its whole subtree, in one statement.
          await tx.db
            .update(productFolders)
            .set({
              path: sql`${newPath} || substr(${productFolders.path}, ${current.path.length + 1})`,
              depth: sql`${productFolders.depth} + ${delta}`,
              updatedAt: new Date(),
            })
            .where(
              and(eq(productFolders.tenantId, ctx.tenantId), like(productFolders.path, `${current.path}%`)),
            );
        }
        const [row] = await tx.db
          .update(productFolders)
          .set({
            name: body.name,
            code: body.code,
            parentId: moving ? (body.parent_id ?? null) : undefined,
            updatedAt: new Date(),
          })
          .where(and(eq(productFolders.tenantId, ctx.tenantId), eq(productFolders.id, id)))
          .returning();
        const after = toFolderJson(row!);
        await audit(
          tx,
          ctx,
          moving ? 'product_folder.move' : 'product_folder.update',
          'product_folder',
          id,
          diff(toFolderJson(current), after),
        );
        return after;
      });
    },

    removeFolder(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await folderResource.find(tx, ctx, id, { lock: true });
        const [children] = await tx.db
          .select({ n: count() })
          .from(productFolders)
          .where(and(eq(productFolders.tenantId, ctx.tenantId), eq(productFolders.parentId, id)));
        const [items] = await tx.db
          .select({ n: count() })
          .from(products)
          .where(and(eq(products.tenantId, ctx.tenantId), eq(products.folderId, id)));
        if (Number(children?.n) > 0 || Number(items?.n) > 0)
          throw conflict('FOLDER_NOT_EMPTY', 'The folder still has sub-folders or products.');
        await tx.db
          .delete(productFolders)
          .where(and(eq(productFolders.tenantId, ctx.tenantId), eq(productFolders.id, id)));
        await audit(
          tx,
          ctx,
          'product_folder.delete',
          'product_folder',
          id,
          diff(toFolderJson(current), undefined),
        );
      });
    },

    // ---------- price types ----------
    listPriceTypes(ctx: CallContext) {
      return tenantTx(ctx, async (tx) => {
        const rows = await tx.db
          .select()
          .from(priceTypes)
          .where(eq(priceTypes.tenantId, ctx.tenantId))
          .orderBy(asc(priceTypes.name));
        return { price_types: rows.map(toPriceTypeJson) };
      });
    },

    createPriceType(ctx: CallContext, body: CreatePriceTypeBody) {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(priceTypes)
          .values({ tenantId: ctx.tenantId, name: body.name, currency: body.currency })
          .returning();
        const priceType = toPriceTypeJson(row!);
        await audit(tx, ctx, 'price_type.create', 'price_type', row!.id, diff(undefined, priceType));
        return priceType;
      });
    },
  };
}

export type FoldersService = ReturnType<typeof createFoldersService>;
