import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../directory/context.js';
import {
  ActivityQuery,
  ActivityResponse,
  type ActivityQuery as ActivityQueryT,
  type ActivityService,
} from './activity.js';
import {
  AuditAllQuery,
  AuditEntry,
  AuditQuery,
  type AuditAllQuery as AuditAllQueryT,
  type AuditQuery as AuditQueryT,
  type AuditService,
} from './audit.service.js';
import {
  CreateOrgUnitBody,
  OrgUnit,
  OrgUnitListQuery,
  UpdateOrgUnitBody,
  type CreateOrgUnitBody as CreateOrgUnitBodyT,
  type OrgUnitListQuery as OrgUnitListQueryT,
  type UpdateOrgUnitBody as UpdateOrgUnitBodyT,
} from './org-units.schemas.js';
import type { OrgUnitsService } from './org-units.service.js';
import {
  CreateTeamBody,
  MemberParams,
  MembersBody,
  Team,
  TeamListQuery,
  UpdateTeamBody,
  type CreateTeamBody as CreateTeamBodyT,
  type MembersBody as MembersBodyT,
  type TeamListQuery as TeamListQueryT,
  type UpdateTeamBody as UpdateTeamBodyT,
} from './teams.schemas.js';
import type { TeamsService } from './teams.service.js';

type Id = { id: string };
const NoContent = { 204: Type.Null() };

export function orgUnitRoutes(app: FastifyInstance, units: OrgUnitsService): void {
  const tags = ['org-units'];
  app.get<{ Querystring: OrgUnitListQueryT }>(
    '/org-units',
    {
      config: { permission: 'org_units:read' },
      schema: {
        summary: 'List org units in path order (tree=true: nested)',
        tags,
        querystring: OrgUnitListQuery,
        response: { 200: ListEnvelope('org_units', OrgUnit) },
      },
    },
    async (request) => units.list(callContext(request), request.query),
  );
  app.post<{ Body: CreateOrgUnitBodyT }>(
    '/org-units',
    {
      config: { permission: 'org_units:write' },
      schema: { summary: 'Create an org unit', tags, body: CreateOrgUnitBody, response: { 201: OrgUnit } },
    },
    async (request, reply) => reply.code(201).send(await units.create(callContext(request), request.body)),
  );
  app.get<{ Params: Id }>(
    '/org-units/:id',
    {
      config: { permission: 'org_units:read' },
      schema: { summary: 'Read an org unit', tags, params: IdParams, response: { 200: OrgUnit } },
    },
    async (request) => units.get(callContext(request), request.params.id),
  );
  app.put<{ Params: Id; Body: UpdateOrgUnitBodyT }>(
    '/org-units/:id',
    {
      config: { permission: 'org_units:write' },
      schema: {
        summary: 'Update an org unit; a new parent_id moves its whole subtree',
        tags,
        params: IdParams,
        body: UpdateOrgUnitBody,
        response: { 200: OrgUnit },
      },
    },
    async (request) => units.update(callContext(request), request.params.id, request.body),
  );
  app.delete<{ Params: Id }>(
    '/org-units/:id',
    {
      config: { permission: 'org_units:write' },
      schema: {
        summary: 'Delete an org unit without children or teams',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await units.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

export function teamRoutes(app: FastifyInstance, teams: TeamsService): void {
  const tags = ['teams'];
  app.get<{ Querystring: TeamListQueryT }>(
    '/teams',
    {
      config: { permission: 'teams:read' },
      schema: {
        summary: 'List teams',
        tags,
        querystring: TeamListQuery,
        response: { 200: ListEnvelope('teams', Team) },
      },
    },
    async (request) => teams.list(callContext(request), request.query),
  );
  app.post<{ Body: CreateTeamBodyT }>(
    '/teams',
    {
      config: { permission: 'teams:write' },
      schema: { summary: 'Create a team', tags, body: CreateTeamBody, response: { 201: Team } },
    },
    async (request, reply) => reply.code(201).send(await teams.create(callContext(request), request.body)),
  );
  app.get<{ Params: Id }>(
    '/teams/:id',
    {
      config: { permission: 'teams:read' },
      schema: { summary: 'Read a team with its members', tags, params: IdParams, response: { 200: Team } },
    },
    async (request) => teams.get(callContext(request), request.params.id),
  );
  app.put<{ Params: Id; Body: UpdateTeamBodyT }>(
    '/teams/:id',
    {
      config: { permission: 'teams:write' },
      schema: {
        summary: 'Update a team (name, org unit, leader)',
        tags,
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: Team },
      },
    },
    async (request) => teams.update(callContext(request), request.params.id, request.body),
  );
  app.delete<{ Params: Id }>(
    '/teams/:id',
    {
      config: { permission: 'teams:write' },
      schema: {
        summary: 'Delete a team (its memberships go with it)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await teams.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
  app.post<{ Params: Id; Body: MembersBodyT }>(
    '/teams/:id/members',
    {
      config: { permission: 'teams:write' },
      schema: {
        summary: 'Add members to a team (already present: ignored)',
        tags,
        params: IdParams,
        body: MembersBody,
        response: { 200: Team },
      },
    },
    async (request) => teams.addMembers(callContext(request), request.params.id, request.body),
  );
  app.delete<{ Params: { id: string; user_id: string } }>(
    '/teams/:id/members/:user_id',
    {
      config: { permission: 'teams:write' },
      schema: { summary: 'Remove a member from a team', tags, params: MemberParams, response: NoContent },
    },
    async (request, reply) => {
      await teams.removeMember(callContext(request), request.params.id, request.params.user_id);
      return reply.code(204).send();
    },
  );
}

/** Only super administrators pass this check (no role in any tenant holds it). */
export const AUDIT_READ_ALL = 'audit:read_all';

export function auditRoutes(app: FastifyInstance, audit: AuditService, activity: ActivityService): void {
  app.get<{ Querystring: AuditQueryT }>(
    '/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'The tenant’s audit log, newest first',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: ListEnvelope('audit', AuditEntry) },
      },
    },
    async (request) => audit.list(callContext(request), request.query),
  );
  app.get<{ Querystring: AuditAllQueryT }>(
    '/audit/all',
    {
      config: { permission: AUDIT_READ_ALL },
      schema: {
        summary: 'The audit log across tenants (super_admin)',
        tags: ['audit'],
        querystring: AuditAllQuery,
        response: { 200: ListEnvelope('audit', AuditEntry) },
      },
    },
    async (request) => audit.listAll(requirePrincipal(request), request.query),
  );
  app.get<{ Querystring: ActivityQueryT }>(
    '/admin/users/activity',
    {
      config: { permission: 'admin:reports' },
      schema: {
        summary: 'Per user: last login, logins and audited actions in the period, plus module counts',
        tags: ['admin'],
        querystring: ActivityQuery,
        response: { 200: ActivityResponse },
      },
    },
    async (request) => activity.report(callContext(request), request.query),
  );
}
