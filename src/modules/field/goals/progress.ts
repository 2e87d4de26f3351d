import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { brandFacts } from '../../catalog/index.js';
import { LEAD_GOAL_METRICS, leadGoalActuals, type LeadGoalMetric } from '../../leads/index.js';
import {
  dayAfter,
  aggregateShelfShare,
  goalProgress,
  photoShelfShare,
  type BrandShareInput,
} from '../formulas.js';
import { photos, shelfQuadrants } from '../tables/photos.tables.js';
import { surveys } from '../tables/surveys.tables.js';
import { visits } from '../tables/visits.tables.js';
import type { GoalMetric } from '../tables/goals.tables.js';
import { selectRows } from '../../../platform/db/rows.js';
import { membersOfTeams, type AssignmentRow, type GoalRow } from './goals.repository.js';
import type { GoalProgress } from './goals.schemas.js';

/**
 * Metrics whose data lives in modules that do not exist yet: their actual is 0, said so openly.
 * Every metric has its data today; a new metric without it gets its note here.
 */
const NOT_YET_AVAILABLE: Partial<Record<GoalMetric, string>> = {};

const isLeadMetric = (metric: GoalMetric): metric is LeadGoalMetric =>
  (LEAD_GOAL_METRICS as readonly string[]).includes(metric);

const cents = (decimal: string) => Math.round(Number(decimal) * 100);
const decimalOf = (centsValue: number) => (centsValue / 100).toFixed(2);
const round2 = (value: number) => Math.round(value * 100) / 100;

/** The goal's period as a half-open UTC time range. */
function window(goal: GoalRow) {
  return {
    from: new Date(`${goal.periodStart}T00:00:00Z`),
    until: dayAfter(goal.periodEnd),
  };
}

/** One goal and one user whose rows count towards it. */
interface Pair {
  goal: GoalRow;
  userId: string;
}

/**
 * The (goal, user) pairs as a relation `gu(goal_id, user_id, from_at, until_at, survey_id,
 * brand_id, metric)`: one array parameter per column, so one statement serves every goal at once.
 */
function pairsRelation(pairs: Pair[]): SQL {
  const column = <T>(f: (p: Pair) => T) => sql.param(pairs.map(f));
  return sql`unnest(${column((p) => p.goal.id)}::uuid[], ${column((p) => p.userId)}::uuid[],
      ${column((p) => window(p.goal).from.toISOString())}::timestamptz[],
      ${column((p) => window(p.goal).until.toISOString())}::timestamptz[],
      ${column((p) => p.goal.surveyId)}::uuid[], ${column((p) => p.goal.brandId)}::uuid[],
      ${column((p) => p.goal.metric)}::text[])
    as gu(goal_id, user_id, from_at, until_at, survey_id, brand_id, metric)`;
}

const pairKey = (goalId: string, userId: string) => `${goalId}/${userId}`;

/**
 * Completed visits per (goal, agent) in the goal's period (completion time): of the goal's survey,
 * or of surveys of the goal's brand; with a survey at all for surveys_completed.
 */
async function completedVisits(tx: Tx, tenantId: string, pairs: Pair[]) {
  if (pairs.length === 0) return new Map<string, number>();
  const rows = await selectRows<{ goal_id: string; user_id: string; n: number }>(
    tx,
    sql`select gu.goal_id, gu.user_id, count(*)::int as n
      from ${pairsRelation(pairs)}
      join ${visits} v on v.tenant_id = ${tenantId} and v.agent_id = gu.user_id and v.status = 'completed'
        and v.completed_at >= gu.from_at and v.completed_at < gu.until_at
      where (gu.survey_id is null or v.survey_id = gu.survey_id)
        and (gu.brand_id is null or v.survey_id in (
          select s.id from ${surveys} s where s.tenant_id = ${tenantId} and s.brand_id = gu.brand_id))
        and (gu.metric <> 'surveys_completed' or v.survey_id is not null)
      group by gu.goal_id, gu.user_id`,
  );
  return new Map(rows.map((r) => [pairKey(r.goal_id, r.user_id), Number(r.n)]));
}

