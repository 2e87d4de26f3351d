import type { CommercePart } from '../part.js';
import { STOCK_ALERT_CHECKS } from './checks.js';
import { inventoryRoutes } from './inventory.routes.js';

export { setStockLevels, type StockReportRow } from './set-levels.js';

/** Stock levels, thresholds, movements, warehouses' stock and manual adjustments (`/inventory`). */
export const inventoryPart: CommercePart = {
  routes: (app, platform) => inventoryRoutes(app, platform.db),
  alertChecks: STOCK_ALERT_CHECKS,
};
