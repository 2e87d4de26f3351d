import type { PlanningPart } from '../part.js';
import { cycleRoutes } from './cycles.routes.js';
import { createCyclesService } from './cycles.service.js';
import { CYCLE_SCHEDULED_JOBS, registerCycleJobs } from './jobs.js';

/** S&OP cycles: CRUD, open/close/notify, the active cycle, stats; reminder and auto-close jobs. */
export const cyclesPart: PlanningPart = {
  routes(app, platform) {
    cycleRoutes(app, createCyclesService({ db: platform.db, mailer: platform.mailer }));
  },
  registerJobs: registerCycleJobs,
  scheduledJobs: CYCLE_SCHEDULED_JOBS,
};
