import { and, eq, sql } from 'drizzle-orm';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { localDate } from '../../notify/index.js';
import { customerScope } from '../scope.js';
import { csatResponses } from '../tables/csat.tables.js';
import type { AnalyticsQuery, CsatAnalytics } from './csat.schemas.js';
import { timeZoneOf } from './csat.service.js';
import { figuresOf, type Tally } from './figures.js';
import { dayEnd, dayStart, tallies } from './responses.js';

/** About three years: 37 monthly points at most. */
const MAX_DAYS = 1096;
const DAY_MS = 86_400_000;

/** `YYYY-MM` of the month `n` months after the month of `day`. */
function monthOf(day: string, n = 0): string {
  const date = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 + n, 1));
  return date.toISOString().slice(0, 7);
}

/** Every month from the month of `from` to the month of `to`, oldest first. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = monthOf(from); month <= monthOf(to); month = monthOf(`${month}-01`, 1)) months.push(month);
  return months;
}

/** The period: explicit days, or the twelve months up to today (the first month from its 1st). */
function periodOf(query: AnalyticsQuery, today: string): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? `${monthOf(to, -11)}-01`;
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days < 1) throw validationFailed([{ path: '/query/from', message: 'must not be after to' }]);
  if (days > MAX_DAYS)
    throw validationFailed([
      { path: '/query/from', message: `the period may span at most ${MAX_DAYS} days` },
    ]);
  return { from, to };
}

function trendOf(month: string, rows: readonly (Tally & { group: string })[]) {
  const figures = figuresOf(rows.filter((row) => row.group === month));
  return {
    month,
    responses: figures.total_responses,
    csat_responses: figures.csat.responses,
    average_csat: figures.csat.average,
    nps_responses: figures.nps.responses,
    nps: figures.nps.score,
  };
}

export function createCsatAnalytics(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  return {
    /**
     * The responses of the period in the caller's scope: CSAT average (CSAT types), NPS with its
     * promoters, passives and detractors, counts by type, and every month's figures (the months of
     * the tenant's calendar).
     */
    analytics(ctx: CallContext, query: AnalyticsQuery): Promise<CsatAnalytics> {
      const r = csatResponses;
      return tenantTx(ctx, async (tx) => {
        const timeZone = await timeZoneOf(tx, ctx.tenantId);
        const { from, to } = periodOf(query, localDate(new Date(), timeZone));
        const where = and(
          eq(r.tenantId, ctx.tenantId),
          customerScope(ctx.principal, r.customerId),
          sql`${r.submittedAt} >= ${dayStart(from, timeZone)}`,
          sql`${r.submittedAt} < ${dayEnd(to, timeZone)}`,
        )!;
        const month = sql<string>`to_char(${r.submittedAt} at time zone ${timeZone}, 'YYYY-MM')`;
        const rows = await tallies(tx, where, month);
        return {
          from,
          to,
          time_zone: timeZone,
          ...figuresOf(rows),
          trends: monthsBetween(from, to).map((m) => trendOf(m, rows)),
        };
      });
    },
  };
}
