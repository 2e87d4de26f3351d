import type { Readable } from 'node:stream';
import { and, asc, eq, ilike, isNotNull, isNull, or } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { defineResource, envelope, tenantTxOf } from '../../../platform/resource/index.js';
import type { FileStorage } from '../../../platform/storage/index.js';
import { limitImagePixels, safeKey, sniffStream } from '../../../platform/storage/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { type CallContext, diff, iso, likeEscape, writeAudit } from '../../identity/index.js';
import { brandInfographics, brands } from '../tables/products.tables.js';
import type {
  Brand,
  BrandListQuery,
  CreateBrandBody,
  Infographic,
  UpdateBrandBody,
} from './products.schemas.js';

type BrandRow = typeof brands.$inferSelect;
type InfographicRow = typeof brandInfographics.$inferSelect;

/** What an infographic may be, by its bytes, and the extension of its stored file. */
export const INFOGRAPHIC_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

const toBrandJson = (row: BrandRow): Brand => ({
  id: row.id,
  code: row.code,
  name: row.name,
  is_own: row.isOwn,
  logo_url: row.logoKey ? `/api/v1/brands/${row.id}/logo` : null,
  archived_at: iso(row.archivedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

const toInfographicJson = (row: InfographicRow): Infographic => ({
  id: row.id,
  brand_id: row.brandId,
  file_name: row.fileName,
  content_type: row.contentType,
  size: row.size,
  title: row.title,
  created_at: row.createdAt.toISOString(),
});

export const brandResource = defineResource({
  table: brands,
  name: 'Brand',
  tenantId: brands.tenantId,
  id: brands.id,
  sorts: { name: brands.name, created_at: brands.createdAt },
});

/** A brand's infographics; always found through their brand (`where` on `brand_id`). */
const infographicResource = defineResource({
  table: brandInfographics,
  name: 'Infographic',
  tenantId: brandInfographics.tenantId,
  id: brandInfographics.id,
  sorts: { created_at: brandInfographics.createdAt },
});

const findInfographic = (tx: Tx, ctx: CallContext, brandId: string, id: string) =>
  infographicResource.find(tx, ctx, id, { where: [eq(brandInfographics.brandId, brandId)] });

export interface InfographicUpload {
  file: Readable;
  fileName: string;
  title: string | null;
}

export function createBrandsService(deps: {
  db: TenantDatabase;
  storage: FileStorage;
  uploadLimitBytes: number;
  /** Images above this many pixels are refused from their header (413), before any decoding. */
  imageMaxPixels: number;
}) {
  const tenantTx = tenantTxOf(deps);

  return {
    list(ctx: CallContext, query: BrandListQuery) {
      return tenantTx(ctx, async (tx) => {
        const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
        const page = await brandResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(brands.archivedAt) : isNull(brands.archivedAt),
            query.is_own !== undefined ? eq(brands.isOwn, query.is_own) : undefined,
            pattern ? or(ilike(brands.name, pattern), ilike(brands.code, pattern)) : undefined,
          ],
        });
        return envelope('brands', page, toBrandJson);
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => toBrandJson(await brandResource.find(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateBrandBody) {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(brands)
          .values({
            tenantId: ctx.tenantId,
            code: body.code ?? null,
            name: body.name,
            isOwn: body.is_own ?? true,
          })
          .returning();
        const brand = toBrandJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'brand.create',
          entityType: 'brand',
          entityId: brand.id,
          changes: diff(undefined, { code: brand.code, name: brand.name, is_own: brand.is_own }),
        });
        return brand;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateBrandBody) {
      return tenantTx(ctx, async (tx) => {
        const current = toBrandJson(await brandResource.find(tx, ctx, id, { lock: true }));
        const [row] = await tx.db
          .update(brands)
          .set({ code: body.code, name: body.name, isOwn: body.is_own, updatedAt: new Date() })
          .where(and(eq(brands.tenantId, ctx.tenantId), eq(brands.id, id)))
          .returning();
        const after = toBrandJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'brand.update',
          entityType: 'brand',
          entityId: id,
          changes: diff(current, after),
        });
        return after;
      });
    },

    archive(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await brandResource.find(tx, ctx, id, { lock: true });
        if (current.archivedAt) return;
        await tx.db
          .update(brands)
          .set({ archivedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(brands.tenantId, ctx.tenantId), eq(brands.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'brand.archive',
          entityType: 'brand',
          entityId: id,
          changes: { before: { archived: false }, after: { archived: true } },
        });
      });
    },

    listInfographics(ctx: CallContext, brandId: string) {
      return tenantTx(ctx, async (tx) => {
        await brandResource.find(tx, ctx, brandId);
        const rows = await tx.db
          .select()
          .from(brandInfographics)
          .where(and(eq(brandInfographics.tenantId, ctx.tenantId), eq(brandInfographics.brandId, brandId)))
          .orderBy(asc(brandInfographics.createdAt), asc(brandInfographics.id));
        return { infographics: rows.map(toInfographicJson) };
      });
    },

    /**
     * The brand is checked first, the type is sniffed from the bytes (415 otherwise), an image's
     * declared pixels are checked from its header (413 over the limit), the file is
     * streamed into storage under the size limit (413), and only then is the row written; a failed
     * row write removes the file again.
     */
    async uploadInfographic(
      ctx: CallContext,
      brandId: string,
      upload: InfographicUpload,
    ): Promise<Infographic> {
      try {
        await tenantTx(ctx, (tx) => brandResource.find(tx, ctx, brandId));
      } catch (error) {
        upload.file.resume();
        throw error;
      }
      const sniffed = await sniffStream(upload.file, { allowed: Object.keys(INFOGRAPHIC_TYPES) });
      const { contentType } = sniffed;
      const stream =
        contentType === 'application/pdf'
          ? sniffed.stream
          : await limitImagePixels(sniffed.stream, deps.imageMaxPixels);
      const id = uuidv7();
      const key = safeKey(
        'tenants',
        ctx.tenantId,
        'brands',
        brandId,
        `${id}.${INFOGRAPHIC_TYPES[contentType]}`,
      );
      const stored = await deps.storage.put(key, stream, { contentType, maxBytes: deps.uploadLimitBytes });
      try {
        return await tenantTx(ctx, async (tx) => {
          await brandResource.find(tx, ctx, brandId);
          const [row] = await tx.db
            .insert(brandInfographics)
            .values({
              tenantId: ctx.tenantId,
              id,
              brandId,
              fileKey: key,
              fileName: upload.fileName.slice(0, 255),
              contentType,
              size: stored.size,
              title: upload.title,
            })
            .returning();
          const infographic = toInfographicJson(row!);
          await writeAudit(tx, ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'brand_infographic.create',
            entityType: 'brand_infographic',
            entityId: id,
            changes: diff(undefined, {
              brand_id: brandId,
              file_name: infographic.file_name,
              content_type: contentType,
              size: stored.size,
            }),
          });
          return infographic;
        });
      } catch (error) {
        await deps.storage.delete(key);
        throw error;
      }
    },

    async removeInfographic(ctx: CallContext, brandId: string, id: string): Promise<void> {
      const key = await tenantTx(ctx, async (tx) => {
        const row = await findInfographic(tx, ctx, brandId, id);
        await tx.db
          .delete(brandInfographics)
          .where(and(eq(brandInfographics.tenantId, ctx.tenantId), eq(brandInfographics.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'brand_infographic.delete',
          entityType: 'brand_infographic',
          entityId: id,
          changes: diff({ brand_id: brandId, file_name: row.fileName }, undefined),
        });
        return row.fileKey;
      });
      // After the commit: a failed transaction keeps its file.
      await deps.storage.delete(key);
    },

    async openInfographic(ctx: CallContext, brandId: string, id: string) {
      const row = await tenantTx(ctx, (tx) => findInfographic(tx, ctx, brandId, id));
      return { info: toInfographicJson(row), stream: await deps.storage.get(row.fileKey) };
    },
  };
}

export type BrandsService = ReturnType<typeof createBrandsService>;
