import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { ActivityQuery, ActivityResponse, type ActivityService } from './activity.js';
import { AuditAllQuery, AuditEntry, AuditQuery, type AuditService } from './audit.service.js';
import { CreateOrgUnitBody, OrgUnit, OrgUnitListQuery, UpdateOrgUnitBody } from './org-units.schemas.js';
import type { OrgUnitsService } from './org-units.service.js';
import {
  CreateTeamBody,
  MemberParams,
  MembersBody,
  Team,
  TeamListQuery,
  UpdateTeamBody,
} from './teams.schemas.js';
import type { TeamsService } from './teams.service.js';

export function orgUnitRoutes(app: FastifyInstance, units: OrgUnitsService): void {
  crudRoutes(
    app,
    {
      path: '/org-units',
      tag: 'org-units',
      listKey: 'org_units',
      singular: 'org unit',
      permission: 'org_units',
      item: OrgUnit,
      list: { query: OrgUnitListQuery, summary: 'List org units in path order (tree=true: nested)' },
      create: { body: CreateOrgUnitBody, summary: 'Create an org unit' },
      read: { summary: 'Read an org unit' },
      update: {
        body: UpdateOrgUnitBody,
        summary: 'Update an org unit; a new parent_id moves its whole subtree',
      },
      delete: { summary: 'Delete an org unit without children or teams' },
    },
    { list: units.list, create: units.create, get: units.get, update: units.update, remove: units.remove },
  );
}

export function teamRoutes(app: FastifyInstance, teams: TeamsService): void {
  const tag = 'teams';
  crudRoutes(
    app,
    {
      path: '/teams',
      tag,
      listKey: 'teams',
      singular: 'team',
      permission: 'teams',
      item: Team,
      list: { query: TeamListQuery, summary: 'List teams' },
      create: { body: CreateTeamBody, summary: 'Create a team' },
      read: { summary: 'Read a team with its members' },
      update: { body: UpdateTeamBody, summary: 'Update a team (name, org unit, leader)' },
      delete: { summary: 'Delete a team (its memberships go with it)' },
    },
    { list: teams.list, create: teams.create, get: teams.get, update: teams.update, remove: teams.remove },
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/teams/:id/members',
      summary: 'Add members to a team (already present: ignored)',
      permission: 'teams:write',
      body: MembersBody,
      response: Team,
    },
    (ctx, id, body) => teams.addMembers(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'delete',
      path: '/teams/:id/members/:user_id',
      summary: 'Remove a member from a team',
      permission: 'teams:write',
      params: MemberParams,
      status: 204,
    },
    (ctx, id, _body, _query, params) => teams.removeMember(ctx, id, params.user_id!),
  );
}

/** Only super administrators pass this check (no role in any tenant holds it). */
export const AUDIT_READ_ALL = 'audit:read_all';

export function auditRoutes(app: FastifyInstance, audit: AuditService, activity: ActivityService): void {
  const tag = 'audit';
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/audit',
      summary: 'The tenant’s audit log, newest first',
      permission: 'audit:read',
      query: AuditQuery,
      response: ListEnvelope('audit', AuditEntry),
    },
    (ctx, _id, _body, query) => audit.list(ctx, query),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/audit/all',
      summary: 'The audit log across tenants (super_admin)',
      permission: AUDIT_READ_ALL,
      query: AuditAllQuery,
      response: ListEnvelope('audit', AuditEntry),
      // Across tenants: a super administrator sends no X-Tenant-ID here.
      context: requirePrincipal,
    },
    (caller, _id, _body, query) => audit.listAll(caller, query),
  );
  resourceAction(
    app,
    {
      tag: 'admin',
      method: 'get',
      path: '/admin/users/activity',
      summary: 'Per user: last login, logins and audited actions in the period, plus module counts',
      permission: 'admin:reports',
      query: ActivityQuery,
      response: ActivityResponse,
    },
    (ctx, _id, _body, query) => activity.report(ctx, query),
  );
}
