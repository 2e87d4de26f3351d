import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { client, uniq } from './helpers.js';

export type Line = {
  month: string;
  quantity: number;
  price_override: string | null;
  price: string;
  revenue: string;
};
export type Forecast = {
  id: string;
  status: string;
  rep_id: string;
  comment: string | null;
  lines: Line[];
  total_revenue: string;
  total_quantity: number;
};

/** The 12 forecast months of a cycle anchored at 2027-01. */
export const MONTHS_2027 = Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}`);

/** Lines for the given months, each `quantity`. */
export const linesOf = (months: string[], quantity = 5) => months.map((month) => ({ month, quantity }));

/** An open cycle anchored at `anchor` ending on `end` (default far ahead, so the deadline is open). */
export async function openCycle(t: TestApp, fx: IdentityFixture, anchor = '2027-01', end = '2030-01-31') {
  const api = client(t);
  const admin = fx.users.admin.auth;
  const cycle = await api.ok<{ id: string }>(
    'POST',
    '/sop/cycles',
    admin,
    { name: uniq('Cycle'), anchor_month: anchor, start_date: '2026-01-01', end_date: end },
    201,
  );
  await api.ok('POST', `/sop/cycles/${cycle.id}/open`, admin);
  return cycle.id;
}
