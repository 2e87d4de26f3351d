import { and, asc, count, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import {
  type CallContext,
  diff,
  inTenant,
  iso,
  likeEscape,
  parseSort,
  writeAudit,
} from '../../identity/index.js';
import { warehouses } from '../tables/core.tables.js';
import { externalRefsOf } from './external-refs.js';
import type {
  CreateWarehouseBody,
  ExternalRef,
  UpdateWarehouseBody,
  Warehouse,
  WarehouseListQuery,
} from './schemas.js';

type WarehouseRow = typeof warehouses.$inferSelect;
type NewWarehouseRow = typeof warehouses.$inferInsert;

const ENTITY = 'warehouse';

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

const SORT_COLUMNS = {
  name: warehouses.name,
  code: warehouses.code,
  created_at: warehouses.createdAt,
  updated_at: warehouses.updatedAt,
} as const;

function columnsOf(body: UpdateWarehouseBody): Partial<NewWarehouseRow> {
  const v: Partial<NewWarehouseRow> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.address !== undefined) v.address = body.address;
  return v;
}

export function createWarehousesService(deps: { db: Database }) {
  const tenantTx = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) => inTenant(deps, ctx, fn);

  async function find(tx: Tx, tenantId: string, id: string, lock = false) {
    const query = tx.db
      .select()
      .from(warehouses)
      .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, id)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound('Warehouse');
    return row;
  }

  async function present(tx: Tx, tenantId: string, row: WarehouseRow): Promise<Warehouse> {
    const refs = await externalRefsOf(tx, tenantId, ENTITY, [row.id]);
    return toWarehouseJson(row, refs.get(row.id));
  }

  async function update(ctx: CallContext, id: string, values: Partial<NewWarehouseRow>, action: string) {
    return tenantTx(ctx, async (tx) => {
      const before = await find(tx, ctx.tenantId, id, true);
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
        const conditions: (SQL | undefined)[] = [
          eq(warehouses.tenantId, ctx.tenantId),
          query.archived ? isNotNull(warehouses.archivedAt) : isNull(warehouses.archivedAt),
        ];
        if (query.q) {
          const pattern = `%${likeEscape(query.q)}%`;
          conditions.push(or(ilike(warehouses.name, pattern), ilike(warehouses.code, pattern)));
        }
        const where = and(...conditions);
        const { field, desc: descending } = parseSort(query.sort);
        const column = SORT_COLUMNS[field as keyof typeof SORT_COLUMNS] ?? warehouses.name;
        const rows = await tx.db
          .select()
          .from(warehouses)
          .where(where)
          .orderBy(descending ? sql`${column} desc` : asc(column), asc(warehouses.id))
          .limit(query.limit)
          .offset(query.offset);
        const [total] = await tx.db.select({ n: count() }).from(warehouses).where(where);
        const refs = await externalRefsOf(
          tx,
          ctx.tenantId,
          ENTITY,
          rows.map((r) => r.id),
        );
        return {
          warehouses: rows.map((r) => toWarehouseJson(r, refs.get(r.id))),
          total: Number(total?.n ?? 0),
          limit: query.limit,
          offset: query.offset,
        };
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => present(tx, ctx.tenantId, await find(tx, ctx.tenantId, id)));
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
