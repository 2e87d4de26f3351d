import { eq, gte, lt } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { AppError, conflict } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { safeKey, type FileStorage } from '../../../platform/storage/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { dayAfter } from '../formulas.js';
import { photos } from '../tables/photos.tables.js';
import { visitAlreadyCompleted } from '../visits/visit-actions.service.js';
import type { VisitRow } from '../visits/visits.repository.js';
import { visitResource } from '../visits/visits.service.js';
import { inspectImage, PHOTO_TYPES, type ImageUpload } from './image.js';
import { insertPhotoAudited, photoByClientUuid, toPhotoJson, type PhotoRow } from './photos.repository.js';
import type { Photo, PhotoListQuery, PhotoUploadFields } from './photos.schemas.js';

/**
 * Photos carry their visit's agent, so lists, reads and downloads are limited to the caller's data
 * scope without a join.
 */
export const photoResource = defineResource({
  table: photos,
  name: 'Photo',
  tenantId: photos.tenantId,
  id: photos.id,
  owner: photos.agentId,
  sorts: { created_at: photos.createdAt, taken_at: photos.takenAt },
});

/**
 * Own-scope callers (agents) cannot change a completed visit any more; managers may still add to
 * it. A cancelled or missed visit takes nothing new.
 */
export function assertVisitEditable(
  principal: Principal,
  visit: Pick<VisitRow, 'id' | 'status' | 'completedAt'>,
): void {
  if (visit.status === 'cancelled' || visit.status === 'missed')
    throw new AppError(409, 'VISIT_CLOSED', `The visit is ${visit.status}.`);
  if (visit.status === 'completed' && principal.scope === 'own') throw visitAlreadyCompleted(visit);
}

export interface PhotoUpload extends ImageUpload {
  fileName: string;
  fields: PhotoUploadFields;
}

export interface CreatedPhoto {
  photo: Photo;
  /** False when a retry with the same client_uuid found the photo already there. */
  created: boolean;
}

