import { and, asc, count, eq, ilike, inArray, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../audit.js';
import { orgUnits, teamMembers, teams } from '../tables/org.tables.js';
import { users } from '../tables/users.tables.js';
import { userSummaryColumns } from '../directory/users.repository.js';
import { likeEscape, type CallContext } from '../directory/context.js';
import type { CreateTeamBody, MembersBody, Team, TeamListQuery, UpdateTeamBody } from './teams.schemas.js';

type Row = typeof teams.$inferSelect;

const teamResource = defineResource({
  table: teams,
  name: 'Team',
  tenantId: teams.tenantId,
  id: teams.id,
  sorts: { name: teams.name, created_at: teams.createdAt },
});

/**
 * Members of the team, as a column of the team's row. The outer columns are written out qualified:
 * Drizzle renders single-table columns unqualified, which the subquery would read as its own.
 */
const memberCount = sql<number>`(select count(*)::int from ${teamMembers} tm
  where tm.tenant_id = teams.tenant_id and tm.team_id = teams.id)`;

function toTeamJson(row: Row, members: number): Team {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    org_unit_id: row.orgUnitId,
    leader_id: row.leaderId,
    member_count: Number(members),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const auditable = (t: Team) => ({
  name: t.name,
  description: t.description,
  org_unit_id: t.org_unit_id,
  leader_id: t.leader_id,
});

export function createTeamsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  /** The team (locked for a write when asked) with its member count; 404 outside the tenant. */
  async function find(tx: Tx, ctx: CallContext, id: string, lock = false) {
    const team = await teamResource.find(tx, ctx, id, { lock });
    const [counted] = await tx.db
      .select({ n: count() })
      .from(teamMembers)
      .where(and(eq(teamMembers.tenantId, ctx.tenantId), eq(teamMembers.teamId, id)));
    return { team, members: Number(counted?.n ?? 0) };
  }

  async function withMembers(tx: Tx, ctx: CallContext, id: string): Promise<Team> {
    const tenantId = ctx.tenantId;
    const { team, members } = await find(tx, ctx, id);
    const rows = await tx.db
      .select({ ...userSummaryColumns, joinedAt: teamMembers.joinedAt })
      .from(teamMembers)
      .innerJoin(users, and(eq(users.tenantId, teamMembers.tenantId), eq(users.id, teamMembers.userId)))
      .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, id)))
      .orderBy(asc(users.lastName), asc(users.firstName));
    return {
      ...toTeamJson(team, members),
      members: rows.map((m) => ({
        id: m.id,
        email: m.email,
        first_name: m.firstName,
        last_name: m.lastName,
        status: m.status,
        joined_at: m.joinedAt.toISOString(),
      })),
    };
  }

  /** Every referenced user and org unit must exist in the tenant (422 otherwise). */
  async function checkReferences(
    tx: Tx,
    tenantId: string,
    refs: { org_unit_id?: string | null; leader_id?: string | null; member_ids?: string[] },
    memberPath = '/body/member_ids',
  ) {
    if (refs.org_unit_id) {
      const [unit] = await tx.db
        .select({ id: orgUnits.id })
        .from(orgUnits)
        .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, refs.org_unit_id)));
      if (!unit) throw validationFailed([{ path: '/body/org_unit_id', message: 'no such org unit' }]);
    }
    const wanted = [...new Set([...(refs.member_ids ?? []), ...(refs.leader_id ? [refs.leader_id] : [])])];
    if (wanted.length === 0) return;
    const found = await tx.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), inArray(users.id, wanted)));
    const known = new Set(found.map((f) => f.id));
    const errors = [];
    if (refs.leader_id && !known.has(refs.leader_id))
      errors.push({ path: '/body/leader_id', message: 'no such user' });
    (refs.member_ids ?? []).forEach((id, i) => {
      if (!known.has(id)) errors.push({ path: `${memberPath}/${i}`, message: 'no such user' });
    });
    if (errors.length > 0) throw validationFailed(errors);
  }

  async function addMembers(tx: Tx, tenantId: string, teamId: string, userIds: string[]) {
    if (userIds.length === 0) return [];
    return tx.db
      .insert(teamMembers)
      .values([...new Set(userIds)].map((userId) => ({ tenantId, teamId, userId })))
      .onConflictDoNothing()
      .returning({ userId: teamMembers.userId });
  }

  return {
    list(ctx: CallContext, query: TeamListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await teamResource.list<{ members: number }>(tx, ctx, query, {
          where: [
            query.org_unit_id ? eq(teams.orgUnitId, query.org_unit_id) : undefined,
            query.leader_id ? eq(teams.leaderId, query.leader_id) : undefined,
            query.member_id
              ? sql`exists (select 1 from ${teamMembers} tm where tm.tenant_id = teams.tenant_id
                  and tm.team_id = teams.id and tm.user_id = ${query.member_id})`
              : undefined,
            query.q ? ilike(teams.name, `%${likeEscape(query.q)}%`) : undefined,
          ],
          fields: { members: memberCount },
        });
        return envelope('teams', page, (r) => toTeamJson(r, r.members));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, (tx) => withMembers(tx, ctx, id));
    },

    create(ctx: CallContext, body: CreateTeamBody) {
      return tenantTx(ctx, async (tx) => {
        await checkReferences(tx, ctx.tenantId, body);
        const [row] = await tx.db
          .insert(teams)
          .values({
            tenantId: ctx.tenantId,
            name: body.name,
            description: body.description ?? null,
            orgUnitId: body.org_unit_id ?? null,
            leaderId: body.leader_id ?? null,
          })
          .returning();
        await addMembers(tx, ctx.tenantId, row!.id, body.member_ids ?? []);
        const team = await withMembers(tx, ctx, row!.id);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'team.create',
          entityType: 'team',
          entityId: team.id,
          changes: diff(undefined, { ...auditable(team), member_ids: body.member_ids ?? [] }),
        });
        return team;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateTeamBody) {
      return tenantTx(ctx, async (tx) => {
        const current = await find(tx, ctx, id, true);
        await checkReferences(tx, ctx.tenantId, body);
        await tx.db
          .update(teams)
          .set({
            name: body.name,
            description: body.description,
            orgUnitId: body.org_unit_id,
            leaderId: body.leader_id,
            updatedAt: new Date(),
          })
          .where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id)));
        const after = await withMembers(tx, ctx, id);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'team.update',
          entityType: 'team',
          entityId: id,
          changes: diff(auditable(toTeamJson(current.team, current.members)), auditable(after)),
        });
        return after;
      });
    },

    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await find(tx, ctx, id, true);
        // Memberships go with the team (on delete cascade).
        await tx.db.delete(teams).where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'team.delete',
          entityType: 'team',
          entityId: id,
          changes: { before: auditable(toTeamJson(current.team, current.members)) },
        });
      });
    },

    addMembers(ctx: CallContext, id: string, body: MembersBody) {
      return tenantTx(ctx, async (tx) => {
        await teamResource.find(tx, ctx, id, { lock: true });
        await checkReferences(tx, ctx.tenantId, { member_ids: body.user_ids }, '/body/user_ids');
        const added = await addMembers(tx, ctx.tenantId, id, body.user_ids);
        if (added.length > 0)
          await writeAudit(tx, ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'team.members_add',
            entityType: 'team',
            entityId: id,
            changes: { after: { user_ids: added.map((a) => a.userId) } },
          });
        return withMembers(tx, ctx, id);
      });
    },

    removeMember(ctx: CallContext, id: string, userId: string) {
      return tenantTx(ctx, async (tx) => {
        await teamResource.find(tx, ctx, id, { lock: true });
        const removed = await tx.db
          .delete(teamMembers)
          .where(
            and(
              eq(teamMembers.tenantId, ctx.tenantId),
              eq(teamMembers.teamId, id),
              eq(teamMembers.userId, userId),
            ),
          )
          .returning({ userId: teamMembers.userId });
        if (removed.length === 0) throw notFound('Team member');
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'team.members_remove',
          entityType: 'team',
          entityId: id,
          changes: { before: { user_ids: [userId] } },
        });
      });
    },
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
