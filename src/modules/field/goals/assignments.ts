import type { Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { type CallContext, teamIdsInScope } from '../../identity/index.js';
import { goalAssignments } from '../tables/goals.tables.js';
import { userInScope } from '../visits/visits.repository.js';
import type { GoalRow } from './goals.repository.js';
import type { AssigneeInput } from './goals.schemas.js';

/** Upserts assignments: users must be active and in scope, teams reachable by the caller. */
export async function assignGoal(
  tx: Tx,
  ctx: CallContext,
  goal: GoalRow,
  assignees: AssigneeInput[],
  path: string,
) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const teamIds = assignees.filter((a) => a.type === 'team').map((a) => a.id);
  const teamOk = await teamIdsInScope(tx, ctx.principal, ctx.tenantId, teamIds);
  for (const [i, a] of assignees.entries()) {
    const key = `${a.type}:${a.id}`;
    if (seen.has(key)) errors.push({ path: `${path}/${i}/id`, message: 'listed twice' });
    seen.add(key);
    if (a.type === 'user' && !(await userInScope(tx, ctx.principal, ctx.tenantId, a.id)))
      errors.push({ path: `${path}/${i}/id`, message: 'no such active user within your scope' });
    if (a.type === 'team' && !teamOk.has(a.id))
      errors.push({ path: `${path}/${i}/id`, message: 'no such team within your scope' });
    if (goal.metric === 'shelf_share' && a.target && Number(a.target) > 100)
      errors.push({
        path: `${path}/${i}/target`,
        message: 'a shelf share target is a percentage (at most 100)',
      });
    if (a.target !== undefined && a.target !== null && Number(a.target) <= 0)
      errors.push({ path: `${path}/${i}/target`, message: 'must be greater than 0' });
  }
  if (errors.length) throw validationFailed(errors);
  for (const a of assignees) {
    const values = {
      tenantId: ctx.tenantId,
      goalId: goal.id,
      assigneeType: a.type,
      userId: a.type === 'user' ? a.id : null,
      teamId: a.type === 'team' ? a.id : null,
      target: a.target ?? null,
    };
    const target = a.type === 'user' ? goalAssignments.userId : goalAssignments.teamId;
    await tx.db
      .insert(goalAssignments)
      .values(values)
      .onConflictDoUpdate({
        target: [goalAssignments.tenantId, goalAssignments.goalId, target],
        set: { target: values.target, updatedAt: new Date() },
      });
  }
}
