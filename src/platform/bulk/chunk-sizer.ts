/**
 * How many rows the next chunk of a pass takes. With a time budget, the size follows the measured
 * time per row so each chunk's transaction stays near the budget: on PGlite a transaction runs on
 * the one connection and its statements run on this process's event loop, so a chunk's duration is
 * the longest any request waits behind it. Without a budget the size is fixed.
 */
export interface ChunkSizer {
  size(): number;
  /** A chunk of `rows` rows took `ms` milliseconds. */
  record(rows: number, ms: number): void;
}

// Small enough that a chunk of the slowest rows still fits the budget on the embedded database.
const MIN_ROWS = 5;

export function chunkSizer(maxRows: number, budgetMs?: number): ChunkSizer {
  if (!budgetMs) return { size: () => maxRows, record: () => undefined };
  let rows = Math.min(maxRows, 100);
  return {
    size: () => rows,
    record(done, ms) {
      if (done < MIN_ROWS || ms <= 0) return;
      const fitting = Math.floor((done * budgetMs) / ms);
      // Grow gently (a single fast chunk may be luck), shrink at once (a slow one stalls others).
      rows = Math.max(MIN_ROWS, Math.min(maxRows, fitting < rows ? fitting : Math.min(fitting, rows * 2)));
    },
  };
}
