import type { SalesOpsModule } from '../platform/module.js';
import { catalogModule } from './catalog/index.js';
import { commerceModule } from './commerce/index.js';
import { fieldModule } from './field/index.js';
import { identityModule } from './identity/index.js';
import { leadsModule } from './leads/index.js';
import { notifyModule } from './notify/index.js';
import { planningModule } from './planning/index.js';
import { reportsModule } from './reports/index.js';
import { successModule } from './success/index.js';

/** Every business module, in dependency order (identity, catalog, then the rest). */
export const modules: SalesOpsModule[] = [
  identityModule,
  catalogModule,
  fieldModule,
  leadsModule,
  successModule,
  planningModule,
  commerceModule,
  notifyModule,
  reportsModule,
];
