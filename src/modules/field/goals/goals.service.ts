import { and, eq, gt, gte, inArray, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { brandIdsAmong } from '../../catalog/index.js';
import { diff, teamOfMemberPredicate, writeAudit } from '../../identity/index.js';
import { goalAssignments, goals } from '../tables/goals.tables.js';
import { surveys } from '../tables/surveys.tables.js';
import {
  assignmentInScope,
  goalScope,
  toGoalJson,
  visibleAssignmentCounts,
  visibleAssignments,
  type GoalRow,
} from './goals.repository.js';
import { assignGoal } from './assignments.js';
import { goalProgressOf } from './progress.js';
import type {
  AssignBody,
  CreateGoalBody,
  Goal,
  GoalListQuery,
  ReportProgressBody,
  UnassignBody,
  UpdateGoalBody,
} from './goals.schemas.js';

/**
 * A goal belongs to no single user: the caller sees the goals they created and those assigned to
 * someone (or a team) in their data scope, on every list, read and change.
 */
export const goalResource = defineResource({
  table: goals,
  name: 'Goal',
  tenantId: goals.tenantId,
  id: goals.id,
  // Only a super administrator lists across tenants (tenantId null), and they see every goal.
  scope: (ctx) => (ctx.tenantId === null ? undefined : goalScope(ctx.principal, ctx.tenantId)),
  sorts: {
    period_start: goals.periodStart,
    period_end: goals.periodEnd,
    name: goals.name,
    created_at: goals.createdAt,
  },
});

const goalArchived = () =>
  new AppError(409, 'GOAL_ARCHIVED', 'The goal is archived; it can no longer change.');

const auditable = (g: Goal): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, assignments: _a, assignment_count: _n, ...rest } = g;
  return rest;
};

/** Whether any assignment of the goal meets `condition`. */
async function hasAssignment(tx: Tx, tenantId: string, goalId: string, condition: SQL): Promise<boolean> {
  const [found] = await tx.db
    .select({ id: goalAssignments.id })
    .from(goalAssignments)
    .where(and(eq(goalAssignments.tenantId, tenantId), eq(goalAssignments.goalId, goalId), condition))
    .limit(1);
  return found !== undefined;
}

type GoalFields = Pick<GoalRow, 'metric' | 'target' | 'periodStart' | 'periodEnd' | 'brandId' | 'surveyId'>;

/** Cross-field rules and references: the period, shelf share's brand and % target, brand, survey. */
async function checkGoal(tx: Tx, tenantId: string, goal: GoalFields, errors: FieldError[]) {
  if (goal.periodEnd < goal.periodStart)
    errors.push({ path: '/body/period_end', message: 'must not be before period_start' });
  if (Number(goal.target) <= 0) errors.push({ path: '/body/target', message: 'must be greater than 0' });
  if (goal.metric === 'shelf_share') {
    if (!goal.brandId) errors.push({ path: '/body/brand_id', message: 'shelf_share goals need the brand' });
    if (Number(goal.target) > 100)
      errors.push({ path: '/body/target', message: 'a shelf share target is a percentage (at most 100)' });
  }
  if (goal.brandId) {
    const brand = await brandIdsAmong(tx, tenantId, [goal.brandId], true);
    if (!brand.has(goal.brandId)) errors.push({ path: '/body/brand_id', message: 'no such brand' });
  }
  if (goal.surveyId) {
    const [survey] = await tx.db
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, goal.surveyId)));
    if (!survey) errors.push({ path: '/body/survey_id', message: 'no such survey' });
  }
}

