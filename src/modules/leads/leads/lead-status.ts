import { conflict } from '../../../platform/http/errors.js';
import type { LeadStatus } from '../tables/leads.tables.js';

/**
 * The moves `POST /leads/{id}/status` makes: new → contacted → qualified → rejected | expired. A
 * lead may skip `contacted` (a walk-in qualified on the spot); rejected and expired may end any
 * open lead; the end states are final. `converted` is not among them: a lead converts only when a
 * sale is recorded (`POST /conversions` or an external sales import, from any open status), so
 * that a converted lead always has a conversion and the KPIs, which count conversions, agree with
 * the lead's status.
 */
export const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'qualified', 'rejected', 'expired'],
  contacted: ['qualified', 'rejected', 'expired'],
  qualified: ['rejected', 'expired'],
  converted: [],
  rejected: [],
  expired: [],
};

export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];

/**
 * 409 CONVERSION_REQUIRED for a move to converted (only a sale converts), else 409
 * INVALID_STATUS_TRANSITION naming both ends when `from → to` is not a permitted move.
 */
export function checkLeadTransition(from: LeadStatus, to: LeadStatus): void {
  if (to === 'converted')
    throw conflict(
      'CONVERSION_REQUIRED',
      'A lead becomes converted only when a sale is recorded: POST /conversions with the lead_id.',
    );
  if (!LEAD_TRANSITIONS[from].includes(to))
    throw conflict('INVALID_STATUS_TRANSITION', `A lead cannot move from ${from} to ${to}.`);
}
