import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/types.js';
import type { DemoLogin, Platform } from '../../platform/module.js';
import { safeKey } from '../../platform/storage/index.js';
import { uuidv7 } from '../../lib/ids.js';
import { seededRandom as random } from '../../lib/random.js';
import { syncCycleSlots } from './call-cycles/slots.js';
import { geofenceCheck } from './formulas.js';
import { demoClock, earliest, placeTodaysVisit } from './seed-clock.js';
import { inspectImage, loadSharp } from './photos/image.js';
import { callCycles, callCycleSlots } from './tables/call-cycles.tables.js';
import { photos, shelfQuadrants, type GridCell } from './tables/photos.tables.js';
import { visitAnswers, visits, type VisitStatus, type VisitType } from './tables/visits.tables.js';
import {
  DAYS,
  dayString,
  insertCallCycles,
  insertGoals,
  insertSurveys,
  PROMO,
  routeOutlet,
  VISITS_PER_DAY,
  type Outlet,
} from './seed-plans.js';

/**
 * Field demo data for the `demo` tenant: two surveys, a month of visits of every demo agent across
 * the catalog's demo outlets (GPS near the outlet, some fixes outside the geofence, some visits
 * cancelled or missed), survey answers, and shelf photos with thumbnails and shelf marks for own
 * and competitor brands; weekly route call cycles that the visits follow (Monday, Wednesday and
 * Friday routes per agent) and goals on visits, photos and own-brand shelf share. A fixed
 * pseudo-random sequence makes every run produce the same shape. Skipped when the tenant already
 * has surveys, so every start can run it.
 *
 * Days and hours are the tenant's (its `time_zone` setting), and nothing is dated after the moment
 * of seeding: today's visits that would otherwise lie ahead are moved earlier into the day, or to
 * yesterday evening when the day has not yet begun far enough (seeding just after local midnight).
 */

const CANCEL_REASONS = ['Shop closed', 'Owner not available', 'Rescheduled by the manager', 'Road works'];
const COMMENTS = ['Shelf restocked', 'Asked for more facings', 'Competitor promotion running', 'All good'];

interface Brand {
  id: string;
  isOwn: boolean;
}

/** A point `meters` away from `origin` in direction `bearing` (radians), flat-earth approximation. */
function offset(origin: { latitude: number; longitude: number }, meters: number, bearing: number) {
  const dLat = (meters * Math.cos(bearing)) / 111_320;
  const dLng = (meters * Math.sin(bearing)) / (111_320 * Math.cos((origin.latitude * Math.PI) / 180));
  return {
    latitude: Math.round((origin.latitude + dLat) * 1e6) / 1e6,
    longitude: Math.round((origin.longitude + dLng) * 1e6) / 1e6,
  };
}

const BRAND_COLOURS = [
  [230, 126, 34],
  [41, 128, 185],
  [192, 57, 43],
  [39, 174, 96],
  [142, 68, 173],
];

/** A small shelf picture: each grid cell painted in the colour of the brand marked on it. */
async function shelfJpeg(cellBrands: number[]): Promise<Buffer> {
  const width = 160;
  const height = 120;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const cell = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      const shelfLine = y % 30 < 3;
      const colour = shelfLine ? [90, 90, 90] : BRAND_COLOURS[cellBrands[cell]! % BRAND_COLOURS.length]!;
      pixels.set(colour, (y * width + x) * 3);
    }
  const sharp = await loadSharp();
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 70 })
    .toBuffer();
}

async function demoTenant(platform: Platform): Promise<{ id: string; timeZone: string | null } | null> {
  const { rows } = await platform.system.seed((tx) =>
    tx.sql.query<{ id: string; time_zone: string | null }>(
      "select id, settings->>'time_zone' as time_zone from tenants where slug = 'demo'",
    ),
  );
  return rows[0] ? { id: rows[0].id, timeZone: rows[0].time_zone } : null;
}

const DAY = 86_400_000;

