import { and, eq } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { brandFacts } from '../../catalog/index.js';
import { photoShelfShare } from '../formulas.js';
import { shelfQuadrants, type GridCell } from '../tables/photos.tables.js';
import type { PhotoRow } from './photos.repository.js';
import { photoForShelfMarks, replaceShelfMarksAudited, type PhotoGrid } from './shelf-statements.js';
import { assertVisitEditable, photoResource } from './photos.service.js';
import { shelfMarksProblem } from './shelf-rules.js';
import type { ShelfQuadrants, ShelfQuadrantsBody } from './photos.schemas.js';

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Cells once each, in reading order. */
function normalisedCells(cells: readonly GridCell[]): GridCell[] {
  const seen = new Map(cells.map((c) => [`${c.row}:${c.col}`, { row: c.row, col: c.col }]));
  return [...seen.values()].sort((a, b) => a.row - b.row || a.col - b.col);
}

/** Every entry names a known brand once, marks cells inside the grid and/or a 0–100 area. */
function checkMarks(photo: PhotoGrid, body: ShelfQuadrantsBody, knownBrands: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  body.quadrants.forEach((q, i) => {
    const path = `/body/quadrants/${i}`;
    const brandId = q.brand_id.toLowerCase();
    if (!knownBrands.has(brandId)) errors.push({ path: `${path}/brand_id`, message: 'no such brand' });
    else if (seen.has(brandId)) errors.push({ path: `${path}/brand_id`, message: 'brand listed twice' });
    seen.add(brandId);
    (q.cells ?? []).forEach((cell, j) => {
      if (cell.row >= photo.gridRows || cell.col >= photo.gridCols)
        errors.push({
          path: `${path}/cells/${j}`,
          message: `outside the ${photo.gridRows}×${photo.gridCols} grid`,
        });
    });
    const area = q.area_percent;
    if (area !== undefined && area !== null && (area < 0 || area > 100))
      errors.push({ path: `${path}/area_percent`, message: 'must be between 0 and 100' });
    if ((q.cells ?? []).length === 0 && (area === undefined || area === null))
      errors.push({ path, message: 'mark at least one cell or give an area %' });
  });
  return errors;
}

/** Code-point order, as the database's `C` collation sorts. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Mark {
  brandId: string;
  cells: GridCell[];
  areaPercent: number | null;
}
type BrandFacts = Map<string, { name: string; isOwn: boolean }>;

/** A photo's marks as answered: sorted by brand name, with each share and the own/competitor sums. */
function presentMarks(photo: PhotoGrid, marks: readonly Mark[], facts: BrandFacts): ShelfQuadrants {
  const rows = marks
    .flatMap((m) => {
      const brand = facts.get(m.brandId);
      return brand ? [{ ...m, ...brand }] : [];
    })
    .sort((a, b) => compare(a.name, b.name) || compare(a.brandId, b.brandId));
  const grid = { rows: photo.gridRows, cols: photo.gridCols };
  const quadrants = rows.map((r) => ({
    brand_id: r.brandId,
    brand_name: r.name,
    is_own: r.isOwn,
    cells: r.cells,
    area_percent: r.areaPercent,
    share_percent: photoShelfShare(grid, { cells: r.cells, areaPercent: r.areaPercent }),
  }));
  const sum = (own: boolean) =>
    round2(quadrants.filter((q) => q.is_own === own).reduce((acc, q) => acc + q.share_percent, 0));
  return {
    photo_id: photo.id,
    grid_rows: photo.gridRows,
    grid_cols: photo.gridCols,
    quadrants,
    own_percent: sum(true),
    competitor_percent: sum(false),
  };
}

export function createQuadrantsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  async function present(tx: Tx, tenantId: string, photo: PhotoRow): Promise<ShelfQuadrants> {
    const marks = await tx.db
      .select({
        brandId: shelfQuadrants.brandId,
        cells: shelfQuadrants.cells,
        areaPercent: shelfQuadrants.areaPercent,
      })
      .from(shelfQuadrants)
      .where(and(eq(shelfQuadrants.tenantId, tenantId), eq(shelfQuadrants.photoId, photo.id)));
    // Brand names come from the catalogue; a photo has a handful of marks, sorted by name.
    const facts = await brandFacts(
      tx,
      tenantId,
      marks.map((m) => m.brandId),
    );
    return presentMarks(photo, marks, facts);
  }

  return {
    get(ctx: CallContext, photoId: string) {
      return tenantTx(ctx, async (tx) =>
        present(tx, ctx.tenantId, await photoResource.find(tx, ctx, photoId)),
      );
    },

    /**
     * Replaces the photo's whole set of brand marks (an empty list clears it) in one read and one
     * write: the photo locked with its visit's state and the named brands, then the old set out,
     * the new one in and the audit row, as one statement. The answer is the set as written.
     */
    replace(ctx: CallContext, photoId: string, body: ShelfQuadrantsBody) {
      return tenantTx(ctx, async (tx) => {
        const ids = [...new Set(body.quadrants.map((q) => q.brand_id.toLowerCase()))];
        const found = await photoForShelfMarks(tx, ctx, photoId, ids);
        if (!found) throw notFound('Photo');
        const { photo, visit, brands } = found;
        assertVisitEditable(ctx.principal, visit);
        const errors = checkMarks(photo, body, new Set(brands.keys()));
        if (errors.length) throw validationFailed(errors, 'The shelf marks are not valid.');
        const marks = body.quadrants.map((q) => ({
          brandId: q.brand_id.toLowerCase(),
          cells: normalisedCells(q.cells ?? []),
          areaPercent: q.area_percent ?? null,
        }));
        // The body is the photo's whole new set (the old one goes), so the rules hold on it alone.
        const problem = shelfMarksProblem(
          { rows: photo.gridRows, cols: photo.gridCols },
          // The cells as given, so a problem's paths point into the body.
          body.quadrants.map((q, i) => ({
            ...marks[i]!,
            cells: q.cells ?? [],
            brandName: brands.get(marks[i]!.brandId)!.name,
          })),
        );
        if (problem) throw problem;
        const presented = presentMarks(photo, marks, brands);
        await replaceShelfMarksAudited(tx, ctx.tenantId, photoId, marks, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'photo.shelf_marks',
          entityType: 'photo',
          entityId: photoId,
          changes: {
            after: {
              quadrants: presented.quadrants.map((q) => ({
                brand_id: q.brand_id,
                cells: q.cells,
                area_percent: q.area_percent,
              })),
            },
          },
        });
        return presented;
      });
    },
  };
}

export type QuadrantsService = ReturnType<typeof createQuadrantsService>;
