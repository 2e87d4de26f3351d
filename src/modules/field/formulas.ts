import { haversineMeters, type LatLng } from '../../lib/geo.js';

/**
 * The field module's pure formulas (DESIGN §6 "Field"): no I/O, so the table tests can pin them to
 * hand-computed values.
 */

/** Outlets without a configured radius use this one. */
export const DEFAULT_GEOFENCE_RADIUS_M = 100;

export interface GeofenceResult {
  /** Haversine distance to the outlet in metres, rounded to 0.1 m; null when the outlet has no location. */
  distanceM: number | null;
  /** Whether the point is inside the outlet's radius (inclusive); null when unknown. */
  withinGeofence: boolean | null;
}

/** A check-in is verified when its distance to the outlet is at most the outlet's radius. */
export function geofenceCheck(
  point: LatLng,
  outlet: { latitude: number | null; longitude: number | null; radiusM?: number | null },
): GeofenceResult {
  if (outlet.latitude === null || outlet.longitude === null) return { distanceM: null, withinGeofence: null };
  const distance = haversineMeters(point, { latitude: outlet.latitude, longitude: outlet.longitude });
  const radius = outlet.radiusM ?? DEFAULT_GEOFENCE_RADIUS_M;
  return { distanceM: Math.round(distance * 10) / 10, withinGeofence: distance <= radius };
}

/** Rounds a percentage to two decimals for display. */
const pct = (value: number): number => Math.round(value * 100) / 100;

/**
 * A brand's share of one shelf photo: its area % when given, else marked cells ÷ grid cells × 100.
 * Duplicate cells count once.
 */
export function photoShelfShare(
  grid: { rows: number; cols: number },
  mark: { cells: readonly { row: number; col: number }[]; areaPercent?: number | null },
): number {
  return pct(exactShelfShare(grid, mark));
}

/** The share before rounding: shares are summed unrounded (three thirds make 100 %, not 100.01). */
export function exactShelfShare(
  grid: { rows: number; cols: number },
  mark: { cells: readonly { row: number; col: number }[]; areaPercent?: number | null },
): number {
  if (mark.areaPercent !== undefined && mark.areaPercent !== null) return mark.areaPercent;
  const total = grid.rows * grid.cols;
  if (total <= 0) return 0;
  const distinct = new Set(mark.cells.map((c) => `${c.row}:${c.col}`));
  return (distinct.size / total) * 100;
}

export interface BrandShareInput {
  brandId: string;
  isOwn: boolean;
  /** The brand's share on one photo (photoShelfShare). */
  share: number;
}

export interface AggregatedShare {
  brands: { brandId: string; isOwn: boolean; sharePercent: number }[];
  ownPercent: number;
  competitorPercent: number;
}

/**
 * Aggregated share over many photos: Σ a brand's shares ÷ Σ every brand's shares × 100, so the
 * brands sum to 100 (up to rounding); own brands against competitors likewise. All zero without data.
 */
export function aggregateShelfShare(rows: readonly BrandShareInput[]): AggregatedShare {
  const sums = new Map<string, { isOwn: boolean; sum: number }>();
  let total = 0;
  for (const row of rows) {
    const entry = sums.get(row.brandId) ?? { isOwn: row.isOwn, sum: 0 };
    entry.sum += row.share;
    sums.set(row.brandId, entry);
    total += row.share;
  }
  const share = (sum: number) => (total > 0 ? pct((sum / total) * 100) : 0);
  let own = 0;
  for (const entry of sums.values()) if (entry.isOwn) own += entry.sum;
  return {
    brands: [...sums.entries()]
      .map(([brandId, e]) => ({ brandId, isOwn: e.isOwn, sharePercent: share(e.sum) }))
      .sort((a, b) => b.sharePercent - a.sharePercent || a.brandId.localeCompare(b.brandId)),
    ownPercent: share(own),
    competitorPercent: total > 0 ? share(total - own) : 0,
  };
}

/* ------------------------------------------------------------------------------------------------
 * Goals and call cycles (DESIGN §6 "Field"). Dates are `YYYY-MM-DD` strings read as UTC days.
 * ---------------------------------------------------------------------------------------------- */

/**
 * Goal progress = min(100, actual ÷ target × 100), rounded to two decimals. A negative actual counts
 * as none; a target of zero or less cannot be reached meaningfully, so it reports 0.
 */
export function goalProgress(actual: number, target: number): number {
  if (!(target > 0) || !(actual > 0)) return 0;
  return pct(Math.min(100, (actual / target) * 100));
}

export const CALL_CYCLE_FREQUENCIES = ['daily', 'weekly', 'biweekly', 'monthly'] as const;
export type CallCycleFrequency = (typeof CALL_CYCLE_FREQUENCIES)[number];

const DAY_MS = 86_400_000;
const toDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** `date` plus `days` calendar days. */
export const addDays = (date: string, days: number): string => fromDay(toDay(date) + days);

