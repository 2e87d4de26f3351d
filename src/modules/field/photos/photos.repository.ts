import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { auditInsertOf, iso, type AuditEntry, type AuditSource } from '../../identity/index.js';
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

/**
 * Inserts the photo and, only when it was inserted, its audit row, in one statement; undefined
 * when the client_uuid is already taken (a concurrent retry).
 */
export async function insertPhotoAudited(
  tx: Tx,
  values: NewPhotoRow,
  source: AuditSource,
  entry: AuditEntry,
): Promise<PhotoRow | undefined> {
  const inserted = tx.db.$with('inserted').as(
    tx.db
      .insert(photos)
      .values(values)
      .onConflictDoNothing({ target: [photos.tenantId, photos.clientUuid] })
      .returning(),
  );
  const audit = tx.db
    .$with('audit_row', {})
    .as(auditInsertOf(source, entry, sql`exists (select 1 from ${inserted})`));
  const [row] = await tx.db.with(inserted, audit).select().from(inserted);
  return row;
}

const dateOrNull = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string);

/** A photo row as `row_to_json(photos)` renders it (statements that bring a visit's photos along). */
export function photoRowFromJson(raw: Record<string, unknown>): PhotoRow {
  return {
    tenantId: raw.tenant_id as string,
    id: raw.id as string,
    visitId: raw.visit_id as string,
    agentId: raw.agent_id as string,
    outletId: raw.outlet_id as string,
    uploadedBy: raw.uploaded_by as string | null,
    clientUuid: raw.client_uuid as string | null,
    purpose: raw.purpose as PhotoRow['purpose'],
    fileKey: raw.file_key as string,
    fileName: raw.file_name as string,
    contentType: raw.content_type as string,
    size: raw.size as number,
    thumbnailKey: raw.thumbnail_key as string | null,
    width: raw.width as number | null,
    height: raw.height as number | null,
    takenAt: dateOrNull(raw.taken_at),
    latitude: raw.latitude as number | null,
    longitude: raw.longitude as number | null,
    gridRows: raw.grid_rows as number,
    gridCols: raw.grid_cols as number,
    createdAt: new Date(raw.created_at as string),
  };
}
