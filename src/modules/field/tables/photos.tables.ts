import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped } from '../../../platform/db/tenant-table.js';
import { brands, outlets } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { visits } from './visits.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

export const PHOTO_PURPOSES = ['shelf', 'display', 'outside', 'board', 'id'] as const;
export type PhotoPurpose = (typeof PHOTO_PURPOSES)[number];

/** A marked cell of a shelf photo's grid, zero-based. */
export interface GridCell {
  row: number;
  col: number;
}

/**
 * Photos taken on a visit. Agent and outlet are copied from the visit so photo lists filter and
 * apply the data scope without a join.
 */
export const photos = pgTable(
  'photos',
  {
    ...tenantColumns(),
    visitId: uuid('visit_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    outletId: uuid('outlet_id').notNull(),
    uploadedBy: uuid('uploaded_by'),
    clientUuid: uuid('client_uuid'),
    purpose: text('purpose', { enum: PHOTO_PURPOSES }).notNull(),
    fileKey: text('file_key').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    thumbnailKey: text('thumbnail_key'),
    width: integer('width'),
    height: integer('height'),
    takenAt: timestamp('taken_at', { withTimezone: true, mode: 'date' }),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    gridRows: integer('grid_rows').notNull().default(2),
    gridCols: integer('grid_cols').notNull().default(2),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.visitId], foreignColumns: [visits.tenantId, visits.id] }),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.uploadedBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    uniqueIndex('photos_tenant_client_uuid_key').on(t.tenantId, t.clientUuid),
    index('photos_tenant_visit_idx').on(t.tenantId, t.visitId),
    index('photos_tenant_agent_created_idx').on(t.tenantId, t.agentId, t.createdAt),
    index('photos_tenant_outlet_created_idx').on(t.tenantId, t.outletId, t.createdAt),
    // Tenant-wide photo and shelf-share periods.
    index('photos_tenant_created_idx').on(t.tenantId, t.createdAt),
    check('photos_purpose_check', sql`${t.purpose} in ('shelf', 'display', 'outside', 'board', 'id')`),
    check('photos_grid_check', sql`${t.gridRows} between 1 and 20 and ${t.gridCols} between 1 and 20`),
  ],
);
appAccess(photos, READ_WRITE);

/** The grid cells (and optionally the area %) a brand occupies on one shelf photo. */
export const shelfQuadrants = pgTable(
  'shelf_quadrants',
  {
    ...tenantColumns(),
    photoId: uuid('photo_id').notNull(),
    brandId: uuid('brand_id').notNull(),
    cells: jsonb('cells')
      .$type<GridCell[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    areaPercent: doublePrecision('area_percent'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.photoId], foreignColumns: [photos.tenantId, photos.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }),
    uniqueIndex('shelf_quadrants_tenant_photo_brand_key').on(t.tenantId, t.photoId, t.brandId),
    index('shelf_quadrants_tenant_brand_idx').on(t.tenantId, t.brandId),
    check('shelf_quadrants_area_check', sql`${t.areaPercent} is null or ${t.areaPercent} between 0 and 100`),
  ],
);
appAccess(shelfQuadrants, READ_WRITE);