/** Photos of the pair's user in the goal's period, taken on a visit of the goal's survey. */
const pairPhotos = (tenantId: string) =>
  sql`${photos} p on p.tenant_id = ${tenantId} and p.agent_id = gu.user_id
        and p.created_at >= gu.from_at and p.created_at < gu.until_at
        and (gu.survey_id is null or p.visit_id in (
          select v.id from ${visits} v where v.tenant_id = ${tenantId} and v.survey_id = gu.survey_id))`;

/** Photos per (goal, user); for a goal with a brand, only photos showing it on the shelf. */
async function photoCounts(tx: Tx, tenantId: string, pairs: Pair[]) {
  if (pairs.length === 0) return new Map<string, number>();
  const rows = await selectRows<{ goal_id: string; user_id: string; n: number }>(
    tx,
    sql`select gu.goal_id, gu.user_id, count(*)::int as n
      from ${pairsRelation(pairs)}
      join ${pairPhotos(tenantId)}
      where gu.brand_id is null or exists (select 1 from ${shelfQuadrants} q
        where q.tenant_id = p.tenant_id and q.photo_id = p.id and q.brand_id = gu.brand_id)
      group by gu.goal_id, gu.user_id`,
  );
  return new Map(rows.map((r) => [pairKey(r.goal_id, r.user_id), Number(r.n)]));
}

/** Every brand's share on each shelf-marked photo per (goal, user). */
async function shelfMarks(tx: Tx, tenantId: string, pairs: Pair[]) {
  const perPair = new Map<string, BrandShareInput[]>();
  if (pairs.length === 0) return perPair;
  const rows = await selectRows<{
    goal_id: string;
    user_id: string;
    grid_rows: number;
    grid_cols: number;
    brand_id: string;
    cells: { row: number; col: number }[];
    area_percent: number | null;
  }>(
    tx,
    sql`select gu.goal_id, gu.user_id, p.grid_rows, p.grid_cols, q.brand_id, q.cells, q.area_percent
      from ${pairsRelation(pairs)}
      join ${pairPhotos(tenantId)}
      join ${shelfQuadrants} q on q.tenant_id = p.tenant_id and q.photo_id = p.id`,
  );
  // Own or competitor is the catalogue's fact about each brand: one lookup for all of them.
  const brands = await brandFacts(
    tx,
    tenantId,
    rows.map((r) => r.brand_id),
  );
  for (const r of rows) {
    const brand = brands.get(r.brand_id);
    if (!brand) continue;
    const share = photoShelfShare(
      { rows: r.grid_rows, cols: r.grid_cols },
      { cells: r.cells, areaPercent: r.area_percent === null ? null : Number(r.area_percent) },
    );
    const key = pairKey(r.goal_id, r.user_id);
    perPair.set(key, [...(perPair.get(key) ?? []), { brandId: r.brand_id, isOwn: brand.isOwn, share }]);
  }
  return perPair;
}

export interface GoalAssignments {
  goal: GoalRow;
  assignments: AssignmentRow[];
}

/**
 * Progress of many goals with a fixed number of statements, whatever the number of goals,
 * assignments and team members: one for team members, and one per kind of measure (visits,
 * photos, shelf marks, the leads module's lead measures) over every (goal, user) pair at once.
 */
