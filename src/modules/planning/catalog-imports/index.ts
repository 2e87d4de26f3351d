import type { PlanningPart } from '../part.js';
import { catalogImportRoutes } from './catalog-imports.routes.js';

/** The specification's catalog import paths (`POST /customers/import`, `/products/import`). */
export const catalogImportsPart: PlanningPart = {
  routes: (app, platform) => catalogImportRoutes(app, platform.imports, platform.config.importLimitBytes),
};
