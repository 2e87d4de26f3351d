import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { iso } from '../../identity/index.js';
import { photos } from '../tables/photos.tables.js';
import type { Photo } from './photos.schemas.js';

export type PhotoRow = typeof photos.$inferSelect;
export type NewPhotoRow = typeof photos.$inferInsert;

export const toPhotoJson = (row: PhotoRow): Photo => ({
  id: row.id,
  visit_id: row.visitId,
  agent_id: row.agentId,
  outlet_id: row.outletId,
  uploaded_by: row.uploadedBy,
  client_uuid: row.clientUuid,
  purpose: row.purpose,
  file_name: row.fileName,
  content_type: row.contentType,
  size: row.size,
  width: row.width,
  height: row.height,
  has_thumbnail: row.thumbnailKey !== null,
  taken_at: iso(row.takenAt),
  latitude: row.latitude,
  longitude: row.longitude,
  grid_rows: row.gridRows,
  grid_cols: row.gridCols,
  created_at: row.createdAt.toISOString(),
});

export function photosOfVisit(tx: Tx, tenantId: string, visitId: string) {
  return tx.db
    .select()
    .from(photos)
    .where(and(eq(photos.tenantId, tenantId), eq(photos.visitId, visitId)))
    .orderBy(asc(photos.createdAt), asc(photos.id));
}

export async function photoByClientUuid(tx: Tx, tenantId: string, clientUuid: string) {
  const [row] = await tx.db
    .select()
    .from(photos)
    .where(and(eq(photos.tenantId, tenantId), eq(photos.clientUuid, clientUuid)));
  return row;
}

/** Inserts the photo unless its client_uuid is already taken (a concurrent retry); undefined then. */
export async function insertPhoto(tx: Tx, values: NewPhotoRow): Promise<PhotoRow | undefined> {
  const [row] = await tx.db
    .insert(photos)
    .values(values)
    .onConflictDoNothing({ target: [photos.tenantId, photos.clientUuid] })
    .returning();
  return row;
}