export async function goalsProgressOf(
  tx: Tx,
  tenantId: string,
  items: GoalAssignments[],
): Promise<GoalProgress[]> {
  const teamIds = [
    ...new Set(items.flatMap((i) => i.assignments.flatMap((a) => (a.teamId ? [a.teamId] : [])))),
  ];
  const members = await membersOfTeams(tx, tenantId, teamIds);
  const usersOf = (a: AssignmentRow) => (a.userId ? [a.userId] : (members.get(a.teamId!) ?? []));
  const pairsOf = (metrics: GoalMetric[]) =>
    items
      .filter((i) => metrics.includes(i.goal.metric) && !NOT_YET_AVAILABLE[i.goal.metric])
      .flatMap(({ goal, assignments }) =>
        [...new Set(assignments.flatMap(usersOf))].map((userId) => ({ goal, userId })),
      );
  const visitCounts = await completedVisits(tx, tenantId, pairsOf(['visits_completed', 'surveys_completed']));
  const photoCountsOf = await photoCounts(tx, tenantId, pairsOf(['photos']));
  const marks = await shelfMarks(tx, tenantId, pairsOf(['shelf_share']));
  const leadActuals = await leadGoalActuals(
    tx,
    tenantId,
    pairsOf([...LEAD_GOAL_METRICS]).map(({ goal, userId }) => ({
      goalId: goal.id,
      userId,
      metric: goal.metric as LeadGoalMetric,
      ...window(goal),
    })),
  );
  return items.map(({ goal, assignments }) =>
    progressFrom(goal, assignments, usersOf, {
      count: (userId) =>
        (isLeadMetric(goal.metric)
          ? leadActuals
          : goal.metric === 'photos'
            ? photoCountsOf
            : visitCounts
        ).get(pairKey(goal.id, userId)) ?? 0,
      marks: (userId) => marks.get(pairKey(goal.id, userId)) ?? [],
    }),
  );
}

/** Progress of one goal for the given (visible) assignments. */
export async function goalProgressOf(
  tx: Tx,
  goal: GoalRow,
  assignments: AssignmentRow[],
): Promise<GoalProgress> {
  const [progress] = await goalsProgressOf(tx, goal.tenantId, [{ goal, assignments }]);
  return progress!;
}

/**
 * Progress of a goal for the given (visible) assignments. A user's actual comes from their own
 * rows in the period; a team's from all its current members' rows (summed, or pooled for shelf
 * share). Overall: Σ actual ÷ Σ target for counted metrics; for shelf share, the brand's share
 * pooled over every assignee's photos against the goal's target.
 */
function progressFrom(
  goal: GoalRow,
  assignments: AssignmentRow[],
  usersOf: (a: AssignmentRow) => string[],
  data: { count: (userId: string) => number; marks: (userId: string) => BrandShareInput[] },
): GoalProgress {
  const allUsers = [...new Set(assignments.flatMap(usersOf))];
  const note = NOT_YET_AVAILABLE[goal.metric] ?? null;

  let actualOf: (a: AssignmentRow) => number;
  let overallActual: (() => number) | undefined;
  if (goal.metric === 'manual') actualOf = (a) => Number(a.reportedValue ?? 0);
  else if (note || allUsers.length === 0) actualOf = () => 0;
  else if (goal.metric === 'shelf_share') {
    const shareOf = (users: string[]) => {
      const pooled = aggregateShelfShare(users.flatMap(data.marks));
      return pooled.brands.find((b) => b.brandId === goal.brandId)?.sharePercent ?? 0;
    };
    actualOf = (a) => shareOf(usersOf(a));
    overallActual = () => shareOf(allUsers);
  } else {
    actualOf = (a) => usersOf(a).reduce((sum, u) => sum + data.count(u), 0);
  }

  let actualSum = 0;
  let targetCents = 0;
  const rows = assignments.map((a) => {
    const target = a.target ?? goal.target;
    const actual = round2(actualOf(a));
    actualSum += actual;
    targetCents += cents(target);
    return {
      assignment_id: a.id,
      assignee_type: a.assigneeType,
      user_id: a.userId,
      team_id: a.teamId,
      member_count: usersOf(a).length,
      target,
      actual,
      progress_percent: goalProgress(actual, Number(target)),
      reported_at: a.reportedAt ? a.reportedAt.toISOString() : null,
    };
  });
  const overallTarget = overallActual || assignments.length === 0 ? goal.target : decimalOf(targetCents);
  const overall = round2(overallActual ? overallActual() : actualSum);
  return {
    goal_id: goal.id,
    metric: goal.metric,
    period_start: goal.periodStart,
    period_end: goal.periodEnd,
    target: goal.target,
    data_available: note === null,
    note,
    overall: {
      actual: overall,
      target: overallTarget,
      progress_percent: goalProgress(overall, Number(overallTarget)),
    },
    assignees: rows,
  };
}
