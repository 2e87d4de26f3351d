import type { PlanningPart } from '../part.js';
import { salesHistoryImporter } from './sales-history.importer.js';
import { salesHistoryRoutes } from './sales-history.routes.js';
import { createSalesHistoryService } from './sales-history.service.js';

/** Monthly sales per customer × product: scoped list, summaries, import (entity sales_history), export. */
export const salesHistoryPart: PlanningPart = {
  routes(app, platform) {
    salesHistoryRoutes(app, platform.db, createSalesHistoryService({ db: platform.db }));
  },
  importers: [salesHistoryImporter],
};
