import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../../platform/module.js';
import { createActivityService } from './activity.js';
import { createAuditService } from './audit.service.js';
import { createOrgUnitsService } from './org-units.service.js';
import { auditRoutes, orgUnitRoutes, teamRoutes } from './org.routes.js';
import { createTeamsService } from './teams.service.js';

/** Org units, teams, the audit log and admin activity. */
export async function orgRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const deps = { db: platform.db, system: platform.system };
  orgUnitRoutes(app, createOrgUnitsService(deps));
  teamRoutes(app, createTeamsService(deps));
  auditRoutes(
    app,
    createAuditService(deps),
    createActivityService({ ...deps, counters: platform.activityCounters }),
  );
}

export type { ActivityCounter } from './activity.js';
