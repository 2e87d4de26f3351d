import { and, eq, ilike, isNotNull, isNull, or } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { warehouses } from '../tables/core.tables.js';
import { externalRefsColumn, externalRefsOf } from './external-refs.js';
import type {
  CreateWarehouseBody,
  ExternalRef,
  UpdateWarehouseBody,
  Warehouse,
  WarehouseListQuery,
} from './core.schemas.js';

type WarehouseRow = typeof warehouses.$inferSelect;
type NewWarehouseRow = typeof warehouses.$inferInsert;

const ENTITY = 'warehouse';

/** What a by-id read selects besides the row: its external references, in the same statement. */
const withRefs = { externalRefs: externalRefsColumn(ENTITY, warehouses) };

export function toWarehouseJson(row: WarehouseRow, refs: ExternalRef[] = []): Warehouse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: row.address,
    archived_at: iso(row.archivedAt),
    external_refs: refs,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const auditable = (w: Warehouse): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, external_refs: _e, ...rest } = w;
  return rest;
};

export const warehouseResource = defineResource({
  table: warehouses,
  name: 'Warehouse',
  tenantId: warehouses.tenantId,
  id: warehouses.id,
  sorts: {
    name: warehouses.name,
    code: warehouses.code,
    created_at: warehouses.createdAt,
    updated_at: warehouses.updatedAt,
  },
});

function columnsOf(body: UpdateWarehouseBody): Partial<NewWarehouseRow> {
  const v: Partial<NewWarehouseRow> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.address !== undefined) v.address = body.address;
  return v;
}

export function createWarehousesService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  async function present(tx: Tx, tenantId: string, row: WarehouseRow): Promise<Warehouse> {
    const refs = await externalRefsOf(tx, tenantId, ENTITY, [row.id]);
    return toWarehouseJson(row, refs.get(row.id));
  }

  async function update(ctx: CallContext, id: string, values: Partial<NewWarehouseRow>, action: string) {
    return tenantTx(ctx, async (tx) => {
      const before = await warehouseResource.find(tx, ctx, id, { lock: true });
      const [row] = await tx.db
        .update(warehouses)
        .set({ ...values, updatedAt: new Date() })
        .where(and(eq(warehouses.tenantId, ctx.tenantId), eq(warehouses.id, id)))
        .returning();
      const json = await present(tx, ctx.tenantId, row!);
      await writeAudit(tx, ctx.audit, {
        tenantId: ctx.tenantId,
        action,
        entityType: ENTITY,
        entityId: id,
        changes: diff(auditable(toWarehouseJson(before)), auditable(json)),
      });
      return json;
    });
  }

  return {
    list(ctx: CallContext, query: WarehouseListQuery) {
      return tenantTx(ctx, async (tx) => {
        const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
        const page = await warehouseResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(warehouses.archivedAt) : isNull(warehouses.archivedAt),
            pattern ? or(ilike(warehouses.name, pattern), ilike(warehouses.code, pattern)) : undefined,
          ],
        });
        const refs = await externalRefsOf(
          tx,
          ctx.tenantId,
          ENTITY,
          page.rows.map((r) => r.id),
        );
        return envelope('warehouses', page, (r) => toWarehouseJson(r, refs.get(r.id)));
      });
    },

    async get(ctx: CallContext, id: string) {
      const row = await tenantRead(ctx, (tx) =>
        warehouseResource.read<{ externalRefs: ExternalRef[] }>(tx, ctx, id, withRefs),
      );
      return toWarehouseJson(row, row.externalRefs);
    },

    create(ctx: CallContext, body: CreateWarehouseBody) {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(warehouses)
          .values({ ...columnsOf(body), code: body.code, name: body.name, tenantId: ctx.tenantId })
          .returning();
        const json = toWarehouseJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'warehouse.create',
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateWarehouseBody) {
      return update(ctx, id, columnsOf(body), 'warehouse.update');
    },

    async archive(ctx: CallContext, id: string): Promise<void> {
      await update(ctx, id, { archivedAt: new Date() }, 'warehouse.archive');
    },
  };
}

export type WarehousesService = ReturnType<typeof createWarehousesService>;