export function createGoalsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  async function present(tx: Tx, ctx: CallContext, row: GoalRow): Promise<Goal> {
    const assignments = await visibleAssignments(tx, ctx.principal, ctx.tenantId, row.id);
    return toGoalJson(row, assignments.length, assignments);
  }

  /**
   * A goal the caller may change: visible (else 404), created by them unless they are tenant-wide
   * (a team leader cannot rewrite a national goal that merely includes their agents), not archived.
   */
  async function changeable(tx: Tx, ctx: CallContext, id: string): Promise<GoalRow> {
    const row = await goalResource.find(tx, ctx, id, { lock: true });
    if (ctx.principal.scope !== 'tenant' && row.createdBy !== ctx.principal.userId)
      throw new AppError(
        403,
        'GOAL_NOT_OWNED',
        'Only its creator or a tenant-wide manager can change this goal.',
      );
    if (row.archivedAt) throw goalArchived();
    return row;
  }

  async function audit(
    tx: Tx,
    ctx: CallContext,
    action: string,
    id: string,
    changes: Parameters<typeof writeAudit>[2]['changes'],
  ) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'goal',
      entityId: id,
      changes,
    });
  }

  return {
    list(ctx: CallContext, query: GoalListQuery) {
      return tenantTx(ctx, async (tx) => {
        // Only assignments the caller may see count: the filter must not reveal hidden ones.
        const assignedTo = query.assignee
          ? inArray(
              goals.id,
              tx.db
                .select({ id: goalAssignments.goalId })
                .from(goalAssignments)
                .where(
                  and(
                    eq(goalAssignments.tenantId, ctx.tenantId),
                    or(
                      eq(goalAssignments.userId, query.assignee),
                      teamOfMemberPredicate(ctx.tenantId, query.assignee, goalAssignments.teamId),
                    ),
                    assignmentInScope(ctx.principal, ctx.tenantId),
                  ),
                ),
            )
          : undefined;
        const page = await goalResource.list(tx, ctx, query, {
          where: [
            query.archived ? isNotNull(goals.archivedAt) : isNull(goals.archivedAt),
            query.metric ? eq(goals.metric, query.metric) : undefined,
            query.active !== undefined ? eq(goals.isActive, query.active) : undefined,
            query.current_on ? lte(goals.periodStart, query.current_on) : undefined,
            query.current_on ? gte(goals.periodEnd, query.current_on) : undefined,
            assignedTo,
          ],
        });
        const counts = await visibleAssignmentCounts(
          tx,
          ctx.principal,
          ctx.tenantId,
          page.rows.map((r) => r.id),
        );
        return envelope('goals', page, (r) => toGoalJson(r, counts.get(r.id) ?? 0));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => present(tx, ctx, await goalResource.find(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateGoalBody) {
      return tenantTx(ctx, async (tx) => {
        const fields: GoalFields = {
          metric: body.metric,
          target: body.target,
          periodStart: body.period_start,
          periodEnd: body.period_end,
          brandId: body.brand_id ?? null,
          surveyId: body.survey_id ?? null,
        };
        const errors: FieldError[] = [];
        await checkGoal(tx, ctx.tenantId, fields, errors);
        if (errors.length) throw validationFailed(errors);
        const [row] = await tx.db
          .insert(goals)
          .values({
            tenantId: ctx.tenantId,
            name: body.name,
            description: body.description ?? null,
            isActive: body.is_active ?? true,
            createdBy: ctx.principal.userId,
            ...fields,
          })
          .returning();
        if (body.assignees?.length) await assignGoal(tx, ctx, row!, body.assignees, '/body/assignees');
        const json = await present(tx, ctx, row!);
        await audit(tx, ctx, 'goal.create', row!.id, {
          after: { ...auditable(json), assignees: body.assignees ?? [] },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateGoalBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await changeable(tx, ctx, id);
        const fields: GoalFields = {
          metric: body.metric ?? before.metric,
          target: body.target ?? before.target,
          periodStart: body.period_start ?? before.periodStart,
          periodEnd: body.period_end ?? before.periodEnd,
          brandId: body.brand_id !== undefined ? body.brand_id : before.brandId,
          surveyId: body.survey_id !== undefined ? body.survey_id : before.surveyId,
        };
        const errors: FieldError[] = [];
        await checkGoal(tx, ctx.tenantId, fields, errors);
        if (fields.metric === 'shelf_share' && before.metric !== 'shelf_share') {
          // The assignees' own targets become percentages too.
          if (await hasAssignment(tx, ctx.tenantId, id, gt(goalAssignments.target, '100')))
            errors.push({
              path: '/body/metric',
              message: 'an assignee’s target is over 100; a shelf share target is a percentage',
            });
        }
        if (errors.length) throw validationFailed(errors);
        const [row] = await tx.db
          .update(goals)
          .set({
            ...fields,
            name: body.name,
            description: body.description,
            isActive: body.is_active,
            updatedAt: new Date(),
          })
          .where(and(eq(goals.tenantId, ctx.tenantId), eq(goals.id, id)))
          .returning();
        const json = await present(tx, ctx, row!);
        await audit(tx, ctx, 'goal.update', id, diff(auditable(toGoalJson(before, 0)), auditable(json)));
        return json;
      });
    },

    /**
     * A goal with reported (manual) progress is archived, so the reports stay; any other goal is
     * deleted with its assignments — its progress is recomputable from the field data anyway.
     */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await goalResource.find(tx, ctx, id, { lock: true });
        if (row.archivedAt) return;
        await changeable(tx, ctx, id);
        const reported = await hasAssignment(tx, ctx.tenantId, id, isNotNull(goalAssignments.reportedValue));
        const where = and(eq(goals.tenantId, ctx.tenantId), eq(goals.id, id));
        if (reported)
          await tx.db
            .update(goals)
            .set({ archivedAt: new Date(), isActive: false, updatedAt: new Date() })
            .where(where);
        else await tx.db.delete(goals).where(where);
        await audit(tx, ctx, reported ? 'goal.archive' : 'goal.delete', id, {
          before: auditable(toGoalJson(row, 0)),
        });
      });
    },

    /** Assigns users and teams; assigning one again replaces its own target. */
    assign(ctx: CallContext, id: string, body: AssignBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await changeable(tx, ctx, id);
        await assignGoal(tx, ctx, row, body.assignees, '/body/assignees');
        await audit(tx, ctx, 'goal.assign', id, { after: { assignees: body.assignees } });
        return present(tx, ctx, row);
      });
    },

    /** Removes assignments; naming someone not assigned is not an error (a retry finds them gone). */
    unassign(ctx: CallContext, id: string, body: UnassignBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await changeable(tx, ctx, id);
        const userIds = body.assignees.filter((a) => a.type === 'user').map((a) => a.id);
        const teamIds = body.assignees.filter((a) => a.type === 'team').map((a) => a.id);
        await tx.db
          .delete(goalAssignments)
          .where(
            and(
              eq(goalAssignments.tenantId, ctx.tenantId),
              eq(goalAssignments.goalId, id),
              or(
                userIds.length ? inArray(goalAssignments.userId, userIds) : undefined,
                teamIds.length ? inArray(goalAssignments.teamId, teamIds) : undefined,
              ),
              assignmentInScope(ctx.principal, ctx.tenantId),
            ),
          );
        await audit(tx, ctx, 'goal.unassign', id, { before: { assignees: body.assignees } });
        return present(tx, ctx, row);
      });
    },

    progress(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await goalResource.find(tx, ctx, id);
        return goalProgressOf(tx, row, await visibleAssignments(tx, ctx.principal, ctx.tenantId, id));
      });
    },

    /**
     * Stores the progress reached on a `manual` goal for one assignee (the caller by default). The
     * value replaces the previous report, so a retried request changes nothing.
     */
    report(ctx: CallContext, id: string, body: ReportProgressBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await goalResource.find(tx, ctx, id, { lock: true });
        if (row.archivedAt) throw goalArchived();
        if (row.metric !== 'manual')
          throw new AppError(409, 'GOAL_NOT_MANUAL', 'Progress of this goal is computed from field data.');
        const type = body.assignee_type ?? 'user';
        const assigneeId = body.assignee_id ?? ctx.principal.userId;
        const [assignment] = await tx.db
          .select()
          .from(goalAssignments)
          .where(
            and(
              eq(goalAssignments.tenantId, ctx.tenantId),
              eq(goalAssignments.goalId, id),
              eq(goalAssignments.assigneeType, type),
              eq(type === 'user' ? goalAssignments.userId : goalAssignments.teamId, assigneeId),
              assignmentInScope(ctx.principal, ctx.tenantId),
            ),
          );
        if (!assignment)
          throw validationFailed([
            { path: '/body/assignee_id', message: 'not an assignee of this goal within your scope' },
          ]);
        await tx.db
          .update(goalAssignments)
          .set({
            reportedValue: body.value,
            reportedAt: new Date(),
            reportedBy: ctx.principal.userId,
            updatedAt: new Date(),
          })
          .where(and(eq(goalAssignments.tenantId, ctx.tenantId), eq(goalAssignments.id, assignment.id)));
        await audit(tx, ctx, 'goal.progress.report', id, {
          before: { assignment_id: assignment.id, value: assignment.reportedValue },
          after: { assignment_id: assignment.id, value: body.value },
        });
        return goalProgressOf(tx, row, await visibleAssignments(tx, ctx.principal, ctx.tenantId, id));
      });
    },
  };
}

export type GoalsService = ReturnType<typeof createGoalsService>;