/**
 * The instant the day after `date` begins: the exclusive upper bound of the times on or before it.
 * The day after 9999-12-31 (the last date the API takes) is in year 10000, which no ISO date-time
 * string PostgreSQL reads can carry, so that bound is the last millisecond of 9999 instead.
 */
export const dayAfter = (date: string): Date => new Date(Math.min((toDay(date) + 1) * DAY_MS, LAST_INSTANT));
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => toDay(to) - toDay(from);

/**
 * The planned visit dates of one outlet between `start` and `end` (both inclusive):
 *
 *   daily     every working day, Monday to Friday
 *   weekly    the start date and every 7 days after it
 *   biweekly  the start date and every 14 days after it
 *   monthly   the start date's day of the month in each month, clamped to shorter months
 *             (a cycle starting on the 31st visits on 28/29 February and 30 April)
 *
 * Empty when the end is before the start.
 */
export function scheduleDates(start: string, end: string, frequency: CallCycleFrequency): string[] {
  const first = toDay(start);
  const last = toDay(end);
  const dates: string[] = [];
  if (last < first) return dates;
  if (frequency === 'daily') {
    for (let day = first; day <= last; day++) {
      const weekday = new Date(day * DAY_MS).getUTCDay();
      if (weekday !== 0 && weekday !== 6) dates.push(fromDay(day));
    }
    return dates;
  }
  if (frequency === 'weekly' || frequency === 'biweekly') {
    const step = frequency === 'weekly' ? 7 : 14;
    for (let day = first; day <= last; day += step) dates.push(fromDay(day));
    return dates;
  }
  const [year, month, dayOfMonth] = start.split('-').map(Number) as [number, number, number];
  for (let i = 0; ; i++) {
    const monthStart = Date.UTC(year, month - 1 + i, 1);
    const daysInMonth = new Date(Date.UTC(year, month + i, 0)).getUTCDate();
    const date = fromDay(monthStart / DAY_MS + Math.min(dayOfMonth, daysInMonth) - 1);
    if (toDay(date) > last) return dates;
    dates.push(date);
  }
}

/** Planned and completed visits of one outlet of a call cycle. */
export interface OutletVisitCounts {
  planned: number;
  completed: number;
}

/**
 * Adherence = completed planned visits ÷ planned visits × 100, where each outlet counts at most its
 * planned number (extra visits to one outlet cannot make up for another), so it never exceeds 100.
 * 0 when nothing was planned.
 */
export function callCycleAdherence(outlets: readonly OutletVisitCounts[]): number {
  let planned = 0;
  let completed = 0;
  for (const outlet of outlets) {
    const plannedHere = Math.max(0, outlet.planned);
    planned += plannedHere;
    completed += Math.min(Math.max(0, outlet.completed), plannedHere);
  }
  return planned > 0 ? pct((completed / planned) * 100) : 0;
}

/** Coverage = distinct outlets visited ÷ outlets in the cycle × 100 (0 for an empty cycle). */
export function callCycleCoverage(outletsVisited: number, outletsInCycle: number): number {
  if (outletsInCycle <= 0) return 0;
  return pct((Math.min(outletsVisited, outletsInCycle) / outletsInCycle) * 100);
}

/** An open (planned or missed) slot a completed visit may fulfil. */
export interface OpenSlot {
  id: string;
  cycleId: string;
  outletId: string;
  slotDate: string;
}

/** The facts of a completed visit that decide which slots it fulfils. */
export interface CompletedVisitFacts {
  outletId: string;
  /** The UTC day of completion. */
  completedDate: string;
  plannedDate: string;
  /** The cycle the visit was planned for, if any. */
  callCycleId: string | null;
  /** Cycles of the visit's own agent (their slots may be fulfilled without a cycle id). */
  agentCycleIds: ReadonlySet<string>;
}

/**
 * The slots one completed visit fulfils, at most one per cycle:
 * - a slot of the visit's outlet on its completion day, in the visit's own cycle or in any cycle of
 *   the visit's agent;
 * - otherwise, for a visit planned for a cycle, that cycle's slot on the visit's planned date (a
 *   visit done late still fulfils the slot it was planned for).
 */
export function slotsFulfilledBy(visit: CompletedVisitFacts, open: readonly OpenSlot[]): OpenSlot[] {
  const chosen = new Map<string, OpenSlot>();
  const sorted = [...open]
    .filter((s) => s.outletId === visit.outletId)
    .sort((a, b) => a.slotDate.localeCompare(b.slotDate) || a.id.localeCompare(b.id));
  for (const slot of sorted) {
    if (chosen.has(slot.cycleId) || slot.slotDate !== visit.completedDate) continue;
    if (slot.cycleId === visit.callCycleId || visit.agentCycleIds.has(slot.cycleId))
      chosen.set(slot.cycleId, slot);
  }
  if (visit.callCycleId && !chosen.has(visit.callCycleId)) {
    const planned = sorted.find((s) => s.cycleId === visit.callCycleId && s.slotDate === visit.plannedDate);
    if (planned) chosen.set(visit.callCycleId, planned);
  }
  return [...chosen.values()];
}
