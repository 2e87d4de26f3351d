import type { SalesOpsModule } from '../../platform/module.js';
import { REPORT_SCHEDULED_JOBS, registerReportJobs, reportDeps } from './jobs.js';
import { REPORT_PERMISSIONS } from './permissions.js';
import { reportRoutes } from './reports.routes.js';
import { retimeSchedules } from './retime.js';
import { createReportsService } from './reports.service.js';
import { createSchedulesService } from './schedules.service.js';
import { seedReportsDemo } from './seed.js';

/**
 * Reports over every module's data: the types modules register (`reportTypes`), generation as a
 * job into PDF, XLSX or CSV, the history with downloads, and schedules mailed to their recipients.
 */
export const reportsModule: SalesOpsModule = {
  name: 'reports',
  permissions: REPORT_PERMISSIONS,
  async routes(app, platform) {
    const deps = reportDeps(platform);
    reportRoutes(
      app,
      createReportsService({ ...deps, jobs: platform.jobs, tokens: platform.tokens }),
      createSchedulesService(deps),
    );
  },
  registerJobs: registerReportJobs,
  scheduledJobs: REPORT_SCHEDULED_JOBS,
  onTenantSettingsChange: retimeSchedules,
  seedDemo: seedReportsDemo,
};

export { runDueSchedules } from './due.js';
export { nextRunAfter } from './next-run.js';