async function loadContext(tx: Tx, tenantId: string) {
  const agents = await tx.sql.query<{ id: string }>(
    `select u.id from users u
       join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
       join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
     where u.tenant_id = $1 and r.key = 'agent' and u.status = 'active' order by u.email`,
    [tenantId],
  );
  const outlets = await tx.sql.query<Outlet>(
    `select id, latitude, longitude, geofence_radius_m as radius from outlets
     where tenant_id = $1 and archived_at is null order by code`,
    [tenantId],
  );
  const brands = await tx.sql.query<{ id: string; is_own: boolean; name: string }>(
    'select id, is_own, name from brands where tenant_id = $1 and archived_at is null order by name',
    [tenantId],
  );
  return {
    agents: agents.rows.map((r) => r.id),
    outlets: outlets.rows.map((o) => ({ ...o, radius: Number(o.radius) })),
    brands: brands.rows.map((b) => ({ id: b.id, isOwn: b.is_own })),
    ownBrand: brands.rows.find((b) => b.is_own)?.id ?? null,
    teams: (
      await tx.sql.query<{ id: string }>('select id from teams where tenant_id = $1 order by name', [
        tenantId,
      ])
    ).rows.map((r) => r.id),
  };
}

/** Cells of a 2×2 shelf grid shared out among two or three brands, own brands first. */
function shelfMarks(rand: () => number, brands: Brand[]): { brandIndex: number; cells: GridCell[] }[] {
  const own = brands.map((b, i) => (b.isOwn ? i : -1)).filter((i) => i >= 0);
  const rivals = brands.map((b, i) => (b.isOwn ? -1 : i)).filter((i) => i >= 0);
  const pick = (list: number[]) => list[Math.floor(rand() * list.length)]!;
  const chosen = [...new Set([pick(own.length ? own : rivals), pick(rivals.length ? rivals : own)])];
  if (rand() < 0.4 && rivals.length > 1) chosen.push(pick(rivals));
  const unique = [...new Set(chosen)];
  const byCell = [0, 1, 2, 3].map((cell) => (cell < unique.length ? unique[cell]! : pick(unique)));
  return unique.map((brandIndex) => ({
    brandIndex,
    cells: byCell.flatMap((b, cell) =>
      b === brandIndex ? [{ row: Math.floor(cell / 2), col: cell % 2 }] : [],
    ),
  }));
}

