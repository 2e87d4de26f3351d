import { and, eq, ilike, isNotNull, isNull, or } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { conflict } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { attributionSources } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import type {
  AttributionSource,
  CreateSourceBody,
  SourceListQuery,
  UpdateSourceBody,
} from './campaigns.schemas.js';

type SourceRow = typeof attributionSources.$inferSelect;
const ENTITY = 'attribution_source';

export const sourceResource = defineResource({
  table: attributionSources,
  name: 'Attribution source',
  tenantId: attributionSources.tenantId,
  id: attributionSources.id,
  sorts: {
    code: attributionSources.code,
    name: attributionSources.name,
    created_at: attributionSources.createdAt,
  },
});

export const toSourceJson = (row: SourceRow): AttributionSource => ({
  id: row.id,
  code: row.code,
  name: row.name,
  description: row.description,
  archived_at: iso(row.archivedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

const auditable = ({ created_at: _c, updated_at: _u, ...rest }: AttributionSource) => rest;

function columnsOf(
  body: UpdateSourceBody,
  before?: SourceRow,
): Partial<typeof attributionSources.$inferInsert> {
  const v: Partial<typeof attributionSources.$inferInsert> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.description !== undefined) v.description = body.description;
  // Archiving keeps the first archive time; un-archiving clears it.
  if (body.archived !== undefined) v.archivedAt = body.archived ? (before?.archivedAt ?? new Date()) : null;
  return v;
}

export function createSourcesService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    list(ctx: CallContext, query: SourceListQuery) {
      return tenantTx(ctx, async (tx) => {
        const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
        const page = await sourceResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(attributionSources.archivedAt) : isNull(attributionSources.archivedAt),
            pattern
              ? or(ilike(attributionSources.name, pattern), ilike(attributionSources.code, pattern))
              : undefined,
          ],
        });
        return envelope('attribution_sources', page, toSourceJson);
      });
    },

    get: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => toSourceJson(await sourceResource.find(tx, ctx, id))),

    create(ctx: CallContext, body: CreateSourceBody) {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(attributionSources)
          .values({ ...columnsOf(body), tenantId: ctx.tenantId, code: body.code, name: body.name })
          .returning();
        const json = toSourceJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'attribution_source.create',
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateSourceBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await sourceResource.find(tx, ctx, id, { lock: true });
        const [row] = await tx.db
          .update(attributionSources)
          .set({ ...columnsOf(body, before), updatedAt: new Date() })
          .where(and(eq(attributionSources.tenantId, ctx.tenantId), eq(attributionSources.id, id)))
          .returning();
        const json = toSourceJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'attribution_source.update',
          entityType: ENTITY,
          entityId: id,
          changes: diff(auditable(toSourceJson(before)), auditable(json)),
        });
        return json;
      });
    },

    /** A source leads name stays (archive it instead), so their attribution never dangles. */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const before = await sourceResource.find(tx, ctx, id, { lock: true });
        const [used] = await tx.db
          .select({ id: leads.id })
          .from(leads)
          .where(and(eq(leads.tenantId, ctx.tenantId), eq(leads.sourceId, id)))
          .limit(1);
        if (used) throw conflict('SOURCE_IN_USE', 'Leads name this source; archive it instead.');
        await tx.db
          .delete(attributionSources)
          .where(and(eq(attributionSources.tenantId, ctx.tenantId), eq(attributionSources.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'attribution_source.delete',
          entityType: ENTITY,
          entityId: id,
          changes: { before: auditable(toSourceJson(before)) },
        });
      });
    },
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;
