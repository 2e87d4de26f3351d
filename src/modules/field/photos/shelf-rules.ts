import { AppError } from '../../../platform/http/errors.js';
import { exactShelfShare, photoShelfShare } from '../formulas.js';
import type { GridCell } from '../tables/photos.tables.js';

/**
 * What a photo's set of shelf marks must mean: the brands share one shelf. A grid cell shows one
 * brand, and the brands' shares of the grid (area % when given, else marked cells ÷ grid cells)
 * cannot add up to more than the whole picture. Checked on the photo's complete set, which
 * `POST /photos/{id}/shelf-quadrants` always replaces as a whole under the photo's row lock, so no
 * two requests can together break either rule.
 */

export interface ShelfMark {
  brandId: string;
  brandName: string;
  cells: readonly GridCell[];
  areaPercent: number | null;
}

const cellName = (cell: GridCell) => `(${cell.row}, ${cell.col})`;

/** 422 SHELF_CELL_TAKEN when one cell is marked for more than one brand. */
function cellConflicts(marks: readonly ShelfMark[]): AppError | null {
  const owners = new Map<string, { cell: GridCell; marks: number[] }>();
  marks.forEach((mark, index) => {
    for (const cell of mark.cells) {
      const key = `${cell.row}:${cell.col}`;
      const owner = owners.get(key) ?? { cell: { row: cell.row, col: cell.col }, marks: [] };
      if (!owner.marks.includes(index)) owner.marks.push(index);
      owners.set(key, owner);
    }
  });
  const shared = [...owners.values()]
    .filter((o) => o.marks.length > 1)
    .sort((a, b) => a.cell.row - b.cell.row || a.cell.col - b.cell.col);
  if (shared.length === 0) return null;
  const conflicts = shared.map((o) => ({
    cell: o.cell,
    brands: o.marks.map((i) => ({ brand_id: marks[i]!.brandId, brand_name: marks[i]!.brandName })),
  }));
  const described = conflicts
    .map((c) => `${cellName(c.cell)}: ${c.brands.map((b) => b.brand_name).join(', ')}`)
    .join('; ');
  // Every mark after the cell's first owner points at its copy of the cell.
  const errors = shared.flatMap((o) =>
    o.marks.slice(1).map((i) => ({
      path: `/body/quadrants/${i}/cells/${marks[i]!.cells.findIndex((c) => c.row === o.cell.row && c.col === o.cell.col)}`,
      message: `cell ${cellName(o.cell)} is already marked for ${marks[o.marks[0]!]!.brandName}`,
    })),
  );
  return new AppError(
    422,
    'SHELF_CELL_TAKEN',
    `A cell belongs to one brand; marked for several: ${described}.`,
    {
      errors,
      extensions: { conflicts },
    },
  );
}

/** 422 SHELF_AREA_EXCEEDED when the brands' shares of the photo add up to more than 100 %. */
function areaExcess(grid: { rows: number; cols: number }, marks: readonly ShelfMark[]): AppError | null {
  const shares = marks.map((m) => ({
    brand_id: m.brandId,
    brand_name: m.brandName,
    share_percent: photoShelfShare(grid, m),
  }));
  // Summed unrounded: cells that do not overlap can never exceed the whole shelf, whereas their
  // rounded shares can (16.67 + 16.67 + 66.67 = 100.01). A millionth of a point absorbs float error.
  const exact = marks.reduce((sum, m) => sum + exactShelfShare(grid, m), 0);
  if (exact <= 100 + 1e-6) return null;
  const total = Math.round(exact * 100) / 100;
  const described = shares.map((s) => `${s.brand_name} ${s.share_percent} %`).join(', ');
  return new AppError(
    422,
    'SHELF_AREA_EXCEEDED',
    `The brands' shares of the photo add up to ${total} % (at most 100 %): ${described}.`,
    {
      errors: [{ path: '/body/quadrants', message: `shares add up to ${total} %, more than 100 %` }],
      extensions: { total_percent: total, brands: shares },
    },
  );
}

/** The first rule the set breaks, as its problem; null when the set is consistent. */
export function shelfMarksProblem(grid: { rows: number; cols: number }, marks: readonly ShelfMark[]) {
  return cellConflicts(marks) ?? areaExcess(grid, marks);
}
