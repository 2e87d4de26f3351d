import { isNotNull, isNull } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { envelope, iso, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { attributionSources } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import {
  auditable,
  auditWrite,
  byId,
  codedResource,
  codeOrNameMatches,
  removeUnlessLeadsName,
} from './coded-records.js';
import type {
  AttributionSource,
  CreateSourceBody,
  SourceListQuery,
  UpdateSourceBody,
} from './campaigns.schemas.js';

type SourceRow = typeof attributionSources.$inferSelect;
const ENTITY = 'attribution_source';

export const sourceResource = codedResource(attributionSources, 'Attribution source', {});

export const toSourceJson = (row: SourceRow): AttributionSource => ({
  id: row.id,
  code: row.code,
  name: row.name,
  description: row.description,
  archived_at: iso(row.archivedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

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
        const page = await sourceResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(attributionSources.archivedAt) : isNull(attributionSources.archivedAt),
            codeOrNameMatches(query.q, attributionSources.name, attributionSources.code),
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
        await auditWrite(tx, ctx, { entityType: ENTITY, action: 'create', id: row!.id }, json);
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateSourceBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await sourceResource.find(tx, ctx, id, { lock: true });
        const [row] = await tx.db
          .update(attributionSources)
          .set({ ...columnsOf(body, before), updatedAt: new Date() })
          .where(byId(attributionSources, ctx.tenantId, id))
          .returning();
        const json = toSourceJson(row!);
        await auditWrite(tx, ctx, { entityType: ENTITY, action: 'update', id }, json, toSourceJson(before));
        return json;
      });
    },

    /** A source leads name stays (archive it instead), so their attribution never dangles. */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const before = await sourceResource.find(tx, ctx, id, { lock: true });
        await removeUnlessLeadsName(tx, ctx, {
          table: attributionSources,
          id,
          leadColumn: leads.sourceId,
          code: 'SOURCE_IN_USE',
          detail: 'Leads name this source; archive it instead.',
          entityType: ENTITY,
          before: auditable(toSourceJson(before)),
        });
      });
    },
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;
