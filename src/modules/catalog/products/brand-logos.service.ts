import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { tenantTxOf } from '../../../platform/resource/index.js';
import { notFound } from '../../../platform/http/errors.js';
import { limitImagePixels, safeKey, sniffStream, type FileStorage } from '../../../platform/storage/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { type CallContext, writeAudit } from '../../identity/index.js';
import { brands } from '../tables/products.tables.js';
import { brandResource } from './brands.service.js';

/** Logo formats by their bytes (no SVG: a script inside it would run on our origin). */
const LOGO_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const TYPE_OF_EXTENSION = Object.fromEntries(Object.entries(LOGO_TYPES).map(([type, ext]) => [ext, type]));

/** A brand's logo: one image per brand, replaced by the next upload, served only to signed-in readers. */
export function createBrandLogosService(deps: {
  db: TenantDatabase;
  storage: FileStorage;
  uploadLimitBytes: number;
  /** Browsers decode every logo they show: one declaring more pixels than this is refused. */
  imageMaxPixels: number;
}) {
  const tenantTx = tenantTxOf(deps);

  async function setLogo(ctx: CallContext, brandId: string, key: string | null): Promise<string | null> {
    return tenantTx(ctx, async (tx) => {
      const before = await brandResource.find(tx, ctx, brandId, { lock: true });
      await tx.db
        .update(brands)
        .set({ logoKey: key, updatedAt: new Date() })
        .where(and(eq(brands.tenantId, ctx.tenantId), eq(brands.id, brandId)));
      await writeAudit(tx, ctx.audit, {
        tenantId: ctx.tenantId,
        action: key ? 'brand.logo_set' : 'brand.logo_remove',
        entityType: 'brand',
        entityId: brandId,
        changes: { before: { has_logo: before.logoKey !== null }, after: { has_logo: key !== null } },
      });
      return before.logoKey;
    });
  }

  return {
    /**
     * Stores the image (type sniffed, size and pixel limited), then points the brand at it; the old
     * file goes.
     */
    async upload(ctx: CallContext, brandId: string, file: Readable): Promise<void> {
      try {
        await tenantTx(ctx, (tx) => brandResource.find(tx, ctx, brandId));
      } catch (error) {
        file.resume();
        throw error;
      }
      const sniffed = await sniffStream(file, { allowed: Object.keys(LOGO_TYPES) });
      const { contentType } = sniffed;
      const stream = await limitImagePixels(sniffed.stream, deps.imageMaxPixels);
      const key = safeKey(
        'tenants',
        ctx.tenantId,
        'brands',
        brandId,
        `logo-${uuidv7()}.${LOGO_TYPES[contentType]}`,
      );
      await deps.storage.put(key, stream, { contentType, maxBytes: deps.uploadLimitBytes });
      let previous: string | null;
      try {
        previous = await setLogo(ctx, brandId, key);
      } catch (error) {
        await deps.storage.delete(key);
        throw error;
      }
      if (previous) await deps.storage.delete(previous);
    },

    async remove(ctx: CallContext, brandId: string): Promise<void> {
      const previous = await setLogo(ctx, brandId, null);
      if (previous) await deps.storage.delete(previous);
    },

    async open(ctx: CallContext, brandId: string) {
      const row = await tenantTx(ctx, (tx) => brandResource.find(tx, ctx, brandId));
      if (!row.logoKey) throw notFound('Logo', 'LOGO_NOT_FOUND');
      const extension = row.logoKey.slice(row.logoKey.lastIndexOf('.') + 1);
      return {
        contentType: TYPE_OF_EXTENSION[extension] ?? 'application/octet-stream',
        size: await deps.storage.size(row.logoKey),
        stream: await deps.storage.get(row.logoKey),
      };
    },
  };
}

export type BrandLogosService = ReturnType<typeof createBrandLogosService>;