export function createPhotosService(deps: { db: TenantDatabase; storage: FileStorage }) {
  const tenantTx = tenantTxOf(deps);

  /** The stored photo for a repeated client_uuid; someone else's photo is a clash, not a retry. */
  async function existing(tx: Tx, ctx: CallContext, clientUuid: string): Promise<CreatedPhoto | undefined> {
    const row = await photoByClientUuid(tx, ctx.tenantId, clientUuid);
    if (!row) return undefined;
    await photoResource.find(tx, ctx, row.id).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404)
        throw conflict('CLIENT_UUID_IN_USE', 'Another photo already uses this client_uuid.');
      throw error;
    });
    return { photo: toPhotoJson(row), created: false };
  }

  /**
   * The visit, if a photo may still be added to it. `lock` holds it until the photo is written, so
   * a cancellation or completion committing meanwhile is seen (the insert's key check alone would
   * let the photo land on a visit that just closed).
   */
  async function checkVisit(tx: Tx, ctx: CallContext, visitId: string, lock = false) {
    const visit = await visitResource.find(tx, ctx, visitId, { lock });
    assertVisitEditable(ctx.principal, visit);
    return visit;
  }

  return {
    /**
     * Stores a photo of a visit with its thumbnail and EXIF facts. The visit is checked before the
     * (slow) image work and again when the row is written; files of a failed or lost write are
     * removed. With a client_uuid a retry returns the stored photo (created = false).
     */
    async upload(ctx: CallContext, upload: PhotoUpload): Promise<CreatedPhoto> {
      const { fields } = upload;
      const early = await tenantTx(ctx, async (tx) => {
        const found = fields.client_uuid ? await existing(tx, ctx, fields.client_uuid) : undefined;
        if (!found) await checkVisit(tx, ctx, fields.visit_id);
        return found;
      });
      if (early) return early;

      const facts = await inspectImage(upload.bytes);
      const id = uuidv7();
      const folder = ['tenants', ctx.tenantId, 'photos', fields.visit_id] as const;
      const fileKey = safeKey(...folder, `${id}.${PHOTO_TYPES[upload.contentType]}`);
      const thumbnailKey = facts.thumbnail ? safeKey(...folder, `${id}.thumb.jpg`) : null;
      const removeFiles = async () => {
        await deps.storage.delete(fileKey);
        if (thumbnailKey) await deps.storage.delete(thumbnailKey);
      };
      await deps.storage.put(fileKey, upload.bytes, { contentType: upload.contentType, maxBytes: Infinity });
      try {
        if (thumbnailKey && facts.thumbnail)
          await deps.storage.put(thumbnailKey, facts.thumbnail, {
            contentType: 'image/jpeg',
            maxBytes: Infinity,
          });
        const result = await tenantTx(ctx, async (tx) => {
          const visit = await checkVisit(tx, ctx, fields.visit_id, true);
          // created_at is set here rather than by the column default, so the audit row (written by
          // the insert itself) carries the photo exactly as stored.
          const values: PhotoRow = {
            tenantId: ctx.tenantId,
            id,
            visitId: visit.id,
            agentId: visit.agentId,
            outletId: visit.outletId,
            uploadedBy: ctx.principal.impersonating ? null : ctx.principal.userId,
            clientUuid: fields.client_uuid ?? null,
            purpose: fields.purpose,
            fileKey,
            fileName: upload.fileName.slice(0, 255),
            contentType: upload.contentType,
            size: upload.bytes.length,
            thumbnailKey,
            width: facts.width,
            height: facts.height,
            takenAt: facts.takenAt,
            latitude: facts.latitude,
            longitude: facts.longitude,
            gridRows: fields.grid_rows ?? 2,
            gridCols: fields.grid_cols ?? 2,
            createdAt: new Date(),
          };
          const photo = toPhotoJson(values);
          const row = await insertPhotoAudited(tx, values, ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'photo.upload',
            entityType: 'photo',
            entityId: id,
            changes: { after: photo },
          });
          if (row) return { photo: toPhotoJson(row), created: true };
          // A concurrent retry stored the photo first: answer with its row.
          return (await existing(tx, ctx, fields.client_uuid!))!;
        });
        if (!result.created) await removeFiles();
        return result;
      } catch (error) {
        await removeFiles();
        throw error;
      }
    },

    list(ctx: CallContext, query: PhotoListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await photoResource.list(tx, ctx, query, {
          where: [
            query.visit ? eq(photos.visitId, query.visit) : undefined,
            query.outlet ? eq(photos.outletId, query.outlet) : undefined,
            query.agent ? eq(photos.agentId, query.agent) : undefined,
            query.purpose ? eq(photos.purpose, query.purpose) : undefined,
            query.date_from ? gte(photos.createdAt, new Date(`${query.date_from}T00:00:00Z`)) : undefined,
            query.date_to ? lt(photos.createdAt, dayAfter(query.date_to)) : undefined,
          ],
        });
        return envelope('photos', page, toPhotoJson);
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => toPhotoJson(await photoResource.find(tx, ctx, id)));
    },

    /** Opens the original or the thumbnail for streaming, after the scope check. */
    async open(ctx: CallContext, id: string, variant: 'file' | 'thumbnail') {
      const row: PhotoRow = await tenantTx(ctx, (tx) => photoResource.find(tx, ctx, id));
      if (variant === 'thumbnail') {
        if (!row.thumbnailKey)
          throw new AppError(
            404,
            'THUMBNAIL_NOT_AVAILABLE',
            'This photo has no thumbnail (format not decodable).',
          );
        return {
          contentType: 'image/jpeg',
          fileName: `${row.id}.thumb.jpg`,
          stream: await deps.storage.get(row.thumbnailKey),
        };
      }
      return {
        contentType: row.contentType,
        fileName: row.fileName,
        stream: await deps.storage.get(row.fileKey),
      };
    },
  };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
