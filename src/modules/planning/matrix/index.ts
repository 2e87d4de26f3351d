import type { PlanningPart } from '../part.js';
import { matrixImporter } from './matrix.importer.js';
import { matrixRoutes } from './matrix.routes.js';
import { createMatrixService } from './matrix.service.js';

/** The customer–product matrix: CRUD in scope, import (entity product_customer_matrix), export. */
export const matrixPart: PlanningPart = {
  routes(app, platform) {
    matrixRoutes(app, platform.db, createMatrixService({ db: platform.db }));
  },
  importers: [matrixImporter],
};
