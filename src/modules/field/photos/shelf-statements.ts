import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { scopePredicate, type CallContext } from '../../../platform/resource/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { auditInsertOf, type AuditEntry, type AuditSource } from '../../identity/index.js';
import { photos, type GridCell } from '../tables/photos.tables.js';
import { visits } from '../tables/visits.tables.js';
import type { PhotoRow } from './photos.repository.js';

/**
 * The statements of `POST /photos/{id}/shelf-quadrants`: one read and one write, so replacing a
 * photo's marks costs four round trips with BEGIN and COMMIT.
 */

export type PhotoGrid = Pick<PhotoRow, 'id' | 'gridRows' | 'gridCols'>;

/**
 * The photo locked for a change of its marks, with what the change checks: its visit's state and
 * the tenant's brands among `brandIds` (archived ones included, as marks may name them). The data
 * scope is a selected flag, so the photo is found by its key alone; undefined when the caller
 * cannot see it.
 */
export async function photoForShelfMarks(tx: Tx, ctx: CallContext, photoId: string, brandIds: string[]) {
  const scope = scopePredicate(ctx.principal, photos.agentId);
  const [row] = await tx.db
    .select({
      ...getTableColumns(photos),
      visible: scope ? sql<boolean>`${scope}` : sql<boolean>`true`,
      visitStatus: visits.status,
      visitCompletedAt: visits.completedAt,
      brands: sql<{ id: string; name: string; is_own: boolean }[]>`(select coalesce(json_agg(
          json_build_object('id', b.id, 'name', b.name, 'is_own', b.is_own)), '[]')
        from brands b where b.tenant_id = ${photos.tenantId}
          and b.id in (select jsonb_array_elements_text(${JSON.stringify(brandIds)}::jsonb)::uuid))`,
    })
    .from(photos)
    .innerJoin(visits, and(eq(visits.tenantId, photos.tenantId), eq(visits.id, photos.visitId)))
    .where(and(eq(photos.tenantId, ctx.tenantId), eq(photos.id, photoId)))
    .for('update', { of: photos });
  if (!row?.visible) return undefined;
  const { visible: _v, visitStatus, visitCompletedAt, brands, ...photo } = row;
  return {
    photo: photo as PhotoRow,
    visit: { id: photo.visitId, status: visitStatus, completedAt: visitCompletedAt },
    brands: new Map(brands.map((b) => [b.id, { name: b.name, isOwn: b.is_own }])),
  };
}

/**
 * The photo's old marks out and the new set in, with the audit row, as one statement. The insert
 * reads the delete's count first, so the old rows are gone before the new ones (the same brands,
 * under the unique key) go in.
 */
export async function replaceShelfMarksAudited(
  tx: Tx,
  tenantId: string,
  photoId: string,
  marks: readonly { brandId: string; cells: GridCell[]; areaPercent: number | null }[],
  source: AuditSource,
  entry: AuditEntry,
): Promise<void> {
  const rows = JSON.stringify(
    marks.map((m) => ({ id: uuidv7(), brand_id: m.brandId, cells: m.cells, area_percent: m.areaPercent })),
  );
  await tx.db.execute(sql`with removed as (
      delete from shelf_quadrants where tenant_id = ${tenantId} and photo_id = ${photoId} returning 1),
    added as (
      insert into shelf_quadrants (tenant_id, id, photo_id, brand_id, cells, area_percent)
      select ${tenantId}::uuid, (m->>'id')::uuid, ${photoId}::uuid, (m->>'brand_id')::uuid, m->'cells',
        (m->>'area_percent')::double precision
      from jsonb_array_elements(${rows}::jsonb) m
      where (select count(*) from removed) >= 0
      returning 1),
    audit_row as (${auditInsertOf(source, entry)})
    select (select count(*) from added) as added`);
}