/** `now`: the moment of seeding (a test pins it); every stored time lies at or before it. */
export async function seedFieldDemo(platform: Platform, options: { now?: Date } = {}): Promise<DemoLogin[]> {
  const tenant = await demoTenant(platform);
  if (!tenant) return [];
  const tenantId = tenant.id;
  const clock = demoClock(options.now ?? new Date(), tenant.timeZone ?? 'UTC');
  const written: string[] = [];
  try {
    await platform.db.withTenant({ tenantId }, async (tx) => {
      const { rows } = await tx.sql.query<{ n: number }>('select count(*)::int as n from surveys');
      if (rows[0]!.n > 0) return;
      const { agents, outlets, brands, ownBrand, teams } = await loadContext(tx, tenantId);
      if (agents.length === 0 || outlets.length === 0) return;
      const today = clock.today;
      // Surveys, routes and goals were set up the morning before the demo month's first visit.
      const setUpAt = clock.at(new Date(today.getTime() - DAYS * DAY), 8 * 60);
      const survey = await insertSurveys(tx, tenantId, ownBrand, setUpAt);
      const rand = random(20_240_601);
      const routes = await insertCallCycles(tx, tenantId, agents, outlets, today, setUpAt);

      const visitRows: (typeof visits.$inferInsert)[] = [];
      const answerRows: (typeof visitAnswers.$inferInsert)[] = [];
      const photoRows: (typeof photos.$inferInsert)[] = [];
      const quadrantRows: (typeof shelfQuadrants.$inferInsert)[] = [];

      for (const [agentIndex, agentId] of agents.entries())
        for (let d = -(DAYS - 1); d <= 2; d++) {
          const routeDate = new Date(today.getTime() + d * DAY);
          if (routeDate.getUTCDay() === 0) continue; // no field work on Sundays
          for (let slot = 0; slot < VISITS_PER_DAY; slot++) {
            const weekday = routeDate.getUTCDay();
            const outlet = outlets[routeOutlet(agentIndex, weekday, slot, outlets.length)]!;
            const routeOf = routes.find((r) => r.agentIndex === agentIndex && r.weekday === weekday);
            const roll = rand();
            let status: VisitStatus;
            if (d > 0) status = 'planned';
            else if (d === 0) status = slot === 0 ? 'completed' : slot === 1 ? 'in_progress' : 'planned';
            else status = roll < 0.76 ? 'completed' : roll < 0.88 ? 'cancelled' : 'missed';
            const typeRoll = rand();
            const visitType: VisitType =
              typeRoll < 0.8 ? 'planned' : typeRoll < 0.95 ? 'unplanned' : 'follow_up';
            const surveyRoll = rand();
            const surveyId = surveyRoll < 0.7 ? survey.shelfId : surveyRoll < 0.85 ? survey.reviewId : null;
            // The first visit starts around 09:00 local time, the next ones two hours apart.
            const usualStart = clock.at(routeDate, (9 + slot * 2) * 60 + Math.floor(rand() * 40));
            const timed = status === 'completed' || status === 'in_progress';
            const { date, start } =
              d === 0 && timed
                ? placeTodaysVisit(clock, usualStart, status, slot)
                : { date: routeDate, start: usualStart };
            // Planned the morning before (or just now, for the days ahead).
            const createdAt = earliest(clock.at(new Date(date.getTime() - DAY), 8 * 60), clock.now);
            // Ids sort as the day's visits do (keyset ties), never later than the moment of seeding.
            const id = uuidv7(earliest(start, clock.now).getTime());
            // A visit moved to yesterday is no longer the route's visit of today.
            const route = date.getTime() === routeDate.getTime() ? routeOf : undefined;
            const row: typeof visits.$inferInsert = {
              tenantId,
              id,
              agentId,
              outletId: outlet.id,
              surveyId,
              callCycleId: route && visitType === 'planned' ? route.id : null,
              status,
              visitType,
              plannedDate: date.toISOString().slice(0, 10),
              createdAt,
              updatedAt: status === 'planned' ? createdAt : start,
            };
            visitRows.push(row);
            if (status === 'cancelled') {
              Object.assign(row, {
                cancelledAt: start,
                cancelReason: CANCEL_REASONS[Math.floor(rand() * CANCEL_REASONS.length)],
              });
              continue;
            }
            if (status !== 'completed' && status !== 'in_progress') continue;
            // One fix in seven is taken away from the shop (parking, wrong building): outside the geofence.
            const outside = rand() < 0.14;
            const origin =
              outlet.latitude !== null && outlet.longitude !== null
                ? { latitude: outlet.latitude, longitude: outlet.longitude }
                : { latitude: 41.3, longitude: 69.27 };
            const meters = outside ? 150 + rand() * 450 : 5 + rand() * 55;
            const checkIn = offset(origin, meters, rand() * 2 * Math.PI);
            const inGeo = geofenceCheck(checkIn, { ...outlet, radiusM: outlet.radius });
            Object.assign(row, {
              checkInAt: start,
              checkInLatitude: checkIn.latitude,
              checkInLongitude: checkIn.longitude,
              checkInAccuracyM: Math.round(4 + rand() * 20),
              checkInDistanceM: inGeo.distanceM,
              checkInWithinGeofence: inGeo.withinGeofence,
            });
            if (status !== 'completed') continue;
            const completedAt = new Date(start.getTime() + (15 + Math.floor(rand() * 30)) * 60_000);
            const done = offset(checkIn, rand() * 10, rand() * 2 * Math.PI);
            const doneGeo = geofenceCheck(done, { ...outlet, radiusM: outlet.radius });
            Object.assign(row, {
              completedAt,
              completionLatitude: done.latitude,
              completionLongitude: done.longitude,
              completionAccuracyM: Math.round(4 + rand() * 20),
              completionDistanceM: doneGeo.distanceM,
              completionWithinGeofence: doneGeo.withinGeofence,
              updatedAt: completedAt,
            });

            let photoId: string | null = null;
            if (surveyId === survey.shelfId && brands.length > 1 && rand() < 0.6) {
              photoId = uuidv7(completedAt.getTime() - 60_000);
              const marks = shelfMarks(rand, brands);
              const cellBrands = [0, 1, 2, 3].map(
                (cell) => marks.find((m) => m.cells.some((c) => c.row * 2 + c.col === cell))!.brandIndex,
              );
              const bytes = await shelfJpeg(cellBrands);
              const facts = await inspectImage(bytes);
              const folder = ['tenants', tenantId, 'photos', id] as const;
              const fileKey = safeKey(...folder, `${photoId}.jpg`);
              const thumbnailKey = safeKey(...folder, `${photoId}.thumb.jpg`);
              await platform.storage.put(fileKey, bytes, { contentType: 'image/jpeg', maxBytes: Infinity });
              written.push(fileKey);
              await platform.storage.put(thumbnailKey, facts.thumbnail!, {
                contentType: 'image/jpeg',
                maxBytes: Infinity,
              });
              written.push(thumbnailKey);
              photoRows.push({
                tenantId,
                id: photoId,
                visitId: id,
                agentId,
                outletId: outlet.id,
                uploadedBy: agentId,
                purpose: 'shelf',
                fileKey,
                fileName: `shelf-${row.plannedDate}.jpg`,
                contentType: 'image/jpeg',
                size: bytes.length,
                thumbnailKey,
                width: facts.width,
                height: facts.height,
                takenAt: new Date(completedAt.getTime() - 60_000),
                latitude: done.latitude,
                longitude: done.longitude,
                createdAt: new Date(completedAt.getTime() - 60_000),
              });
              for (const mark of marks)
                quadrantRows.push({
                  tenantId,
                  photoId,
                  brandId: brands[mark.brandIndex]!.id,
                  cells: mark.cells,
                  createdAt: new Date(completedAt.getTime() - 60_000),
                });
            }

            if (surveyId === survey.shelfId) {
              const open = rand() < 0.95;
              const values: unknown[] = [
                open,
                Math.floor(rand() * 24),
                PROMO[Math.floor(rand() * PROMO.length)],
                photoId,
              ];
              values.forEach((value, i) => {
                if (value !== null)
                  answerRows.push({
                    tenantId,
                    visitId: id,
                    questionId: survey.shelf[i]!,
                    value,
                    createdAt: completedAt,
                  });
              });
            } else if (surveyId === survey.reviewId) {
              answerRows.push({
                tenantId,
                visitId: id,
                questionId: survey.review[0]!,
                value: 2 + Math.floor(rand() * 4),
                createdAt: completedAt,
              });
              if (rand() < 0.6)
                answerRows.push({
                  tenantId,
                  visitId: id,
                  questionId: survey.review[1]!,
                  value: COMMENTS[Math.floor(rand() * COMMENTS.length)],
                  createdAt: completedAt,
                });
            }
          }
        }

      await tx.db.insert(visits).values(visitRows);
      if (answerRows.length) await tx.db.insert(visitAnswers).values(answerRows);
      if (photoRows.length) await tx.db.insert(photos).values(photoRows);
      if (quadrantRows.length) await tx.db.insert(shelfQuadrants).values(quadrantRows);
      // The call-cycle module plans the slots and marks those the completed visits fulfil.
      const cycleRows = await tx.db.select().from(callCycles).where(eq(callCycles.tenantId, tenantId));
      for (const cycle of cycleRows) await syncCycleSlots(tx, tenantId, cycle, dayString(today));
      // Planning stamps slots with the clock; the demo's slots were planned with their cycles.
      await tx.db
        .update(callCycleSlots)
        .set({ createdAt: setUpAt, updatedAt: clock.now })
        .where(
          and(
            eq(callCycleSlots.tenantId, tenantId),
            inArray(
              callCycleSlots.cycleId,
              routes.map((r) => r.id),
            ),
          ),
        );
      await insertGoals(tx, tenantId, agents, teams, ownBrand, today, setUpAt);
    });
  } catch (error) {
    // The rows were rolled back: their files must not stay behind.
    for (const key of written) await platform.storage.delete(key);
    throw error;
  }
  return [];
}
