import type { CommercePart } from '../part.js';

export { setStockLevels, type StockReportRow } from './set-levels.js';

/** Stock levels, thresholds, movements, warehouses' stock and manual adjustments (`/inventory`). */
export const inventoryPart: CommercePart = {};
