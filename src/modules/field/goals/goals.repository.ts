import { and, asc, count, eq, exists, inArray, or, type SQL } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { iso, scopePredicate, teamInScopePredicate } from '../../identity/index.js';
import { goalAssignments, goals } from '../tables/goals.tables.js';
import type { Goal, GoalAssignment } from './goals.schemas.js';

export type GoalRow = typeof goals.$inferSelect;
export type AssignmentRow = typeof goalAssignments.$inferSelect;

/** An assignment the caller may see: its user is in their data scope, or its team is. */
export function assignmentInScope(principal: Principal, tenantId: string): SQL | undefined {
  const scopedTeams = teamInScopePredicate(principal, tenantId, goalAssignments.teamId);
  if (!scopedTeams) return undefined;
  return or(scopePredicate(principal, goalAssignments.userId), scopedTeams);
}

/** Builds the scope's subquery without a transaction, so the goal resource can apply it anywhere. */
const subquery = new QueryBuilder();

/**
 * The goal data scope: tenant-wide callers see every goal; everyone else the goals they created
 * and the goals with an assignment in their scope (an agent: assigned to them or to their team).
 */
export function goalScope(principal: Principal, tenantId: string): SQL | undefined {
  const assignment = assignmentInScope(principal, tenantId);
  if (!assignment) return undefined;
  return or(
    eq(goals.createdBy, principal.userId),
    exists(
      subquery
        .select({ one: goalAssignments.id })
        .from(goalAssignments)
        .where(
          and(eq(goalAssignments.tenantId, goals.tenantId), eq(goalAssignments.goalId, goals.id), assignment),
        ),
    ),
  );
}

/** `goalScope` for callers that hold a transaction (analytics). */
export const goalInScope = (_tx: Tx, principal: Principal, tenantId: string) =>
  goalScope(principal, tenantId);

/** The goal's assignments the caller may see, users before teams. */
export function visibleAssignments(tx: Tx, principal: Principal, tenantId: string, goalId: string) {
  return tx.db
    .select()
    .from(goalAssignments)
    .where(
      and(
        eq(goalAssignments.tenantId, tenantId),
        eq(goalAssignments.goalId, goalId),
        assignmentInScope(principal, tenantId),
      ),
    )
    .orderBy(asc(goalAssignments.assigneeType), asc(goalAssignments.createdAt), asc(goalAssignments.id));
}

/** The visible assignments of several goals in one query, per goal, users before teams. */
export async function visibleAssignmentsOf(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  goalIds: string[],
) {
  const byGoal = new Map<string, AssignmentRow[]>();
  if (goalIds.length === 0) return byGoal;
  const rows = await tx.db
    .select()
    .from(goalAssignments)
    .where(
      and(
        eq(goalAssignments.tenantId, tenantId),
        inArray(goalAssignments.goalId, goalIds),
        assignmentInScope(principal, tenantId),
      ),
    )
    .orderBy(asc(goalAssignments.assigneeType), asc(goalAssignments.createdAt), asc(goalAssignments.id));
  for (const row of rows) byGoal.set(row.goalId, [...(byGoal.get(row.goalId) ?? []), row]);
  return byGoal;
}

export async function visibleAssignmentCounts(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  goalIds: string[],
) {
  if (goalIds.length === 0) return new Map<string, number>();
  const rows = await tx.db
    .select({ goalId: goalAssignments.goalId, n: count() })
    .from(goalAssignments)
    .where(
      and(
        eq(goalAssignments.tenantId, tenantId),
        inArray(goalAssignments.goalId, goalIds),
        assignmentInScope(principal, tenantId),
      ),
    )
    .groupBy(goalAssignments.goalId);
  return new Map(rows.map((r) => [r.goalId, Number(r.n)]));
}

/** Members of each team (current membership: a team's goal counts the people in it now). */
export { membersOfTeams } from '../../identity/index.js';

export const toAssignmentJson = (row: AssignmentRow, goal: GoalRow): GoalAssignment => ({
  id: row.id,
  assignee_type: row.assigneeType,
  user_id: row.userId,
  team_id: row.teamId,
  target: row.target,
  effective_target: row.target ?? goal.target,
  reported_value: row.reportedValue,
  reported_at: iso(row.reportedAt),
  created_at: row.createdAt.toISOString(),
});

export const toGoalJson = (row: GoalRow, assignmentCount: number, assignments?: AssignmentRow[]): Goal => ({
  id: row.id,
  name: row.name,
  description: row.description,
  metric: row.metric,
  target: row.target,
  period_start: row.periodStart,
  period_end: row.periodEnd,
  brand_id: row.brandId,
  survey_id: row.surveyId,
  is_active: row.isActive,
  archived_at: iso(row.archivedAt),
  created_by: row.createdBy,
  assignment_count: assignmentCount,
  ...(assignments ? { assignments: assignments.map((a) => toAssignmentJson(a, row)) } : {}),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
