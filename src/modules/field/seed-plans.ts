import type { Tx } from '../../platform/db/types.js';
import { uuidv7 } from '../../lib/ids.js';
import { callCycleLocations, callCycles } from './tables/call-cycles.tables.js';
import { goalAssignments, goals } from './tables/goals.tables.js';
import { surveyQuestions, surveys } from './tables/surveys.tables.js';

/** The plans behind the field demo data (seed.ts): surveys, weekly route call cycles and goals. */

export const DAYS = 30;
export const VISITS_PER_DAY = 3;
/** Weekdays (UTC getDay) with a call-cycle route; visits on other days are outside any cycle. */
export const ROUTE_DAYS: [number, string][] = [
  [1, 'Monday'],
  [3, 'Wednesday'],
  [5, 'Friday'],
];
export const PROMO = ['None', 'Poster', 'Wobbler', 'Branded fridge'];
export interface Outlet {
  id: string;
  latitude: number | null;
  longitude: number | null;
  radius: number;
}
export const routeOutlet = (agentIndex: number, weekday: number, slot: number, outlets: number) =>
  (agentIndex * 5 + weekday * VISITS_PER_DAY + slot) % outlets;

export const dayString = (date: Date) => date.toISOString().slice(0, 10);

interface Route {
  id: string;
  agentIndex: number;
  weekday: number;
}

/**
 * One weekly cycle per agent and route day, from the first such day of the demo month to four
 * weeks ahead, with the outlets the agent's route visits that day.
 */
export async function insertCallCycles(
  tx: Tx,
  tenantId: string,
  agents: string[],
  outlets: Outlet[],
  today: Date,
  createdAt: Date,
) {
  const routes: Route[] = [];
  const first = new Date(today.getTime() - (DAYS - 1) * 86_400_000);
  for (const [agentIndex, agentId] of agents.entries())
    for (const [weekday, name] of ROUTE_DAYS) {
      const start = new Date(first.getTime() + ((weekday - first.getUTCDay() + 7) % 7) * 86_400_000);
      const id = uuidv7(createdAt.getTime());
      await tx.db.insert(callCycles).values({
        tenantId,
        id,
        name: `${name} route ${agentIndex + 1}`,
        description: `Weekly ${name} outlets of agent ${agentIndex + 1}`,
        agentId,
        startDate: dayString(start),
        endDate: dayString(new Date(today.getTime() + 28 * 86_400_000)),
        frequency: 'weekly',
        createdAt,
        updatedAt: createdAt,
      });
      const outletIds = [
        ...new Set(
          Array.from(
            { length: VISITS_PER_DAY },
            (_, slot) => outlets[routeOutlet(agentIndex, weekday, slot, outlets.length)]!.id,
          ),
        ),
      ];
      await tx.db
        .insert(callCycleLocations)
        .values(
          outletIds.map((outletId, i) => ({ tenantId, cycleId: id, outletId, position: i + 1, createdAt })),
        );
      routes.push({ id, agentIndex, weekday });
    }
  return routes;
}

/** Goals of the demo month: completed visits and shelf photos per agent, own-brand share per team. */
export async function insertGoals(
  tx: Tx,
  tenantId: string,
  agents: string[],
  teamIds: string[],
  ownBrand: string | null,
  today: Date,
  createdAt: Date,
) {
  const periodStart = dayString(new Date(today.getTime() - (DAYS - 1) * 86_400_000));
  const periodEnd = dayString(today);
  const goal = async (
    name: string,
    metric: (typeof goals.$inferInsert)['metric'],
    target: string,
    assignees: { userId?: string; teamId?: string }[],
    brandId: string | null = null,
  ) => {
    const id = uuidv7(createdAt.getTime());
    await tx.db.insert(goals).values({
      tenantId,
      id,
      name,
      metric,
      target,
      periodStart,
      periodEnd,
      brandId,
      createdAt,
      updatedAt: createdAt,
    });
    await tx.db.insert(goalAssignments).values(
      assignees.map((a) => ({
        tenantId,
        goalId: id,
        assigneeType: a.userId ? ('user' as const) : ('team' as const),
        userId: a.userId ?? null,
        teamId: a.teamId ?? null,
        createdAt,
        updatedAt: createdAt,
      })),
    );
  };
  await goal(
    'Completed visits this month',
    'visits_completed',
    '60',
    agents.map((userId) => ({ userId })),
  );
  await goal(
    'Shelf photos this month',
    'photos',
    '25',
    agents.map((userId) => ({ userId })),
  );
  if (ownBrand && teamIds.length)
    await goal(
      'Own brand shelf share',
      'shelf_share',
      '50',
      teamIds.map((teamId) => ({ teamId })),
      ownBrand,
    );
}

export async function insertSurveys(tx: Tx, tenantId: string, ownBrand: string | null, createdAt: Date) {
  const shelfId = uuidv7(createdAt.getTime());
  const reviewId = uuidv7(createdAt.getTime());
  await tx.db.insert(surveys).values([
    {
      tenantId,
      id: shelfId,
      title: 'Shelf check',
      description: 'Availability, facings and promotion of our brands at the outlet',
      type: 'outlet',
      brandId: ownBrand,
      createdAt,
      updatedAt: createdAt,
    },
    {
      tenantId,
      id: reviewId,
      title: 'Visit self-review',
      description: 'How the visit went, from the agent',
      type: 'individual',
      createdAt,
      updatedAt: createdAt,
    },
  ]);
  const q = (surveyId: string, position: number, text: string, type: string, extra: object = {}) => ({
    tenantId,
    id: uuidv7(createdAt.getTime()),
    surveyId,
    position,
    createdAt,
    updatedAt: createdAt,
    text,
    type: type as (typeof surveyQuestions.$inferInsert)['type'],
    ...extra,
  });
  const shelf = [
    q(shelfId, 1, 'Is the outlet open?', 'yes_no', { required: true }),
    q(shelfId, 2, 'Facings of our brands', 'number', { required: true, validation: { min: 0, max: 50 } }),
    q(shelfId, 3, 'Promotion material', 'single_choice', { options: PROMO }),
    q(shelfId, 4, 'Shelf photo', 'photo'),
  ];
  const review = [
    q(reviewId, 1, 'How did the visit go?', 'rating', { required: true, validation: { min: 1, max: 5 } }),
    q(reviewId, 2, 'Comment', 'text', { validation: { max_length: 500 } }),
  ];
  await tx.db.insert(surveyQuestions).values([...shelf, ...review]);
  return { shelfId, reviewId, shelf: shelf.map((s) => s.id), review: review.map((s) => s.id) };
}
