import { and, count, eq, exists, gte, inArray, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { brandFacts } from '../../catalog/index.js';
import {
  addDays,
  aggregateShelfShare,
  goalProgress,
  photoShelfShare,
  type BrandShareInput,
} from '../formulas.js';
import { photos, shelfQuadrants } from '../tables/photos.tables.js';
import { surveys } from '../tables/surveys.tables.js';
import { visits } from '../tables/visits.tables.js';
import type { GoalMetric } from '../tables/goals.tables.js';
import { membersOfTeams, type AssignmentRow, type GoalRow } from './goals.repository.js';
import type { GoalProgress } from './schemas.js';

/** Metrics whose data lives in modules that do not exist yet: their actual is 0, said so openly. */
const NOT_YET_AVAILABLE: Partial<Record<GoalMetric, string>> = {
  leads_captured: 'Leads are not recorded yet (the leads module is not available); the actual is 0.',
  conversions: 'Conversions are not recorded yet (the leads module is not available); the actual is 0.',
  revenue: 'Revenue is not recorded yet (the leads and commerce modules are not available); the actual is 0.',
};

const cents = (decimal: string) => Math.round(Number(decimal) * 100);
const decimalOf = (centsValue: number) => (centsValue / 100).toFixed(2);
const round2 = (value: number) => Math.round(value * 100) / 100;

/** The goal's period as a half-open UTC time range. */
function window(goal: GoalRow) {
  return {
    from: new Date(`${goal.periodStart}T00:00:00Z`),
    until: new Date(`${addDays(goal.periodEnd, 1)}T00:00:00Z`),
  };
}

/** Visits of the goal's survey, or of surveys of the goal's brand. */
function visitFilters(tx: Tx, goal: GoalRow): (SQL | undefined)[] {
  return [
    goal.surveyId ? eq(visits.surveyId, goal.surveyId) : undefined,
    goal.brandId
      ? inArray(
          visits.surveyId,
          tx.db
            .select({ id: surveys.id })
            .from(surveys)
            .where(and(eq(surveys.tenantId, goal.tenantId), eq(surveys.brandId, goal.brandId))),
        )
      : undefined,
  ];
}

/** Completed visits per agent in the period (completion time); with a survey for surveys_completed. */
async function completedVisits(tx: Tx, goal: GoalRow, userIds: string[], withSurvey: boolean) {
  const { from, until } = window(goal);
  const rows = await tx.db
    .select({ userId: visits.agentId, n: count() })
    .from(visits)
    .where(
      and(
        eq(visits.tenantId, goal.tenantId),
        inArray(visits.agentId, userIds),
        eq(visits.status, 'completed'),
        gte(visits.completedAt, from),
        lt(visits.completedAt, until),
        withSurvey ? isNotNull(visits.surveyId) : undefined,
        ...visitFilters(tx, goal),
      ),
    )
    .groupBy(visits.agentId);
  return new Map(rows.map((r) => [r.userId, Number(r.n)]));
}

/** Photo filters: taken on a visit of the goal's survey; showing the goal's brand on the shelf. */
function photoFilters(tx: Tx, goal: GoalRow, userIds: string[]): (SQL | undefined)[] {
  const { from, until } = window(goal);
  return [
    eq(photos.tenantId, goal.tenantId),
    inArray(photos.agentId, userIds),
    gte(photos.createdAt, from),
    lt(photos.createdAt, until),
    goal.surveyId
      ? inArray(
          photos.visitId,
          tx.db
            .select({ id: visits.id })
            .from(visits)
            .where(and(eq(visits.tenantId, goal.tenantId), eq(visits.surveyId, goal.surveyId))),
        )
      : undefined,
  ];
}

async function photoCounts(tx: Tx, goal: GoalRow, userIds: string[]) {
  const brandShown = goal.brandId
    ? exists(
        tx.db
          .select({ one: shelfQuadrants.id })
          .from(shelfQuadrants)
          .where(
            and(
              eq(shelfQuadrants.tenantId, photos.tenantId),
              eq(shelfQuadrants.photoId, photos.id),
              eq(shelfQuadrants.brandId, goal.brandId),
            ),
          ),
      )
    : undefined;
  const rows = await tx.db
    .select({ userId: photos.agentId, n: count() })
    .from(photos)
    .where(and(...photoFilters(tx, goal, userIds), brandShown))
    .groupBy(photos.agentId);
  return new Map(rows.map((r) => [r.userId, Number(r.n)]));
}

/** Every brand's share on each shelf-marked photo of the users in the period, per user. */
async function shelfMarks(tx: Tx, goal: GoalRow, userIds: string[]) {
  const rows = await tx.db
    .select({
      userId: photos.agentId,
      rows: photos.gridRows,
      cols: photos.gridCols,
      brandId: shelfQuadrants.brandId,
      cells: shelfQuadrants.cells,
      areaPercent: shelfQuadrants.areaPercent,
    })
    .from(shelfQuadrants)
    .innerJoin(
      photos,
      and(eq(photos.tenantId, shelfQuadrants.tenantId), eq(photos.id, shelfQuadrants.photoId)),
    )
    .where(and(...photoFilters(tx, goal, userIds)));
  // Own or competitor is the catalogue's fact about each brand: one lookup for all of them.
  const brands = await brandFacts(
    tx,
    goal.tenantId,
    rows.map((r) => r.brandId),
  );
  const perUser = new Map<string, BrandShareInput[]>();
  for (const row of rows) {
    const brand = brands.get(row.brandId);
    if (!brand) continue;
    const r = { ...row, isOwn: brand.isOwn };
    const share = photoShelfShare(
      { rows: r.rows, cols: r.cols },
      { cells: r.cells, areaPercent: r.areaPercent },
    );
    perUser.set(r.userId, [...(perUser.get(r.userId) ?? []), { brandId: r.brandId, isOwn: r.isOwn, share }]);
  }
  return perUser;
}

/**
 * Progress of a goal for the given (visible) assignments. A user's actual comes from their own
 * rows in the period; a team's from all its current members' rows (summed, or pooled for shelf
 * share). Overall: Σ actual ÷ Σ target for counted metrics; for shelf share, the brand's share
 * pooled over every assignee's photos against the goal's target.
 */
export async function goalProgressOf(
  tx: Tx,
  goal: GoalRow,
  assignments: AssignmentRow[],
): Promise<GoalProgress> {
  const teamIds = assignments.flatMap((a) => (a.teamId ? [a.teamId] : []));
  const members = await membersOfTeams(tx, goal.tenantId, teamIds);
  const usersOf = (a: AssignmentRow) => (a.userId ? [a.userId] : (members.get(a.teamId!) ?? []));
  const allUsers = [...new Set(assignments.flatMap(usersOf))];
  const note = NOT_YET_AVAILABLE[goal.metric] ?? null;

  let actualOf: (a: AssignmentRow) => number;
  let overallActual: (() => number) | undefined;
  if (goal.metric === 'manual') actualOf = (a) => Number(a.reportedValue ?? 0);
  else if (note || allUsers.length === 0) actualOf = () => 0;
  else if (goal.metric === 'shelf_share') {
    const marks = await shelfMarks(tx, goal, allUsers);
    const shareOf = (users: string[]) => {
      const pooled = aggregateShelfShare(users.flatMap((u) => marks.get(u) ?? []));
      return pooled.brands.find((b) => b.brandId === goal.brandId)?.sharePercent ?? 0;
    };
    actualOf = (a) => shareOf(usersOf(a));
    overallActual = () => shareOf(allUsers);
  } else {
    const counts =
      goal.metric === 'photos'
        ? await photoCounts(tx, goal, allUsers)
        : await completedVisits(tx, goal, allUsers, goal.metric === 'surveys_completed');
    actualOf = (a) => usersOf(a).reduce((sum, u) => sum + (counts.get(u) ?? 0), 0);
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
