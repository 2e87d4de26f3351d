import type { PlanningPart } from '../part.js';
import { planningSettingsRoutes } from './settings.js';

/** The planning settings (`GET/PUT /settings`, section `planning`). */
export const settingsPart: PlanningPart = {
  routes: (app, platform) => planningSettingsRoutes(app, platform.db),
};
